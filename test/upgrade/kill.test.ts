/**
 * SIGKILL in the middle of upgrading the large fixture (a child process running
 * `openmemory migrate up`) leaves either the old or the new schema, never a mix, and the next
 * start completes the upgrade; a kill during the re-embedding is resumed where it stopped.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { migrateCommand } from '../../src/interfaces/cli/migrate.js';
import { describeLayout } from '../../src/store/migrate/layout.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { openStore } from '../../src/store/open.js';
import { allFixtures } from './fixtures.js';
import { io, missingFromManifest, prepareFixture, withStore, type PreparedDb } from './harness.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const large = allFixtures().find((f) => f.file === 'openmemory-v1.1-large.sqlite')!;

/** Runs `migrate up` in a child and SIGKILLs it at the first stderr line matching `when`; resolves with that line. */
function killDuring(db: PreparedDb, when: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'migrate', 'up', '--no-backup'],
      {
        cwd: repoRoot,
        env: { ...process.env, ...db.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let seen: string | null = null;
    let buffered = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => when.test(l));
      if (line && seen === null) {
        seen = line;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (seen !== null && signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`child ended (${code ?? signal}) before ${when}; stderr:\n${buffered}`));
    });
  });
}

test('SIGKILL during the schema upgrade leaves the old schema or the new one; the next start completes it', async (t) => {
  const db = await prepareFixture(large);
  try {
    const before = await db.dump();
    await killDuring(db, /^migration 2\.0\.0: /);
    const layout = await withStore(db, async (store) => describeLayout(await store.migrationTarget().introspect()));
    t.diagnostic(`after the kill: ${layout}`);
    if (layout === 'OpenMemory 2.x') {
      await withStore(db, async (store) =>
        assert.deepEqual((await verifyAgainstFreshInstall(db.config, store)).drift, []),
      );
    } else {
      assert.equal(await db.dump(), before, 'killed before commit: exactly the old database');
    }
    // The next start (OM_AUTO_MIGRATE) completes it.
    const store = await openStore(db.config);
    await store.close();
    await withStore(db, async (s) => {
      assert.deepEqual(await missingFromManifest(s, large), []);
      assert.deepEqual((await verifyAgainstFreshInstall(db.config, s)).drift, []);
    });
  } finally {
    await db.cleanup();
  }
});

test('SIGKILL during the re-embedding keeps what was done; the next `migrate up` re-embeds only the rest', async () => {
  const db = await prepareFixture(large);
  try {
    await killDuring(db, /^re-embedding upstream vectors .*: [1-9]\d*\/\d+ memories/);
    const left = await withStore(db, async (store) => (await verifyAgainstFreshInstall(db.config, store)).data);
    assert.ok(
      left.vectorsWithoutModel > 0 && left.vectorsWithoutModel < left.rows.vectors!,
      `some vectors re-embedded, some not (${left.vectorsWithoutModel} left)`,
    );
    const resumed = io(db.env);
    assert.equal(await migrateCommand(['up', '--no-backup'], resumed.io), 0, resumed.err.join('\n'));
    const line = resumed.out.find((l) => l.startsWith('re-embedded '));
    const redone = Number(/re-embedded (\d+)/.exec(line ?? '')?.[1]);
    assert.ok(redone > 0 && redone < large.manifest.memories.length, `resumed with ${redone} memories, not all`);
    await withStore(db, async (store) => {
      const after = await verifyAgainstFreshInstall(db.config, store);
      assert.equal(after.data.vectorsWithoutModel, 0);
      assert.deepEqual(after.drift, []);
      assert.deepEqual(await missingFromManifest(store, large), []);
    });
  } finally {
    await db.cleanup();
  }
});
