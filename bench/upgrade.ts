/**
 * Upgrade benchmark: time to upgrade the 5,000-memory pre-1.2 fixture and a generated
 * 100,000-memory pre-1.2 SQLite database (target: 30 s for 100,000), split into the schema
 * upgrade (one transaction) and the re-embedding of upstream vectors.
 *
 * Runnable alone: `node --import tsx bench/upgrade.ts [--sizes 100000,250000]`.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createEmbedder } from '../src/embed/create.js';
import { reembedUpstream } from '../src/engine/reembed.js';
import { openBackend } from '../src/store/open.js';
import { generatePre12Sqlite } from './pre12-sqlite.js';
import { fixturePath } from '../test/upgrade/fixtures.js';

export interface UpgradeFigure {
  database: string;
  memories: number;
  vectors: number;
  sizeMb: number;
  schemaMs: number;
  reembedMs: number;
  totalMs: number;
}

async function timeUpgrade(label: string, file: string): Promise<UpgradeFigure> {
  const config = loadConfig({ OM_DB_PATH: file, OM_LOG_LEVEL: 'silent' });
  const sizeMb = statSync(file).size / 1e6;
  const store = openBackend(config);
  try {
    const started = performance.now();
    const report = await store.migrate();
    if (report.status !== 'ok')
      throw new Error(`${label}: upgrade ${report.status} ${JSON.stringify(report.steps.filter((s) => s.error))}`);
    const schemaDone = performance.now();
    const embedder = createEmbedder(config);
    const reembedded = await reembedUpstream(store, embedder, () => {});
    if (reembedded.status !== 'complete') throw new Error(`${label}: re-embedding stopped: ${reembedded.error}`);
    const finished = performance.now();
    return {
      database: label,
      memories: await store.adminCountMemories(),
      vectors: reembedded.vectors,
      sizeMb: Math.round(sizeMb * 10) / 10,
      schemaMs: Math.round(schemaDone - started),
      reembedMs: Math.round(finished - schemaDone),
      totalMs: Math.round(finished - started),
    };
  } finally {
    await store.close();
  }
}

export async function benchUpgrade(sizes: readonly number[] = [100_000]): Promise<UpgradeFigure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'om-bench-upgrade-'));
  try {
    const figures: UpgradeFigure[] = [];
    const large = fixturePath('pre-1.2', 'openmemory-v1.1-large.sqlite');
    const copy = path.join(dir, 'large.sqlite');
    copyFileSync(large, copy);
    figures.push(await timeUpgrade('fixture pre-1.2 large (SQLite)', copy));
    for (const n of sizes) {
      const file = path.join(dir, `generated-${n}.sqlite`);
      generatePre12Sqlite(file, n);
      figures.push(await timeUpgrade(`generated pre-1.2 ${n.toLocaleString('en')} (SQLite)`, file));
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printFigures(figures: readonly UpgradeFigure[]): void {
  console.log('| database | memories | vectors re-embedded | file MB | schema upgrade | re-embed | total |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    console.log(
      `| ${f.database} | ${f.memories} | ${f.vectors} | ${f.sizeMb} | ${(f.schemaMs / 1000).toFixed(2)} s | ${(f.reembedMs / 1000).toFixed(2)} s | ${(f.totalMs / 1000).toFixed(2)} s |`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--sizes');
  const sizes = i >= 0 && process.argv[i + 1] ? process.argv[i + 1]!.split(',').map(Number) : [100_000];
  printFigures(await benchUpgrade(sizes));
}
