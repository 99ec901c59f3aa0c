import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import i18n from '../../i18n';
import { RunSummaryCell } from './RunSummaryCell';

const o = (p: Partial<Record<string, number>> = {}) => ({ matched: 0, notMatched: 0, conditionErrors: 0, succeeded: 0, failed: 0, stopped: 0, skipped: 0, ...p });

describe('the run summary cell', () => {
  it('shows the last 24 hours by outcome and, on hover, the week and the last error (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<RunSummaryCell summary={{ automation: 'a1', last24h: o({ matched: 3, notMatched: 5, failed: 1, skipped: 2 }), last7d: o({ matched: 9, notMatched: 20, failed: 2 }),
      lastError: { at: '2026-03-09T01:00:00Z', code: 'automation_action_failed', message: { 'zh-CN': '动作失败', en: 'the action failed' } } }} />);
    const cell = screen.getByTestId('run-summary');
    expect(cell.textContent).toContain('3');
    expect(cell.textContent).toContain('5');
    expect(screen.getByTestId('run-summary-error')).toBeTruthy();
    fireEvent.mouseEnter(cell);
    const tip = await screen.findByTestId('run-summary-tip');
    expect(tip.textContent).toContain('最近 7 天');
    expect(tip.textContent).toContain('满足 9');
    expect(tip.textContent).toContain('动作失败');
  });

  it('shows a dash without a summary (en)', async () => {
    await i18n.changeLanguage('en');
    render(<RunSummaryCell summary={null} />);
    expect(screen.getByText('—')).toBeTruthy();
  });
});
