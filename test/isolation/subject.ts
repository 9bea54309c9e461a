/**
 * What the isolation property drives: the engine directly, or the HTTP API with one key per user.
 * Users are names (`null` = the default user); refusals come back as codes, never as throws,
 * so the property can demand "not found" exactly where the model says the id is not the caller's.
 */
import type { Integrity } from './rawdb.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

export interface SeenMemory {
  id: string;
  content: string;
  /** Present when the interface shows it. */
  user_id?: string | null;
  metadata?: Record<string, unknown>;
}

export interface SeenMatch {
  id: string;
  content: string;
  path: string[];
}

export type User = string | null;

export interface Subject {
  readonly name: string;
  add(user: User, content: string, tags: string[]): Promise<{ id: string; deduplicated: boolean }>;
  query(user: User, text: string, k: number): Promise<SeenMatch[]>;
  page(user: User, limit: number, offset: number): Promise<SeenMemory[]>;
  get(user: User, id: string): Promise<Outcome<SeenMemory>>;
  update(user: User, id: string, content: string): Promise<Outcome<unknown>>;
  delete(user: User, id: string): Promise<Outcome<unknown>>;
  reinforce(user: User, id: string): Promise<Outcome<unknown>>;
  /** `null` when this interface cannot address the user's summary (the default user over HTTP paths). */
  summary(user: User, regenerate: boolean): Promise<{ user_id: string | null; summary: string } | null>;
  /** The user's memory count as the interface reports it, or `null` when it has no such call. */
  count(user: User): Promise<number | null>;
  /** Deleted memory count, or `null` when this interface cannot address the user. */
  deleteUser(user: User): Promise<number | null>;
  runJob(job: 'decay' | 'reflect'): Promise<void>;
  /** Setup, not under test: removes everything of a user by whatever means the subject has. */
  reset(user: User): Promise<void>;
  /** Waits for deferred writes (debounced summaries) so snapshots compare settled states. */
  settle(): Promise<void>;
  fingerprints(users: readonly User[]): Promise<Map<string, string>>;
  /** Error lines the engine logged since the last call (jobs swallow their failures by design). */
  drainLoggedErrors(): string[];
  integrity(): Promise<Integrity>;
}
