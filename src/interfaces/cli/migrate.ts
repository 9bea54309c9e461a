/**
 * `openmemory migrate status|plan|up|verify`: the schema upgrade by hand.
 *
 * Exit codes (stable, for scripts):
 *   0  done / up to date / no drift
 *   1  failed (the database is as it was before the command)
 *   2  wrong command line
 *   3  `status`: steps are pending
 *   4  `verify`: drift or broken ownership found
 *   5  refused: the database is newer than this program, or not an OpenMemory database
 *   6  `up`: the schema is upgraded but re-embedding upstream vectors stopped (run `up` again)
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config.js';
import { createEmbedder } from '../../embed/create.js';
import { reembedUpstream } from '../../engine/reembed.js';
import { describeLayout } from '../../store/migrate/layout.js';
import { describeReport } from '../../store/migrate/runner.js';
import type { MigrationReport } from '../../store/migrate/types.js';
import { pendingSteps, upgradeAtomically } from '../../store/migrate/upgrade.js';
import { compareVersions } from '../../store/migrate/versions.js';
import { verifyAgainstFreshInstall } from '../../store/migrate/verify-install.js';
import { openBackend, type MigratableStore } from '../../store/open.js';
import type { Io } from './main.js';
import { count } from './output.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, pending: 3, drift: 4, refused: 5, reembedStopped: 6 } as const;

export const MIGRATE_HELP = `usage: openmemory migrate <status|plan|up|verify> [options]
  status        detected layout, recorded versions, pending steps (exit 3 when steps are pending)
  plan          the SQL an upgrade would run (nothing is changed)
  up            apply all pending steps in one transaction, then re-embed upstream vectors
                  --no-backup   SQLite: skip the copy taken before the upgrade
                  --no-reembed  leave upstream vectors (model NULL) as they are
                  --user-map M  upstream users renamed, as OM_UPGRADE_USER_MAP (from:to,…; @default)
  verify        compare the schema with a fresh install of the same configuration; row counts;
                ownership of vectors and links (exit 4 on drift)
exit codes: 0 ok, 1 failed (database unchanged), 2 usage, 3 pending, 4 drift, 5 refused,
            6 upgraded but re-embedding stopped (run up again)`;

function exitFor(report: MigrationReport): number {
  if (report.status === 'refused') return EXIT.refused;
  return report.status === 'failed' ? EXIT.failed : EXIT.ok;
}

function printFailure(report: MigrationReport, io: Io): void {
  for (const line of describeReport(report)) io.err(line);
  if (report.status === 'failed') io.err('the upgrade was rolled back; the database is unchanged');
}

async function status(store: MigratableStore, io: Io): Promise<number> {
  const target = store.migrationTarget();
  const facts = await target.introspect();
  io.out(`database: ${store.location}`);
  io.out(`layout: ${describeLayout(facts)}`);
  const recorded = [...facts.versions].sort(compareVersions);
  io.out(`recorded versions: ${recorded.length > 0 ? recorded.join(', ') : 'none'}`);
  const { report } = await upgradeAtomically(target, { dryRun: true });
  if (report.status !== 'ok') {
    printFailure(report, io);
    return exitFor(report);
  }
  const pending = pendingSteps(report);
  if (pending.length === 0) io.out('pending steps: none (up to date)');
  else for (const s of pending) io.out(`pending: ${s.version} ${s.description}`);
  return pending.length > 0 ? EXIT.pending : EXIT.ok;
}

async function plan(store: MigratableStore, io: Io): Promise<number> {
  const { report, statements } = await upgradeAtomically(store.migrationTarget(), { dryRun: true });
  if (report.status !== 'ok') {
    printFailure(report, io);
    return exitFor(report);
  }
  if (statements.length === 0) io.out('-- nothing to do: the schema is up to date');
  for (const s of statements) io.out(`${s};`);
  return EXIT.ok;
}

/** After the schema: upstream's vectors redone with the configured embedder; false when it stopped (run `up` again). */
async function redoUpstreamVectors(config: Readonly<Config>, store: MigratableStore, io: Io): Promise<boolean> {
  const embedder = createEmbedder(config);
  const result = await reembedUpstream(store, embedder, io.err);
  if (result.rewritten > 0)
    io.out(
      `re-embedded ${count(result.rewritten, 'memory', 'memories')} (${count(result.vectors, 'vector', 'vectors')}) with ${embedder.id}`,
    );
  if (result.status === 'complete') return true;
  io.err(
    `re-embedding stopped: ${result.error}; the schema is upgraded, run \`openmemory migrate up\` again to continue`,
  );
  return false;
}

