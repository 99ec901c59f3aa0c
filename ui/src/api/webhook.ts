// API of the webhooks capability (OpenAPI tag "webhooks": schemas
// WebhookEndpoint*, WebhookDelivery*, InboundHook*, InboundCall).
import { request } from './client';
import type { ExpressionResult, FieldError } from './types';

export interface WebhookEndpoint {
  id: string; workspace: string; url: string; description: string; events: string[]; form?: string; filter?: string;
  headers: Record<string, string>; enabled: boolean; disabledReason?: string; actor: string; secretHint: string;
  rotatingUntil?: string; failingSince?: string; version: number; createdAt: string; updatedAt: string;
}
export interface WebhookEndpointCreated extends WebhookEndpoint { secret: string }
export interface WebhookEndpointInput {
  url: string; description?: string; events: string[]; form?: string; filter?: string; headers?: Record<string, string>;
  enabled?: boolean; /** actor: the member whose view shapes payloads; '' keeps the current one (the creator for a new endpoint). */ actor?: string; version?: number;
}
export interface WebhookAttempt {
  n: number; at: string; status: number; error?: string; durationMs: number;
  requestHeaders: Record<string, string>; responseHeaders: Record<string, string>; responseBody: string;
}
export interface WebhookDelivery {
  id: string; endpoint: string; messageId: string; event: string; type: string; form?: string; record?: string;
  status: 'pending' | 'succeeded' | 'failed'; attempts: number; nextAt?: string; lastStatus?: number; lastError?: string;
  redeliveryOf?: string; createdAt: string; finishedAt?: string; body?: unknown; attemptLog?: WebhookAttempt[];
}
export interface WebhookEvent { type: string; record: boolean }
export interface InboundHook {
  id: string; workspace: string; form: string; name: string; verify: 'none' | 'hmac' | 'standard'; signatureHeader?: string;
  mapping: Record<string, string>; idempotencyKey?: string; upsertField?: string; enabled: boolean; actor: string; version: number; createdAt: string;
}
export interface InboundHookInput {
  form: string; name: string; verify: string; signatureHeader?: string; mapping: Record<string, string>;
  idempotencyKey?: string; upsertField?: string; enabled?: boolean; /** actor: the member the hook writes as; '' keeps the current one. */ actor?: string; version?: number;
}
export interface InboundHookCreated { hook: InboundHook; token: string; secret?: string; url: string }
export interface InboundCall {
  id: string; at: string; payload: string; ok: boolean; result: { record: string; action: string }; error?: string; errors?: FieldError[];
}

const enc = encodeURIComponent;
const E = '/webhooks/endpoints';
const items = <T,>(r: { items: T[] }) => r.items ?? [];

export const webhookApi = {
  events: async () => items(await request<{ items: WebhookEvent[] }>('GET', '/webhooks/events')),
  endpoints: async () => items(await request<{ items: WebhookEndpoint[] }>('GET', E)),
  createEndpoint: (b: WebhookEndpointInput) => request<WebhookEndpointCreated>('POST', E, b),
  updateEndpoint: (id: string, b: WebhookEndpointInput) => request<WebhookEndpoint>('PUT', `${E}/${enc(id)}`, b),
  deleteEndpoint: (id: string) => request<void>('DELETE', `${E}/${enc(id)}`),
  rotate: (id: string, graceHours: number) => request<WebhookEndpointCreated>('POST', `${E}/${enc(id)}/rotate`, { graceHours }),
  sendTest: (id: string) => request<WebhookDelivery>('POST', `${E}/${enc(id)}/test`),
  deliveries: (id: string, status = '') =>
    request<{ deliveries: WebhookDelivery[]; next?: string }>('GET', `${E}/${enc(id)}/deliveries${status ? `?status=${enc(status)}` : ''}`),
  redeliverFailed: (id: string) => request<{ queued: number }>('POST', `${E}/${enc(id)}/redeliver-failed`, {}),
  delivery: (id: string) => request<WebhookDelivery>('GET', `/webhooks/deliveries/${enc(id)}`),
  redeliver: (id: string) => request<WebhookDelivery>('POST', `/webhooks/deliveries/${enc(id)}/redeliver`),
  checkFilter: (form: string, expression: string) => request<ExpressionResult>('POST', '/webhooks/check-filter', { form, expression }),
  checkMapping: (expression: string) => request<ExpressionResult>('POST', '/webhooks/check-mapping', { expression }),
  inbound: async () => items(await request<{ items: InboundHook[] }>('GET', '/webhooks/inbound')),
  createInbound: (b: InboundHookInput) => request<InboundHookCreated>('POST', '/webhooks/inbound', b),
  updateInbound: (id: string, b: InboundHookInput) => request<InboundHook>('PUT', `/webhooks/inbound/${enc(id)}`, b),
  /** rotateInbound makes a new URL token (and secret), shown once, and switches the hook on; the old URL stops at once. */
  rotateInbound: (id: string) => request<InboundHookCreated>('POST', `/webhooks/inbound/${enc(id)}/rotate`),
  deleteInbound: (id: string) => request<void>('DELETE', `/webhooks/inbound/${enc(id)}`),
  calls: async (id: string) => items(await request<{ items: InboundCall[] }>('GET', `/webhooks/inbound/${enc(id)}/calls`)),
};
