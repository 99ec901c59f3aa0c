// Types and client of the stage-pipeline API (server/openapi_stages.go,
// docs/workflows.md "Stage pipelines"). A pipeline is designed in the form's
// draft as definition.extensions.stages and published with the form; a move
// is a plain record update whose gates run in the write pipeline, so these
// routes only read and check.
import { request } from './client';
import type { Definition, FieldError } from './types';

/** TransitionRule says which moves a pipeline allows. */
export type TransitionRule = 'forward' | 'any' | 'list';

/** StageFlag is open (default), won or lost; won and lost stages close the pipeline. */
export type StageFlag = 'open' | 'won' | 'lost';

/** Forecast is a stage's forecast category. */
export type Forecast = '' | 'pipeline' | 'best_case' | 'commit' | 'closed' | 'omitted';

export const FORECASTS: Forecast[] = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'];

/** Stage is one stage of a pipeline: an option of the stage field with its gates and help. */
export interface Stage {
  value: string;
  probability?: number;
  forecast?: Forecast;
  flag?: StageFlag | '';
  /** required lists the fields that must hold a value to enter the stage. */
  required?: string[];
  /** condition must be true to enter the stage; message says why, per language. */
  condition?: string;
  message?: Record<string, string>;
  guidance?: string;
  checklist?: string[];
  /** next lists the stages this one may move to (rule "list" only). */
  next?: string[];
}

/** Pipeline is a form's stage pipeline over one select field. */
export interface Pipeline {
  field: string;
  transitions?: TransitionRule | '';
  /** enteredAtField is a datetime field stamped with the time the record entered its stage. */
  enteredAtField?: string;
  stages: Stage[];
}

/** StageView is a published stage with its option label. */
export interface StageView extends Stage { label: string }

/** StageDesign is the published pipeline (what writes obey) and, for designers, the draft's. */
export interface StageDesign {
  published: Pipeline | null; formVersion: number; draft?: Pipeline | null; draftVersion?: number;
  problems?: FieldError[]; stages?: StageView[] | null;
}

/** Transition is one stage change of a record. */
export interface Transition {
  id: string; form?: string; record: string; field?: string; from: string; to: string; fromFlag?: string; toFlag?: string;
  at: string; by: string; byName?: string; source?: string;
  /** durationMs is the time spent in from (absent for the record's first stage). */
  durationMs?: number; probability?: number; formVersion?: number;
  /** created marks the record's entry into the stage it was created in, derived from the record (its id is empty). */
  created?: boolean;
}

/** StageCheck is what the gates would say about a move: ok, or per-field errors in the request's language. */
export interface StageCheck { to: string; ok: boolean; fields: FieldError[] }

/** StageCount is the number of live records in a stage ("" : no stage). */
export interface StageCount { stage: string; label?: string; flag?: string; probability?: number; count: number }

/** EXTENSION is the key of the pipeline in a form design's extensions. */
export const EXTENSION = 'stages';

/** DefinitionWithExtensions is a form design with the capability settings the server keeps with it. */
export type DefinitionWithExtensions = Definition & { extensions?: Record<string, unknown> };

/** pipelineOf reads the pipeline from a design, or null. */
export function pipelineOf(def: Definition): Pipeline | null {
  const p = (def as DefinitionWithExtensions).extensions?.[EXTENSION];
  return p && typeof p === 'object' ? (p as Pipeline) : null;
}

/** withPipeline returns def with p as its pipeline (null removes it). */
export function withPipeline(def: Definition, p: Pipeline | null): DefinitionWithExtensions {
  const ext = { ...((def as DefinitionWithExtensions).extensions ?? {}) };
  if (p) ext[EXTENSION] = p; else delete ext[EXTENSION];
  const out: DefinitionWithExtensions = { ...def, extensions: ext };
  if (Object.keys(ext).length === 0) delete out.extensions;
  return out;
}

const enc = encodeURIComponent;

export const stages = {
  design: (form: string) => request<StageDesign>('GET', `/forms/${enc(form)}/stages`),
  summary: async (form: string) => (await request<{ items?: StageCount[] }>('GET', `/forms/${enc(form)}/stages/summary`))?.items ?? [],
  history: async (form: string, record: string) =>
    (await request<{ items?: Transition[] }>('GET', `/forms/${enc(form)}/records/${enc(record)}/stages`))?.items ?? [],
  check: (form: string, record: string, to: string) =>
    request<StageCheck>('GET', `/forms/${enc(form)}/records/${enc(record)}/stages/check?to=${enc(to)}`),
};
