/** The PostgreSQL adapter: a pool over the configured database, tables in the configured schema. */
import type pg from 'pg';
import type { PgConfig } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { MigrationReport, MigrationTarget } from '../migrate/types.js';
import { upgradeAtomically } from '../migrate/upgrade.js';
import { NO_RENAMES, type UpgradeSettings } from '../migrate/user-map.js';
import { SqlStore, type SqlStoreOptions } from '../sql-store.js';
import { postgresDialect } from './dialect.js';
import { PostgresDriver } from './driver.js';
import { postgresMigrationTarget } from './migrations.js';

export class PostgresStore extends SqlStore {
  constructor(
    private readonly pgDriver: PostgresDriver,
    private readonly pg: PgConfig,
    location: string,
    private readonly upgrade: UpgradeSettings,
    options?: SqlStoreOptions,
  ) {
    super(pgDriver, postgresDialect(pg), location, options);
  }

  /** The database server owns backups (pg_dump); there is no file to copy. */
  async backup(): Promise<null> {
    return null;
  }

  migrationTarget(): MigrationTarget {
    return postgresMigrationTarget(this.pgDriver, this.pg, this.upgrade);
  }

  async migrate(): Promise<MigrationReport> {
    return (await upgradeAtomically(this.migrationTarget())).report;
  }
}

function poolConfig(c: PgConfig): pg.PoolConfig {
  const ssl = c.ssl === 'require' ? { rejectUnauthorized: false } : c.ssl === 'disable' ? false : undefined;
  const base: pg.PoolConfig = { ...(ssl === undefined ? {} : { ssl }), max: 10, idleTimeoutMillis: 30_000 };
  if (c.url) return { ...base, connectionString: c.url };
  return {
    ...base,
    host: c.host ?? undefined,
    port: c.port ?? undefined,
    database: c.database,
    user: c.user ?? undefined,
    password: c.password ?? undefined,
  };
}

/** Where a connection went and as whom, never the password. */
function target(c: PgConfig): { host: string; port: string; database: string; user: string } {
  if (c.url) {
    const u = new URL(c.url);
    return {
      host: u.hostname || 'localhost',
      port: u.port || '5432',
      database: decodeURIComponent(u.pathname.slice(1)) || '(default)',
      user: decodeURIComponent(u.username) || '(none)',
    };
  }
  return { host: c.host ?? 'localhost', port: String(c.port ?? 5432), database: c.database, user: c.user ?? '(none)' };
}

/** The setting to change for a failed connection, by what the server or the socket said. */
function settingFor(err: { code?: string; message?: string }, viaUrl: boolean): string {
  const pick = (discrete: string) => (viaUrl ? 'OM_PG_URL' : discrete);
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return pick('OM_PG_HOST / OM_PG_PORT');
    case '28000':
    case '28P01':
      return pick('OM_PG_USER / OM_PG_PASSWORD');
    case '3D000':
      return pick('OM_PG_DB');
    default:
      return /user name/.test(err.message ?? '') ? pick('OM_PG_USER') : pick('the OM_PG_* settings');
  }
}

/** Codes that say the connection itself failed, not a statement on it. */
const CONNECTION_FAILURES = /^(E[A-Z]+|28000|28P01|3D000|08\d{3})$/;

/**
 * A failed connection as an error that names the server, database and user that were tried
 * (never the password) and the setting to change; other errors are returned as they are.
 */
export function explainPgFailure(err: unknown, c: PgConfig): unknown {
  const e = err as { code?: string; message?: string };
  const unnamed = /user name specified/.test(e?.message ?? '');
  if (!(err instanceof Error) || (!CONNECTION_FAILURES.test(e.code ?? '') && !unnamed)) return err;
  const t = target(c);
  return new ConfigError(
    settingFor(e, c.url !== null),
    `cannot use PostgreSQL at ${t.host}:${t.port}, database "${t.database}", user "${t.user}": ${err.message}`,
  );
}

/** `postgres://host:port/db (schema)`, never the password. */
function describe(c: PgConfig): string {
  if (c.url) {
    const u = new URL(c.url);
    return `postgres://${u.host}${u.pathname} (${c.schema})`;
  }
  return `postgres://${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database} (${c.schema})`;
}

export function openPostgresStore(
  config: PgConfig,
  upgrade: UpgradeSettings = NO_RENAMES,
  options?: SqlStoreOptions,
): PostgresStore {
  const driver = new PostgresDriver(PostgresDriver.pool(poolConfig(config)));
  return new PostgresStore(driver, config, describe(config), upgrade, options);
}
