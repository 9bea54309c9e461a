/**
 * The method set shared by the embedded {@link Memory} and the remote {@link MemoryClient}:
 * v1.2 field names (`user_id`, `min_score`, ...) so code moves between the two unchanged.
 * Types only: this file loads nothing at run time.
 */
import type { Sector } from '../core/types.js';
import type { AddResult, HistoryView, MemoryView, QueryMatch, QueryResult, UserSummaryView } from '../engine/api.js';
import type { DeletedCounts } from '../store/store.js';

export type { AddResult, DeletedCounts, HistoryView, MemoryView, QueryMatch, QueryResult, Sector, UserSummaryView };

/** `undefined`, `null` and `''` name the default user. */
export interface UserOption {
  user_id?: string | null;
}

export interface AddOptions extends UserOption {
  tags?: string[];
  metadata?: Record<string, unknown>;
  sector?: Sector;
  salience?: number;
  created_at?: number;
}

export interface SearchOptions extends UserOption {
  k?: number;
  sector?: Sector;
  sectors?: Sector[];
  min_score?: number;
  min_salience?: number;
  tags?: string[];
  since?: number;
  until?: number;
}

export interface ListOptions extends UserOption {
  limit?: number;
  offset?: number;
  sector?: Sector;
}

export interface UpdateOptions extends UserOption {
  content?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

export interface ReinforceOptions extends UserOption {
  boost?: number;
}

export interface ApiKeyView {
  id: string;
  /** `null` for the default user (and for admin keys). */
  user_id: string | null;
  role: 'admin' | 'user';
  label: string | null;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface CreatedApiKey {
  id: string;
  /** The secret, shown only once. */
  key: string;
  user_id: string | null;
}

export interface MemoryApi {
  add(content: string, options?: AddOptions): Promise<AddResult>;
  search(query: string, options?: SearchOptions): Promise<QueryResult>;
  /** Same as {@link MemoryApi.search} (the v1.2 SDK's name). */
  query(query: string, options?: SearchOptions): Promise<QueryResult>;
  get(id: string, options?: UserOption): Promise<MemoryView>;
  list(options?: ListOptions): Promise<MemoryView[]>;
  update(id: string, changes: UpdateOptions): Promise<MemoryView>;
  delete(id: string, options?: UserOption): Promise<void>;
  /** The memory's changes, oldest first (add, update, reinforce, supersede, delete), also after a delete. */
  history(id: string, options?: UserOption): Promise<HistoryView[]>;
  /** Returns the new salience. */
  reinforce(id: string, options?: ReinforceOptions): Promise<number>;
  userSummary(userId?: string | null): Promise<UserSummaryView>;
  regenerateUserSummary(userId?: string | null): Promise<UserSummaryView>;
  /** Deletes every memory, vector, link and the summary of one user. */
  deleteUser(userId?: string | null): Promise<DeletedCounts>;
  /** Admin: a key bound to one user. */
  createApiKey(userId: string | null, label?: string): Promise<CreatedApiKey>;
  listApiKeys(): Promise<ApiKeyView[]>;
  revokeApiKey(id: string): Promise<void>;
  close(): Promise<void>;
}
