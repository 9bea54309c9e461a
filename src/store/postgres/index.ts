/** The PostgreSQL adapter: a pool over the configured database, tables in the configured schema. */
import type pg from 'pg';
import type { PgConfig } from '../../config.js';
import type { MigrationReport, MigrationTarget } from '../migrate/types.js';
import { upgradeAtomically } from '../migrate/upgrade.js';
import { NO_RENAMES, type UpgradeSettings } from '../migrate/user-map.js';
import { SqlStore } from '../sql-store.js';
import { postgresDialect } from './dialect.js';
import { PostgresDriver } from './driver.js';
import { postgresMigrationTarget } from './migrations.js';

export class PostgresStore extends SqlStore {
  constructor(
    private readonly pgDriver: PostgresDriver,
    private readonly pg: PgConfig,
    location: string,
    private readonly upgrade: UpgradeSettings,
  ) {
    super(pgDriver, postgresDialect(pg), location);
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

/** `postgres://host:port/db (schema)`, never the password. */
function describe(c: PgConfig): string {
  if (c.url) {
    const u = new URL(c.url);
    return `postgres://${u.host}${u.pathname} (${c.schema})`;
  }
  return `postgres://${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database} (${c.schema})`;
}

export function openPostgresStore(config: PgConfig, upgrade: UpgradeSettings = NO_RENAMES): PostgresStore {
  return new PostgresStore(new PostgresDriver(PostgresDriver.pool(poolConfig(config))), config, describe(config), upgrade);
}
