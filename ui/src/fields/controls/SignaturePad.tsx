import { useEffect, useRef, useState } from 'react';
import { Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** SignaturePad draws with mouse, pen or finger on a canvas and hands back a PNG. */
export function SignaturePad({ onDone, width = 420, height = 160 }: { onDone: (png: Blob) => void; width?: number; height?: number }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.lineWidth = 2.2; ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.strokeStyle = '#111';
  }, []);

  const pos = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * e.currentTarget.width) / r.width, y: ((e.clientY - r.top) * e.currentTarget.height) / r.height };
  };
  const clear = () => {
    const c = ref.current; const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, c.width, c.height); setDirty(false);
  };
  return (
    <Space orientation="vertical">
      <canvas ref={ref} width={width} height={height} className="fl-signature" data-testid="signature-canvas"
        style={{ width: '100%', maxWidth: width }}
        onPointerDown={(e) => {
          const ctx = e.currentTarget.getContext('2d'); if (!ctx) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          drawing.current = true; const p = pos(e); ctx.beginPath(); ctx.moveTo(p.x, p.y);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const ctx = e.currentTarget.getContext('2d'); if (!ctx) return;
          const p = pos(e); ctx.lineTo(p.x, p.y); ctx.stroke(); setDirty(true);
        }}
        onPointerUp={() => { drawing.current = false; }}
        onPointerLeave={() => { drawing.current = false; }}
      />
      <Space>
        <Button size="small" onClick={clear}>{t('fill.clear')}</Button>
        <Button size="small" type="primary" disabled={!dirty} data-testid="signature-done"
          onClick={() => ref.current?.toBlob((b) => { if (b) onDone(b); }, 'image/png')}>{t('fill.useSignature')}</Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('fill.signHint')}</Typography.Text>
      </Space>
    </Space>
  );
}
