/**
 * `migrate verify`: builds a fresh install of the same configuration beside the database (a
 * temporary SQLite file, or a temporary PostgreSQL schema with the same table names), compares
 * the two schemas and removes the fresh one again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { MigratableStore } from '../open.js';
import { openPostgresStore } from '../postgres/index.js';
import { postgresDialect } from '../postgres/dialect.js';
import { ident } from '../sql.js';
import { sqliteDialect } from '../sqlite/dialect.js';
import { openSqliteStore } from '../sqlite/index.js';
import type { SchemaShape } from './facts.js';
import { dataChecks, schemaDrift, type DataChecks, type Drift } from './verify.js';

export interface VerifyResult {
  drift: Drift[];
  data: DataChecks;
}

async function freshShape(store: MigratableStore): Promise<SchemaShape> {
  const report = await store.migrate();
  if (report.status !== 'ok')
    throw new Error(`the fresh install for comparison failed: ${report.reason ?? report.status}`);
  return (await store.migrationTarget().introspect()).shape;
}

async function freshInstallShape(config: Readonly<Config>): Promise<SchemaShape> {
  if (config.backend === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'om-verify-'));
    const store = openSqliteStore(path.join(dir, 'fresh.sqlite'));
    try {
      return await freshShape(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const schema = `om_verify_${randomBytes(6).toString('hex')}`;
  const store = openPostgresStore({ ...config.pg, schema });
  try {
    return await freshShape(store);
  } finally {
    await store.migrationTarget().transaction((ctx) => ctx.exec(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`));
    await store.close();
  }
}

export async function verifyAgainstFreshInstall(
  config: Readonly<Config>,
  store: MigratableStore,
): Promise<VerifyResult> {
  const target = store.migrationTarget();
  const actual = (await target.introspect()).shape;
  const [tables, idText, storedType] =
    config.backend === 'sqlite'
      ? [sqliteDialect.tables, (a: string) => `${a}.id`, (c: string) => `typeof(${c})`]
      : [postgresDialect(config.pg).tables, (a: string) => `CAST(${a}.id AS TEXT)`, null];
  const data = await target.transaction((ctx) => dataChecks(ctx, tables, actual, target.names, idText, storedType));
  return { drift: schemaDrift(actual, await freshInstallShape(config)), data };
}
