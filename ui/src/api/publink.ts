// API of a form's public link (OpenAPI tag "public": PublicLink*,
// PublicForm, PublicSubmission, PublicResult).
import { request } from './client';
import type { FieldType } from './types';

export interface PublicLink {
  id: string; workspace: string; form: string; fields: string[]; title?: string; description?: string; thanks?: string;
  maxSubmissions?: number; perIpHour?: number; presets?: Record<string, unknown>; enabled: boolean; hasToken: boolean;
  submissions: number; actor: string; version: number; createdAt: string; updatedAt: string;
}
/** PublicLinkSaved carries the token and page address only when one was just made (shown this once). */
export interface PublicLinkSaved extends PublicLink { token?: string; url?: string }
export interface PublicLinkInput {
  fields: string[]; title?: string; description?: string; thanks?: string; maxSubmissions?: number; perIpHour?: number;
  presets?: Record<string, unknown>; enabled?: boolean; actor?: string; version?: number;
}
export interface PublicField {
  key: string; type: FieldType; label: string; description?: string; required?: boolean;
  options?: { value: string; label: string; color?: string }[]; display?: string; default?: unknown;
  minLength?: number; maxLength?: number; min?: number; max?: number; precision?: number; currency?: string;
}
export interface PublicForm { title: string; description?: string; thanks?: string; columns?: number; fields: PublicField[]; honeypot: string }

/** PUBLIC_TYPES are the field types a public link may show (the server refuses the others). */
export const PUBLIC_TYPES = new Set<string>(['text', 'textarea', 'number', 'money', 'percent', 'rating', 'date', 'datetime', 'select',
  'multiselect', 'boolean', 'email', 'phone', 'url', 'address']);

const enc = encodeURIComponent;
const link = (form: string) => `/forms/${enc(form)}/public-link`;

export const publinkApi = {
  get: (form: string) => request<PublicLink>('GET', link(form)),
  save: (form: string, b: PublicLinkInput) => request<PublicLinkSaved>('PUT', link(form), b),
  rotate: (form: string) => request<PublicLinkSaved>('POST', `${link(form)}/rotate`),
  remove: (form: string) => request<void>('DELETE', link(form)),
  /** publicForm and submit need no sign-in: the token is the credential. */
  publicForm: (token: string) => request<PublicForm>('GET', `/public/forms/${enc(token)}`),
  submit: (token: string, values: Record<string, unknown>, website: string) =>
    request<{ ok: boolean; thanks?: string }>('POST', `/public/forms/${enc(token)}`, { values, website }),
};

/** pageURL is the public page of a token on this server. */
export function pageURL(token: string): string {
  return `${typeof location !== 'undefined' ? location.origin : ''}/p/${token}`;
}
