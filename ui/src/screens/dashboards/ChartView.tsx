import { forwardRef, useImperativeHandle, useMemo, useRef } from 'react';
import { Alert, Empty, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Chart, ChartData } from '../../api/dashboards';
import { EChart, type EChartHandle } from './EChart';
import type { EChartsOption } from './echarts';
import { duration, fieldText, formatNumber, keyText, measureText, percent, pivotOf, seriesOf, valueText, type Names, type T } from './chartModel';

/** ChartViewHandle exports a chart: its drawing as a PNG data URL (none for cards and tables). */
export interface ChartViewHandle { dataURL: () => string | undefined }

interface Props {
  chart: Chart;
  data: ChartData | undefined;
  /** onDrill opens the records behind a group (its keys as the data gave them). */
  onDrill?: (keys: unknown[]) => void;
  /** names gives the chart form's field labels and members' names (without it keys show as is). */
  names?: Names;
}

/** ChartView draws one chart's data as its kind. */
export const ChartView = forwardRef<ChartViewHandle, Props>(function ChartView({ chart, data, onDrill, names }, ref) {
  const { t, i18n } = useTranslation();
  const tt = t as unknown as T;
  const echart = useRef<EChartHandle>(null);
  useImperativeHandle(ref, () => ({ dataURL: () => echart.current?.dataURL() }), []);
  const axis = useMemo(() => (data && !data.error && !data.funnel ? seriesOf(chart, data, tt, names, i18n.language) : null), [chart, data, tt, names, i18n.language]);
  const option = useMemo((): EChartsOption | null => {
    if (!data || data.error) return null;
    if (chart.kind === 'funnel' && data.funnel) {
      const stages = data.funnel.stages.filter((s) => s.flag !== 'lost');
      return {
        tooltip: { trigger: 'item', formatter: '{b}: {c}' },
        series: [{ type: 'funnel', sort: 'none', left: '5%', width: '90%', minSize: '15%', label: { show: true, position: 'inside', formatter: '{b} {c}' },
          data: stages.map((s) => ({ name: s.label || s.value, value: s.reached })) }],
      };
    }
    if (!axis || (chart.kind !== 'bar' && chart.kind !== 'line' && chart.kind !== 'pie')) return null;
    if (chart.kind === 'pie') {
      return {
        tooltip: { trigger: 'item' }, legend: { type: 'scroll', bottom: 0 },
        series: [{ type: 'pie', radius: ['30%', '55%'], center: ['50%', '45%'], labelLayout: { hideOverlap: true }, data: axis.labels.map((name, i) => ({ name, value: axis.series[0]?.values[i] ?? 0 })) }],
      };
    }
    return {
      tooltip: { trigger: 'axis' }, legend: axis.series.length > 1 ? { type: 'scroll', top: 0 } : undefined,
      grid: { left: 8, right: 8, top: axis.series.length > 1 ? 28 : 12, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: axis.labels }, yAxis: { type: 'value' },
      series: axis.series.map((s) => ({ type: chart.kind === 'line' ? 'line' : 'bar', name: s.name, data: s.values, smooth: chart.kind === 'line' })),
    };
  }, [chart, data, axis]);

  if (!data) return null;
  if (data.error) return <Alert type="warning" showIcon message={t('dashboards.chart.error', { message: data.error.message })} data-testid="chart-error" />;
  const locale = i18n.language;
  if (chart.kind === 'funnel' && data.funnel) return <FunnelView data={data} option={option!} echart={echart} onDrill={onDrill} />;
  if (data.rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboards.chart.noData')} />;
  const truncated = data.truncated ? <Typography.Text type="secondary">{t('dashboards.chart.truncated')}</Typography.Text> : null;
  if (chart.kind === 'metric') {
    const row = data.rows[0];
    return (
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 24 }} data-testid="metric">
        {data.measures.map((m, j) => (
          <Statistic key={m} title={measureText(chart.measures?.find((x) => x.id === m), m, tt, names)} value={valueText(row?.values[j], locale, chart.measures?.find((x) => x.id === m), names, tt)} />
        ))}
      </div>
    );
  }
  if (chart.kind === 'table') return <>{truncated}<ChartTable chart={chart} data={data} onDrill={onDrill} names={names} /></>;
  return (
    <>
      {truncated}
      <EChart ref={echart} option={option!} testId={`echart-${chart.id}`}
        onClick={(s, i) => { if (axis && onDrill) onDrill(chart.kind === 'pie' ? axis.keysAt(i, 0) : axis.keysAt(i, s)); }} />
    </>
  );
});

