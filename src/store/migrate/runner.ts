/**
 * Applies the steps in version order, each in its own locked transaction, and reports per step
 * instead of throwing half-way. Facts are re-read under the lock, so two processes starting at
 * once apply each step once.
 */
import type { SchemaFacts } from './facts.js';
import type { MigrationContext, MigrationReport, MigrationStep, MigrationTarget, StepResult } from './types.js';
import { compareVersions, newestVersion } from './versions.js';

function ordered(steps: readonly MigrationStep[]): MigrationStep[] {
  return [...steps].sort((a, b) => compareVersions(a.version, b.version));
}

/** Why the database must not be touched, or null. */
function refusal(facts: SchemaFacts, steps: readonly MigrationStep[]): string | null {
  const known = newestVersion(steps.map((s) => s.version));
  const recorded = newestVersion(facts.versions);
  if (known !== null && recorded !== null && compareVersions(recorded, known) > 0) {
    return `the database schema is version ${recorded}, newer than this program knows (${known}); upgrade the program`;
  }
  if (!facts.isEmpty && !facts.hasOpenMemoryTable) {
    return 'the database holds tables but none of OpenMemory; refusing to write into a foreign database';
  }
  return null;
}

function done(step: MigrationStep, facts: SchemaFacts): boolean {
  return step.isApplied(facts) && facts.versions.includes(step.version);
}

async function applyStep(target: MigrationTarget, step: MigrationStep): Promise<StepResult> {
  const repairs: Record<string, number> = {};
  const status = await target.transaction(async (ctx: MigrationContext) => {
    const counted: MigrationContext = {
      ...ctx,
      report: (what, n) => {
        if (n > 0) repairs[what] = (repairs[what] ?? 0) + n;
      },
    };
    const facts = await ctx.introspect();
    if (step.isApplied(facts)) {
      if (!facts.versions.includes(step.version)) await target.recordVersion(ctx, step.version);
      return 'skipped' as const;
    }
    await step.up(counted);
    if (!step.isApplied(await ctx.introspect())) throw new Error('the step ran but its change is not in the schema');
    await target.recordVersion(ctx, step.version);
    return 'applied' as const;
  });
  return { version: step.version, description: step.description, status, repairs };
}

export async function runMigrations(target: MigrationTarget): Promise<MigrationReport> {
  const steps = ordered(target.steps);
  const facts = await target.introspect();
  const reason = refusal(facts, steps);
  if (reason) return { status: 'refused', reason, steps: [] };
  const results: StepResult[] = [];
  let failed = false;
  // Once a step has changed the schema, the facts read up front are stale for the steps after it.
  let changed = false;
  for (const step of steps) {
    const base = { version: step.version, description: step.description, repairs: {} };
    if (failed) results.push({ ...base, status: 'not_run' });
    else if (!changed && done(step, facts)) results.push({ ...base, status: 'skipped' });
    else {
      try {
        const result = await applyStep(target, step);
        changed ||= result.status === 'applied';
        results.push(result);
      } catch (e) {
        failed = true;
        results.push({ ...base, status: 'failed', error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return { status: failed ? 'failed' : 'ok', steps: results };
}

/** One line per step that did something, for logs and the CLI. */
export function describeReport(report: MigrationReport): string[] {
  if (report.status === 'refused') return [`migration refused: ${report.reason}`];
  return report.steps
    .filter((s) => s.status !== 'skipped')
    .map((s) => {
      const repairs = Object.entries(s.repairs).map(([k, n]) => `${k}=${n}`);
      const detail = [s.error, ...repairs].filter(Boolean).join(', ');
      return `migration ${s.version} (${s.description}): ${s.status}${detail ? ` — ${detail}` : ''}`;
    });
}
