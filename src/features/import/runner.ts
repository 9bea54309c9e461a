/**
 * Imports one user's memories from another service into a user here, a page at a time: each
 * page is one transaction (engine addMany), after which the checkpoint names the next page. A
 * memory's id here is derived from the service's id, so a rerun, or a page redone after an
 * interruption, skips what is already in; the service's id stays in the metadata (`source_id`,
 * with `imported_from`), its creation time becomes the memory's.
 */
import { createHash } from 'node:crypto';
import type { AddInput } from '../../engine/api.js';
import type { Memory } from '../../engine/memory.js';
import { OmError } from '../../errors.js';
import { userKey, type UserScope } from '../../store/scope.js';
import type { Checkpoint, ImportCounts } from './checkpoint.js';
import type { MemorySource, SourceMemory } from './source.js';

export type ImportTarget = Pick<Memory, 'addMany' | 'store'>;

export interface ImportProgress extends ImportCounts {
  /** Memories the source holds in all, when it says. */
  total: number | null;
}

export interface ImportRun {
  source: MemorySource;
  target: ImportTarget;
  scope: UserScope;
  checkpoint: Checkpoint;
  /** Tells one import from another in the checkpoint (provider, source user, target user). */
  key: string;
  onPage?: (progress: ImportProgress) => void;
}

export interface ImportReport extends ImportCounts {
  /** Whether it went on from a checkpoint of an interrupted run. */
  resumed: boolean;
}

/** A lower-case UUID (version 8: custom) from the service, the target user and the service's id. */
export function importedId(source: string, scope: UserScope, sourceId: string): string {
  const h = createHash('sha256')
    .update(`${source}\u0000${userKey(scope)}\u0000${sourceId}`)
    .digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function toInput(source: string, scope: UserScope, m: SourceMemory): AddInput {
  return {
    id: importedId(source, scope, m.id),
    content: m.content,
    metadata: { ...m.metadata, imported_from: source, source_id: m.id },
    ...(m.tags && m.tags.length > 0 ? { tags: m.tags } : {}),
    ...(m.createdAt !== undefined ? { createdAt: m.createdAt } : {}),
    ...(m.salience !== undefined ? { salience: m.salience } : {}),
    ...(m.sector ? { sector: m.sector } : {}),
  };
}

/** Adds the page in one transaction; when some input is invalid, each alone, counting those refused. */
async function addPage(target: ImportTarget, scope: UserScope, inputs: AddInput[]): Promise<number> {
  try {
    await target.addMany(scope, inputs);
    return 0;
  } catch (err) {
    if (!(err instanceof OmError && err.code === 'validation_error')) throw err;
  }
  let rejected = 0;
  for (const input of inputs) {
    await target.addMany(scope, [input]).catch((err: unknown) => {
      if (!(err instanceof OmError && err.code === 'validation_error')) throw err;
      rejected++;
    });
  }
  return rejected;
}

export async function runImport(run: ImportRun): Promise<ImportReport> {
  const { source, target, scope, checkpoint } = run;
  const saved = checkpoint.load();
  if (saved && saved.import !== run.key) {
    const message = `the import state file is of another import (${saved.import}); remove it or pass another --state`;
    throw new OmError('validation_error', message);
  }
  const counts: ImportCounts = saved
    ? { imported: saved.imported, skipped: saved.skipped, rejected: saved.rejected }
    : { imported: 0, skipped: 0, rejected: 0 };
  let cursor: string | null = saved?.cursor ?? null;
  for (;;) {
    const page = await source.page(cursor);
    const usable = page.memories.filter((m) => m.content.trim() !== '');
    counts.rejected += page.memories.length - usable.length;
    const inputs = [...new Map(usable.map((m) => [m.id, toInput(source.name, scope, m)])).values()];
    const stored = await target.store.getMemories(
      scope,
      inputs.map((i) => i.id!),
      { meanVec: false },
    );
    const present = new Set(stored.map((m) => m.id));
    const todo = inputs.filter((i) => !present.has(i.id!));
    const rejected = todo.length > 0 ? await addPage(target, scope, todo) : 0;
    counts.imported += todo.length - rejected;
    counts.rejected += rejected;
    counts.skipped += usable.length - todo.length;
    run.onPage?.({ ...counts, total: page.total ?? null });
    if (page.next === null) break;
    cursor = page.next;
    checkpoint.save({ import: run.key, cursor, ...counts });
  }
  checkpoint.clear();
  return { ...counts, resumed: saved !== null };
}
