import { useRef } from 'react';
import { useTranslation } from 'react-i18next';

type Props = React.ThHTMLAttributes<HTMLTableCellElement> & { width?: number; onResize?: (w: number) => void };

/**
 * ResizableTitle is a table header cell with a handle on its right edge:
 * dragging it sets the column's width (at least 60 px), kept by the caller.
 */
export function ResizableTitle({ width, onResize, children, style, ...rest }: Props) {
  const { t } = useTranslation();
  const th = useRef<HTMLTableCellElement>(null);
  if (!onResize) return <th {...rest} style={style}>{children}</th>;
  const start = (e: React.PointerEvent) => {
    e.preventDefault(); e.stopPropagation();
    const x0 = e.clientX;
    const w0 = width ?? th.current?.getBoundingClientRect().width ?? 120;
    const moveTo = (ev: PointerEvent) => { if (th.current) th.current.style.width = `${Math.max(60, w0 + ev.clientX - x0)}px`; };
    const up = (ev: PointerEvent) => {
      window.removeEventListener('pointermove', moveTo); window.removeEventListener('pointerup', up);
      onResize(Math.round(Math.max(60, w0 + ev.clientX - x0)));
    };
    window.addEventListener('pointermove', moveTo); window.addEventListener('pointerup', up);
  };
  return (
    <th ref={th} {...rest} style={{ ...style, width, position: 'relative' }}>
      {children}
      <span className="fl-col-resize" role="separator" aria-orientation="vertical" title={t('views.width')} onPointerDown={start} onClick={(e) => e.stopPropagation()} data-testid="col-resize" />
    </th>
  );
}
