import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { echarts, type EChartsOption } from './echarts';

/** EChartHandle lets a tile export the drawing. */
export interface EChartHandle { dataURL: () => string | undefined }

/**
 * EChart draws one ECharts option and follows its box's size; onClick
 * gets the clicked item's series and data index (for drill-down).
 */
export const EChart = forwardRef<EChartHandle, { option: EChartsOption; onClick?: (seriesIndex: number, dataIndex: number) => void; testId?: string }>(
  function EChart({ option, onClick, testId }, ref) {
    const box = useRef<HTMLDivElement>(null);
    const inst = useRef<echarts.ECharts | null>(null);
    const click = useRef(onClick);
    click.current = onClick;
    useEffect(() => {
      if (!box.current) return;
      const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
      inst.current = c;
      c.on('click', (p) => { const e = p as { seriesIndex?: number; dataIndex?: number }; click.current?.(e.seriesIndex ?? 0, e.dataIndex ?? 0); });
      const ro = new ResizeObserver(() => c.resize());
      ro.observe(box.current);
      return () => { ro.disconnect(); c.dispose(); inst.current = null; };
    }, []);
    useEffect(() => { inst.current?.setOption(option, true); }, [option]);
    useImperativeHandle(ref, () => ({ dataURL: () => inst.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }) }), []);
    return <div ref={box} style={{ width: '100%', height: '100%', minHeight: 160 }} data-testid={testId} />;
  },
);
