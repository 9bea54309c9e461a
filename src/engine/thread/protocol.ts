/**
 * Messages between the HTTP thread and the engine's worker thread (./threaded-engine.ts,
 * ./worker.ts): a call names an object and a method from fixed lists, its reply carries the
 * value or the error. Values cross as structured clones (plain data on both sides).
 */
import type { MemoryEngine } from '../api.js';
import { isErrorCode, OmError, type ErrorCode } from '../../errors.js';
import type { Store } from '../../store/store.js';

/** Every engine method the worker serves; the type check fails when one is missing. */
export const ENGINE_METHODS = [
  'add',
  'addMany',
  'addDocument',
  'query',
  'get',
  'list',
  'update',
  'delete',
  'link',
  'links',
  'exportPage',
  'importLines',
  'history',
  'reinforce',
  'userSummary',
  'regenerateSummary',
  'deleteUser',
  'userStats',
  'addFact',
  'findFacts',
  'updateFact',
  'factTimeline',
  'compareFacts',
  'factStats',
  'volatileFacts',
  'adminDecayFacts',
  'adminMemoryOwner',
  'adminListUsers',
  'adminSectorStats',
  'jobStats',
  'userJobStats',
  'adminUserJobStats',
  'embeddingMetrics',
  'modelStats',
] as const satisfies ReadonlyArray<Exclude<keyof MemoryEngine, 'close'>>;

const complete: Exclude<keyof MemoryEngine, 'close' | (typeof ENGINE_METHODS)[number]> extends never ? true : never =
  true;
void complete;

/** The API key table, for authentication on the HTTP thread. */
export const KEY_METHODS = [
  'adminCreateApiKey',
  'adminFindApiKey',
  'adminListApiKeys',
  'adminRevokeApiKey',
  'adminTouchApiKey',
] as const satisfies ReadonlyArray<keyof Store>;

export type Call =
  | { id: number; target: 'engine'; method: (typeof ENGINE_METHODS)[number]; args: unknown[] }
  | { id: number; target: 'keys'; method: (typeof KEY_METHODS)[number]; args: unknown[] };

export interface WireError {
  code: ErrorCode | null;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

export type Reply = { id: number; value: unknown } | { id: number; error: WireError };

/** Sent once the worker's engine is open (or could not be). */
export type Ready = { ready: true; location: string } | { ready: false; error: WireError };

export function toWire(err: unknown): WireError {
  if (err instanceof OmError)
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: null, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

/** An OmError keeps its code and safe message; anything else stays an unexpected error. */
export function fromWire(w: WireError): Error {
  if (isErrorCode(w.code)) return new OmError(w.code, w.message, w.details);
  const e = new Error(w.message);
  if (w.stack) e.stack = w.stack;
  return e;
}
