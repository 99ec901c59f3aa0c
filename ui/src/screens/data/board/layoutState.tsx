// The data view's layout (table, kanban, calendar) and each layout's
// settings: saved with a view, and kept per form in this browser for
// "all records". The board and the calendar themselves load on demand.
import { useCallback, useState } from 'react';
import { Segmented, Tooltip } from 'antd';
import { CalendarOutlined, ProjectOutlined, TableOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Layout, ViewConfig } from '../../../api/report';
import type { FieldDef } from '../../../api/types';
import { boardable } from './boardModel';
import './layout.css';

/** LayoutState is what the data view shows its records as. */
export interface LayoutState { layout: Layout; kanban?: ViewConfig['kanban']; calendar?: ViewConfig['calendar'] }

const storageKey = (formId: string) => `formloom.layout.${formId}`;

function read(formId: string): LayoutState {
  try {
    const v = JSON.parse(localStorage.getItem(storageKey(formId)) ?? 'null') as LayoutState | null;
    if (v && (v.layout === 'table' || v.layout === 'kanban' || v.layout === 'calendar')) return v;
  } catch { /* a damaged entry starts again */ }
  return { layout: 'table' };
}

/** fromConfig is the layout a saved view holds. */
export function fromConfig(c: ViewConfig): LayoutState {
  return { layout: c.layout ?? 'table', kanban: c.kanban, calendar: c.calendar };
}

/** useLayout keeps a form's layout state, remembered in this browser. */
export function useLayout(formId: string): [LayoutState, (s: LayoutState) => void] {
  const [state, setState] = useState<LayoutState>(() => read(formId));
  const set = useCallback((s: LayoutState) => {
    setState(s);
    try { localStorage.setItem(storageKey(formId), JSON.stringify(s)); } catch { /* private mode: not remembered */ }
  }, [formId]);
  return [state, set];
}

/** dateField reports whether a calendar can place records by this field. */
export function dateField(f: FieldDef): boolean {
  return f.type === 'date' || f.type === 'datetime';
}

// option is one choice of the switch: its icon and name; between a phone and a wide screen the
// name is left to the tooltip and screen readers, so the data view's toolbar keeps to one line.
function option(key: Layout, icon: React.ReactNode, name: string, why?: string) {
  return (
    <Tooltip title={why ?? name}>
      <span data-testid={`layout-${key}`} className="fl-layout-option">{icon}<span className="fl-layout-name">{name}</span></span>
    </Tooltip>
  );
}

/** LayoutSwitch picks table, kanban or calendar; the last two need a fitting field. */
export function LayoutSwitch({ value, onChange, fields }: { value: Layout; onChange: (l: Layout) => void; fields: FieldDef[] }) {
  const { t } = useTranslation();
  const board = fields.some(boardable);
  const cal = fields.some(dateField);
  return (
    <Segmented<Layout> value={value} onChange={onChange} data-testid="layout-switch" aria-label={t('board.layout')} options={[
      { value: 'table', label: option('table', <TableOutlined />, t('board.table')) },
      { value: 'kanban', disabled: !board, label: option('kanban', <ProjectOutlined />, t('board.kanban'), board ? undefined : t('board.noKanbanField')) },
      { value: 'calendar', disabled: !cal, label: option('calendar', <CalendarOutlined />, t('board.calendar'), cal ? undefined : t('board.noCalendarField')) },
    ]} />
  );
}
