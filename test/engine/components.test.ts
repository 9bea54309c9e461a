import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntervalJob } from '../../src/engine/jobs/interval-job.js';
import { KeyedLock } from '../../src/engine/keyed-lock.js';
import { createLogger } from '../../src/log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createLogger('debug', { component: 'test' }, (l) => lines.push(JSON.parse(l))) };
}

test('a failing job is logged and never rejects; concurrent runs share one execution', async () => {
  const { lines, log } = capture();
  let calls = 0;
  const job = new IntervalJob('boom', 1, async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
    throw new Error('disk on fire');
  }, log);
  await Promise.all([job.run(), job.run()]);
  assert.equal(calls, 1);
  const entry = lines.find((l) => l.msg === 'job failed')!;
  assert.equal(entry.job, 'boom');
  assert.deepEqual(entry.err, { name: 'Error', message: 'disk on fire' });
  assert.equal(entry.component, 'test');
  await job.run();
  assert.equal(calls, 2, 'a later run starts again');
  job.start();
  await job.stop();
});

test('a job with interval 0 is never scheduled', async () => {
  const { log } = capture();
  let calls = 0;
  const job = new IntervalJob('off', 0, async () => ++calls, log);
  job.start();
  await job.stop();
  assert.equal(calls, 0);
});

test('keyed lock runs tasks of one key in order, even after a failure', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  // a1 finishes only when released, after b1 ran: no timers, so the order does not depend on machine load.
  let releaseA1!: () => void;
  const a1Gate = new Promise<void>((resolve) => (releaseA1 = resolve));
  const results = Promise.allSettled([
    lock.run('a', async () => {
      await a1Gate;
      order.push('a1');
      throw new Error('a1');
    }),
    lock.run('a', async () => void order.push('a2')),
    lock.run('b', async () => {
      order.push('b1');
      releaseA1();
    }),
  ]);
  const [a1, a2] = await results;
  assert.deepEqual(order, ['b1', 'a1', 'a2'], 'a2 waits for a1 although it could run at once; b is not held up by a');
  assert.equal(a1!.status, 'rejected');
  assert.equal(a2!.status, 'fulfilled');
});

test('the logger drops entries below its level and silent drops all', () => {
  const lines: string[] = [];
  const warn = createLogger('warn', {}, (l) => lines.push(l));
  warn.info('hidden');
  warn.error('shown', { n: 1 });
  createLogger('silent', {}, (l) => lines.push(l)).error('hidden');
  assert.equal(lines.length, 1);
  const e = JSON.parse(lines[0]!);
  assert.equal(e.level, 'error');
  assert.equal(e.n, 1);
  assert.match(e.ts, /^\d{4}-\d\d-\d\dT/);
});