async function up(
  config: Readonly<Config>,
  store: MigratableStore,
  io: Io,
  flags: { backup: boolean; reembed: boolean },
): Promise<number> {
  const target = store.migrationTarget();
  const dry = await upgradeAtomically(target, { dryRun: true });
  if (dry.report.status !== 'ok') {
    printFailure(dry.report, io);
    return exitFor(dry.report);
  }
  if (pendingSteps(dry.report).length > 0 && flags.backup) {
    const copy = await store.backup();
    if (copy !== null) io.out(`backup: ${copy}`);
  }
  const { report } = await upgradeAtomically(target, { onProgress: (line) => io.err(line) });
  if (report.status !== 'ok') {
    printFailure(report, io);
    return exitFor(report);
  }
  for (const line of describeReport(report)) io.out(line);
  if (flags.reembed && !(await redoUpstreamVectors(config, store, io))) return EXIT.reembedStopped;
  io.out('schema up to date');
  return EXIT.ok;
}

async function verify(config: Readonly<Config>, store: MigratableStore, io: Io): Promise<number> {
  const result = await verifyAgainstFreshInstall(config, store);
  for (const [table, n] of Object.entries(result.data.rows)) io.out(`rows ${table}: ${n}`);
  io.out(`vectors without a model (to re-embed): ${result.data.vectorsWithoutModel}`);
  // Information, not drift: upstream's values kept as written, and memories similarity cannot reach.
  for (const [what, n] of Object.entries(result.data.misplaced))
    io.out(`note: ${what}: ${n} rows as upstream wrote them`);
  const { withoutVectors } = result.data;
  if (withoutVectors.count > 0) {
    const more = withoutVectors.count > withoutVectors.ids.length ? ', …' : '';
    io.out(
      `note: ${withoutVectors.count} memories without vectors (not embedded; \`openmemory reembed\` retries): ${withoutVectors.ids.join(', ')}${more}`,
    );
  }
  for (const d of result.drift)
    io.out(
      `drift: ${d.kind} ${d.object}${d.expected ? ` expected ${d.expected}` : ''}${d.actual ? ` found ${d.actual}` : ''}`,
    );
  const ownership = result.data.vectorsWithOtherUser + result.data.waypointsWithOtherUser;
  if (ownership > 0)
    io.out(
      `ownership: ${result.data.vectorsWithOtherUser} vectors and ${result.data.waypointsWithOtherUser} links carry another user than their memory`,
    );
  const clean = result.drift.length === 0 && ownership === 0;
  io.out(clean ? 'no drift' : 'drift found');
  return clean ? EXIT.ok : EXIT.drift;
}

const parseMigrateArgs = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'no-backup': { type: 'boolean' },
      'no-reembed': { type: 'boolean' },
      'user-map': { type: 'string' },
      help: { type: 'boolean' },
    },
  });

export async function migrateCommand(args: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseMigrateArgs>;
  try {
    parsed = parseMigrateArgs(args);
  } catch (e) {
    io.err((e as Error).message);
    io.err(MIGRATE_HELP);
    return EXIT.usage;
  }
  const [sub, ...rest] = parsed.positionals;
  if (parsed.values.help || !sub || rest.length > 0 || !['status', 'plan', 'up', 'verify'].includes(sub)) {
    if (!parsed.values.help) {
      io.err(
        !sub
          ? 'usage error: name a migrate subcommand'
          : rest.length > 0
            ? `usage error: unexpected argument "${rest[0]}"`
            : `usage error: unknown migrate subcommand "${sub}"; try: status, plan, up, verify`,
      );
    }
    io.err(MIGRATE_HELP);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  const userMap = parsed.values['user-map'];
  const config = loadConfig(userMap === undefined ? io.env : { ...io.env, OM_UPGRADE_USER_MAP: userMap });
  const store = openBackend(config);
  try {
    if (sub === 'status') return await status(store, io);
    if (sub === 'plan') return await plan(store, io);
    if (sub === 'verify') return await verify(config, store, io);
    return await up(config, store, io, { backup: !parsed.values['no-backup'], reembed: !parsed.values['no-reembed'] });
  } finally {
    await store.close();
  }
}
