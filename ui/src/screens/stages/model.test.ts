import { describe, expect, it } from 'vitest';
import type { Definition } from '../../api/types';
import { pipelineOf, withPipeline, type Pipeline } from '../../api/stages';
import { allowedMove, daysBetween, enteredAt, formatInZone, guessFlag, mergeTimeline, missingOptions, move, pipelineFor, stageProblems } from './model';

const def: Definition = {
  fields: [
    { key: 'title', type: 'text', label: '名称' },
    { key: 'stage', type: 'select', label: '阶段', options: [
      { value: 'qualify', label: '需求确认' }, { value: 'proposal', label: '方案提交' }, { value: 'won', label: '赢单' }, { value: 'lost', label: '输单' }] },
  ],
};

const p: Pipeline = { field: 'stage', transitions: 'forward', stages: [
  { value: 'qualify' }, { value: 'proposal', next: ['won'] }, { value: 'won', flag: 'won' }, { value: 'lost', flag: 'lost' }] };

describe('pipelineFor', () => {
  it('makes one stage per option, guessing won and lost, and keeps settings and order of the same field', () => {
    const fresh = pipelineFor(def, 'stage', null);
    expect(fresh.stages.map((s) => s.value)).toEqual(['qualify', 'proposal', 'won', 'lost']);
    expect(fresh.stages.map((s) => s.flag)).toEqual([undefined, undefined, 'won', 'lost']);
    expect(fresh.transitions).toBe('forward');
    const kept = pipelineFor(def, 'stage', { ...p, stages: [{ value: 'proposal', probability: 30 }, { value: 'qualify' }] });
    expect(kept.stages.map((s) => s.value)).toEqual(['proposal', 'qualify', 'won', 'lost']);
    expect(kept.stages[0].probability).toBe(30);
  });
  it('lists the options the pipeline leaves out', () => {
    expect(missingOptions(def, { ...p, stages: p.stages.slice(0, 2) }).map((o) => o.value)).toEqual(['won', 'lost']);
  });
  it('guesses flags from English and Chinese words only', () => {
    expect(guessFlag('closed_won', '')).toBe('won');
    expect(guessFlag('x', '输单')).toBe('lost');
    expect(guessFlag('negotiate', '价格谈判')).toBeUndefined();
  });
});

describe('pipeline in the design', () => {
  it('is kept under extensions.stages and removed with null, leaving other settings', () => {
    const d = withPipeline(def, p);
    expect(pipelineOf(d)).toEqual(p);
    const other = withPipeline({ ...d, extensions: { ...d.extensions, other: 1 } } as Definition, null);
    expect(pipelineOf(other)).toBeNull();
    expect((other as { extensions?: object }).extensions).toEqual({ other: 1 });
    expect('extensions' in withPipeline(def, null)).toBe(false);
  });
});

describe('stageProblems', () => {
  it('puts publish problems on the inputs they concern', () => {
    const m = stageProblems([
      { path: 'extensions.stages.stages[2].required[0]', message: 'a' },
      { path: 'extensions.stages.stages[2].condition', message: 'b' },
      { path: 'extensions.stages.stages[1].message', message: 'c' },
      { path: 'extensions.stages', message: 'd' },
      { path: 'fields[0].key', message: 'not mine' },
    ]);
    expect(Object.fromEntries(m)).toEqual({ 'stages[2].required': ['a'], 'stages[2].condition': ['b'], 'stages[1].message': ['c'], '': ['d'] });
  });
});

describe('allowedMove', () => {
  it('follows the server rules: forward, closed stages final, any, list', () => {
    expect(allowedMove(p, 'qualify', 'proposal')).toBe(true);
    expect(allowedMove(p, 'proposal', 'qualify')).toBe(false);
    expect(allowedMove(p, 'qualify', 'lost')).toBe(true);
    expect(allowedMove(p, 'won', 'lost')).toBe(false);
    expect(allowedMove({ ...p, transitions: 'any' }, 'won', 'qualify')).toBe(true);
    expect(allowedMove({ ...p, transitions: 'list' }, 'proposal', 'won')).toBe(true);
    expect(allowedMove({ ...p, transitions: 'list' }, 'proposal', 'lost')).toBe(false);
    expect(allowedMove(p, '', 'won')).toBe(true);
    expect(allowedMove(p, 'qualify', 'qualify')).toBe(false);
  });
  it('reorders with move', () => {
    expect(move([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
  });
});

describe('time in stage and timeline', () => {
  const h = [
    { id: '1', record: 'r', from: '', to: 'qualify', at: '2026-03-01T00:00:00Z', by: 'u' },
    { id: '2', record: 'r', from: 'qualify', to: 'proposal', at: '2026-03-03T00:00:00Z', by: 'u', durationMs: 172800000 },
  ];
  it('reads the entered-at field, else the last transition into the stage, else the creation', () => {
    expect(enteredAt('proposal', { at: '2026-03-05T00:00:00Z' }, { ...p, enteredAtField: 'at' }, h, 'c')).toBe('2026-03-05T00:00:00Z');
    expect(enteredAt('proposal', {}, p, h, 'c')).toBe('2026-03-03T00:00:00Z');
    expect(enteredAt('won', {}, p, h, 'c')).toBe('c');
    expect(daysBetween('2026-03-03T00:00:00Z', new Date('2026-03-10T12:00:00Z'))).toBe(7);
    expect(daysBetween('2026-03-03T00:00:00Z', new Date('2026-03-01T00:00:00Z'))).toBe(0);
  });
  it('merges stage changes and approval steps newest first, leaving out node passes', () => {
    const items = mergeTimeline(h, [{ flowName: '折扣审批', timeline: [
      { at: '2026-03-02T00:00:00Z', kind: 'started', user: 'u' },
      { at: '2026-03-02T00:00:00Z', kind: 'node_entered', node: 'n1' },
      { at: '2026-03-04T00:00:00Z', kind: 'decided', action: 'approve', comment: 'ok' },
    ] }]);
    expect(items.map((x) => (x.kind === 'stage' ? x.t.to : x.e.kind))).toEqual(['decided', 'proposal', 'started', 'qualify']);
  });
  it('formats in the workspace zone', () => {
    expect(formatInZone('2026-03-01T23:30:00Z', 'Asia/Shanghai')).toBe('2026-03-02 07:30');
    expect(formatInZone('2026-03-01T23:30:00Z', 'UTC')).toBe('2026-03-01 23:30');
    expect(formatInZone('2026-03-01T00:05:00Z', 'UTC')).toBe('2026-03-01 00:05');
    expect(formatInZone('2026-03-01T23:30:00Z', 'Not/AZone')).toMatch(/^2026-03-0[12] \d\d:30$/);
    expect(formatInZone('nope', 'UTC')).toBe('nope');
  });
});
