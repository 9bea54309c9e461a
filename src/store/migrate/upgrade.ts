/**
 * The whole upgrade as one transaction: every pending step runs inside a single locked
 * transaction, so a failure or a killed process leaves the old schema and a success the new
 * one, never a mix. The same run, rolled back, is the dry run behind `migrate status` and
 * `migrate plan` (it reports exactly the steps and SQL a real run would take, because each step
 * decides from the schema that the steps before it produced).
 */
import { runMigrations } from './runner.js';
import type { MigrationContext, MigrationReport, MigrationStep, MigrationTarget } from './types.js';

export interface UpgradeOptions {
  /** Roll everything back at the end: nothing changes, the report and SQL say what would. */
  dryRun?: boolean;
  /** One line per step started and finished (long upgrades show where they are). */
  onProgress?: (line: string) => void;
}

export interface UpgradeResult {
  report: MigrationReport;
  /** Statements that change the database, in order (reads made to decide or to count are left out). */
  statements: string[];
}

class Rollback extends Error {
  constructor(readonly report: MigrationReport) {
    super('rollback');
  }
}

const READ_ONLY = /^\s*(SELECT|WITH|PRAGMA|EXPLAIN)\b/i;

function render(text: string, params: readonly unknown[]): string {
  if (params.length === 0) return text;
  const shown = params.map((p) => (p instanceof Uint8Array ? `<${p.byteLength} bytes>` : JSON.stringify(p)));
  return `${text} -- params: ${shown.join(', ')}`;
}

function recording(ctx: MigrationContext, statements: string[]): MigrationContext {
  return {
    ...ctx,
    exec: (text) => {
      statements.push(text.replace(/\s+/g, ' ').trim());
      return ctx.exec(text);
    },
    run: (stmt) => {
      if (!READ_ONLY.test(stmt.text)) statements.push(render(stmt.text.replace(/\s+/g, ' ').trim(), stmt.params));
      return ctx.run(stmt);
    },
  };
}

function timed(step: MigrationStep, onProgress: (line: string) => void): MigrationStep {
  return {
    ...step,
    async up(ctx) {
      const started = Date.now();
      onProgress(`migration ${step.version}: ${step.description} …`);
      await step.up(ctx);
      onProgress(`migration ${step.version}: done in ${Date.now() - started} ms`);
    },
  };
}

/** Runs all pending steps in one transaction of `target` (committed unless dry-run or failed). */
export async function upgradeAtomically(target: MigrationTarget, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  const statements: string[] = [];
  const onProgress = options.onProgress ?? (() => {});
  try {
    return await target.transaction(async (outer) => {
      const ctx = recording(outer, statements);
      const inner: MigrationTarget = {
        steps: target.steps.map((s) => timed(s, onProgress)),
        names: target.names,
        // Facts are read inside the locked transaction: a second process waits, then finds nothing to do.
        introspect: () => outer.introspect(),
        transaction: (fn) => fn(ctx),
        recordVersion: (c, version) => target.recordVersion(c, version),
      };
      const report = await runMigrations(inner);
      if (report.status !== 'ok' || options.dryRun) throw new Rollback(report);
      return { report, statements };
    });
  } catch (e) {
    if (e instanceof Rollback) {
      if (e.report.status === 'ok') return { report: e.report, statements };
      // Rolled back: what the steps before the failure did is undone too.
      const steps = e.report.steps.map((s) =>
        s.status === 'applied' ? { ...s, status: 'not_run' as const, repairs: {} } : s,
      );
      return { report: { ...e.report, steps }, statements: [] };
    }
    throw e;
  }
}

/** Steps a real run would apply (from a dry run). */
export function pendingSteps(report: MigrationReport): MigrationReport['steps'] {
  return report.steps.filter((s) => s.status === 'applied' || s.status === 'failed');
}
