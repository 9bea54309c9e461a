/**
 * The OpenMemory SDK. `Memory` runs the engine in-process on a local database;
 * `MemoryClient` speaks to a server (also importable alone from `openmemory/client`).
 */
export { Memory, type MemoryOptions } from './memory.js';
export { MemoryClient, type MemoryClientOptions } from './client.js';
export { OmError, type ErrorCode } from '../errors.js';
export { SECTORS } from '../core/types.js';
export type {
  AddOptions,
  AddResult,
  ApiKeyView,
  CreatedApiKey,
  DeletedCounts,
  HistoryView,
  ListOptions,
  MemoryApi,
  MemoryView,
  QueryMatch,
  QueryResult,
  ReinforceOptions,
  SearchOptions,
  Sector,
  UpdateOptions,
  UserOption,
  UserSummaryView,
} from './types.js';