function ChartTable({ chart, data, onDrill, names }: { chart: Chart; data: ChartData; onDrill?: (keys: unknown[]) => void; names?: Names }) {
  const { t, i18n } = useTranslation();
  const tt = t as unknown as T;
  const locale = i18n.language;
  // Headers stay on one line (a narrow table scrolls sideways rather than breaking 负责人 into 负责 / 人).
  const nw = (s: string) => <span style={{ whiteSpace: 'nowrap' }}>{s}</span>;
  const keyName = (i: number) => nw(fieldText(chart.groupBy?.[i]?.field, names, tt));
  if (data.keys.length === 2) {
    const p = pivotOf(data, tt, names, locale);
    return (
      <Table size="small" pagination={false} scroll={{ x: true }} rowKey={(r) => JSON.stringify(r.key)} dataSource={p.rows}
        columns={[{ title: keyName(0), dataIndex: 'label', fixed: 'left' as const },
          ...p.cols.map((c, j) => ({ title: nw(c.label), key: String(j), align: 'right' as const,
            // A cell opens its records when the chart has any (not a source chart's).
            render: (_: unknown, r: (typeof p.rows)[number]) => (onDrill ? <a onClick={() => onDrill([r.key, c.key])}>{formatNumber(r.cells[j], locale)}</a> : formatNumber(r.cells[j], locale)) }))]} />
    );
  }
  return (
    <Table size="small" pagination={false} scroll={{ x: true }} rowKey={(_, i) => String(i)} dataSource={data.rows}
      onRow={(r) => ({ onClick: () => onDrill?.(r.keys), style: { cursor: onDrill ? 'pointer' : undefined } })}
      columns={[...data.keys.map((_, i) => ({ title: keyName(i), key: `k${i}`, render: (_: unknown, r: ChartData['rows'][number]) => keyText(data, i, r.keys[i], tt, names, locale) })),
        ...data.measures.map((m, j) => ({ title: nw(measureText(chart.measures?.find((x) => x.id === m), m, tt, names)), key: `m${j}`, align: 'right' as const,
          render: (_: unknown, r: ChartData['rows'][number]) => valueText(r.values[j], locale, chart.measures?.find((x) => x.id === m), names, tt) }))]} />
  );
}

function FunnelView({ data, option, echart, onDrill }: { data: ChartData; option: EChartsOption; echart: React.RefObject<EChartHandle | null>; onDrill?: (keys: unknown[]) => void }) {
  const { t, i18n } = useTranslation();
  const tt = t as unknown as T;
  const f = data.funnel!;
  const locale = i18n.language;
  const drawn = f.stages.filter((s) => s.flag !== 'lost');
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%' }} data-testid="funnel">
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 24 }}>
        <Statistic title={t('dashboards.funnel.overall')} value={percent(f.overall)} />
        <Statistic title={t('dashboards.funnel.winRate')} value={percent(f.winRate)} />
        {f.weighted !== undefined && <Statistic title={t('dashboards.funnel.weighted')} value={formatNumber(f.weighted, locale)} />}
        <Statistic title={t('dashboards.funnel.cycle')} value={duration(f.avgCycleMs, tt)} suffix={f.cycleSample ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('dashboards.funnel.cycleSample', { n: f.cycleSample })}</Typography.Text> : null} />
      </div>
      {!f.history && <Typography.Text type="secondary">{t('dashboards.funnel.noHistory')}</Typography.Text>}
      {f.sampled && <Typography.Text type="secondary">{t('dashboards.funnel.sampled')}</Typography.Text>}
      <div style={{ height: 220, flex: 'none' }}>
        <EChart ref={echart} option={option} testId="echart-funnel" onClick={(_, i) => onDrill?.([drawn[i]?.value])} />
      </div>
      <Table size="small" pagination={false} scroll={{ x: true }} rowKey="value" dataSource={f.stages}
        onRow={(s) => ({ onClick: () => onDrill?.([s.value]), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('dashboards.funnel.stage'), dataIndex: 'label', render: (v: string, s) => v || s.value },
          { title: t('dashboards.funnel.count'), dataIndex: 'count', align: 'right' },
          { title: t('dashboards.funnel.reached'), dataIndex: 'reached', align: 'right' },
          { title: t('dashboards.funnel.conversion'), dataIndex: 'conversion', align: 'right', render: (v?: number) => percent(v) },
          { title: t('dashboards.funnel.time'), dataIndex: 'avgDurationMs', align: 'right', render: (v?: number) => duration(v, tt) },
          ...(f.weighted !== undefined ? [{ title: t('dashboards.funnel.amount'), dataIndex: 'amount', align: 'right' as const, render: (v?: number) => formatNumber(v, locale) }] : []),
        ]} />
      {f.leaders.length > 0 && (
        <>
          <Typography.Text strong>{t('dashboards.funnel.leaders')}</Typography.Text>
          <Table size="small" pagination={false} scroll={{ x: true }} rowKey={(l) => JSON.stringify(l.owner)} dataSource={f.leaders}
            columns={[
              { title: t('dashboards.funnel.owner'), key: 'o', render: (_: unknown, l) => l.label || (l.owner === null ? t('dashboards.empty_value') : String(l.owner)) },
              { title: t('dashboards.funnel.won'), dataIndex: 'won', align: 'right' },
              { title: t('dashboards.funnel.wonAmount'), dataIndex: 'wonAmount', align: 'right', render: (v: number) => formatNumber(v, locale) },
              { title: t('dashboards.funnel.open'), dataIndex: 'open', align: 'right' },
              { title: t('dashboards.funnel.weighted'), dataIndex: 'weighted', align: 'right', render: (v: number) => formatNumber(v, locale) },
              { title: t('dashboards.funnel.winRate'), dataIndex: 'winRate', align: 'right', render: (v?: number) => percent(v) },
            ]} />
        </>
      )}
    </div>
  );
}
