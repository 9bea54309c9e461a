/**
 * Where an interrupted import resumes: a small JSON file holding the cursor of the next page and
 * the counts so far, rewritten after every page that committed (written aside, then renamed, so
 * a crash leaves the old or the new one). Removed once the import completes.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { OmError } from '../../errors.js';

export interface ImportCounts {
  imported: number;
  /** Already here (an earlier run imported them). */
  skipped: number;
  /** Refused as invalid (empty, too long, ...). */
  rejected: number;
}

export interface CheckpointState extends ImportCounts {
  /** Which import this is: a file of another one is not resumed. */
  import: string;
  cursor: string;
}

export interface Checkpoint {
  load(): CheckpointState | null;
  save(state: CheckpointState): void;
  clear(): void;
}

export function fileCheckpoint(path: string): Checkpoint {
  return {
    load() {
      if (!existsSync(path)) return null;
      try {
        const s = JSON.parse(readFileSync(path, 'utf8')) as CheckpointState;
        const counts = [s.imported, s.skipped, s.rejected];
        if (typeof s.import === 'string' && typeof s.cursor === 'string' && counts.every(Number.isInteger)) return s;
      } catch {
        // reported below
      }
      const message = `the import state file ${path} is not one this program wrote; remove it to start over`;
      throw new OmError('validation_error', message);
    },
    save(state) {
      writeFileSync(`${path}.tmp`, `${JSON.stringify(state)}\n`);
      renameSync(`${path}.tmp`, path);
    },
    clear() {
      rmSync(path, { force: true });
    },
  };
}
