/** Opens the configured backend and brings its schema up to date when asked to. */
import type { Config } from '../config.js';
import { OmError } from '../errors.js';
import { describeLayout } from './migrate/layout.js';
import { describeReport } from './migrate/runner.js';
import type { MigrationReport, MigrationTarget } from './migrate/types.js';
import { upgradeSettings } from './migrate/user-map.js';
import { explainPgFailure, openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';

/** A store that can migrate its own schema (both adapters are). */
export interface MigratableStore extends Store {
  /** All pending steps in one transaction (../migrate/upgrade.ts). */
  migrate(): Promise<MigrationReport>;
  /** A consistent copy taken before an upgrade; its path, or null where the backend has no file to copy. */
  backup(): Promise<string | null>;
  /** The runner's view of this database, for dry runs, status and the drift check. */
  migrationTarget(): MigrationTarget;
}

export interface OpenOptions {
  /** Run migrations; defaults to `config.autoMigrate`. */
  migrate?: boolean;
  /** Receives one line per migration step that did something (repairs included). */
  log?: (line: string) => void;
}

export function openBackend(config: Readonly<Config>): MigratableStore {
  const upgrade = upgradeSettings(config.apiKey, config.upgradeUserMap);
  const models = { modelBudgetBytes: config.modelMemoryMb * 2 ** 20 };
  return config.backend === 'postgres'
    ? openPostgresStore(config.pg, upgrade, models)
    : openSqliteStore(config.dbPath, upgrade, models);
}

/** Throws when the migration was refused or a step failed; the store is closed then. */
export async function migrateOrThrow(store: MigratableStore, log: (line: string) => void): Promise<MigrationReport> {
  const report = await store.migrate();
  for (const line of describeReport(report)) log(line);
  if (report.status !== 'ok') {
    const failed = report.steps.find((s) => s.status === 'failed');
    const reason = report.reason ?? `step ${failed?.version} failed: ${failed?.error}`;
    throw new OmError('unavailable', `database migration ${report.status}: ${reason}`);
  }
  return report;
}

function defaultLog(config: Readonly<Config>): (line: string) => void {
  return config.logLevel === 'debug' || config.logLevel === 'info'
    ? (line) => process.stderr.write(`${line}\n`)
    : () => {};
}

/** With OM_AUTO_MIGRATE off, a schema that still needs steps is refused instead of failing later, query by query. */
async function requireCurrentSchema(store: MigratableStore): Promise<void> {
  const target = store.migrationTarget();
  const facts = await target.introspect();
  if (target.steps.some((s) => !s.isApplied(facts))) {
    throw new OmError(
      'unavailable',
      `the database schema needs an upgrade (${describeLayout(facts)}): run \`openmemory migrate up\` or set OM_AUTO_MIGRATE=true`,
    );
  }
}

export async function openStore(config: Readonly<Config>, options: OpenOptions = {}): Promise<Store> {
  const store = openBackend(config);
  const log = options.log ?? defaultLog(config);
  try {
    if (options.migrate ?? config.autoMigrate) await migrateOrThrow(store, log);
    else await requireCurrentSchema(store);
  } catch (e) {
    await store.close();
    throw config.backend === 'postgres' ? explainPgFailure(e, config.pg) : e;
  }
  return store;
}
