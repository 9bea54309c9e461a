/**
 * Migrations as data. A step says how to recognise that its change is already in the schema
 * (`isApplied`, from introspected facts, not from version rows: databases stamped by upstream's
 * tool may lie) and how to make it (`up`). Each step runs in one transaction under a lock.
 */
import type { StmtResult } from '../driver.js';
import type { Stmt } from '../sql.js';
import type { SchemaFacts } from './facts.js';

/** Tables a step may name; each dialect maps them to its physical names. */
export type LogicalTable =
  | 'memories'
  | 'vectors'
  | 'waypoints'
  | 'users'
  | 'embedLogs'
  | 'stats'
  | 'apiKeys'
  | 'userEpochs'
  | 'userJournal'
  | 'memoryHistory'
  | 'temporalFacts'
  | 'temporalEdges'
  | 'schemaVersion';

export interface MigrationContext {
  /** Runs DDL or other statements without parameters. */
  exec(text: string): Promise<void>;
  run(stmt: Stmt): Promise<StmtResult>;
  /** Facts of the schema as it is now, inside the step's transaction. */
  introspect(): Promise<SchemaFacts>;
  /** Counts something the step repaired; it appears in the step's result. */
  report(what: string, count: number): void;
}

export interface MigrationStep {
  version: string;
  description: string;
  isApplied(facts: SchemaFacts): boolean;
  up(ctx: MigrationContext): Promise<void>;
}

export type StepStatus = 'applied' | 'skipped' | 'failed' | 'not_run';

export interface StepResult {
  version: string;
  description: string;
  status: StepStatus;
  /** What a step repaired (e.g. `waypoints.cross_user_dropped`), only counts above zero. */
  repairs: Record<string, number>;
  error?: string;
}

export interface MigrationReport {
  /** `refused`: the database was left untouched because it is not one this program may change. */
  status: 'ok' | 'failed' | 'refused';
  reason?: string;
  steps: StepResult[];
}

/** What the runner needs from a backend. */
export interface MigrationTarget {
  readonly steps: readonly MigrationStep[];
  /** Physical names of the logical tables (unquoted), used to read the facts. */
  readonly names: Readonly<Record<LogicalTable, string>>;
  introspect(): Promise<SchemaFacts>;
  /** Runs `fn` in one transaction holding the migration lock; rolls back when it throws. */
  transaction<T>(fn: (ctx: MigrationContext) => Promise<T>): Promise<T>;
  /** Records a step in `schema_version` (creating that table when missing), inside the step's transaction. */
  recordVersion(ctx: MigrationContext, version: string): Promise<void>;
}
