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
  const slow = (name: string, ms: number, fail = false) => () =>
    new Promise<string>((resolve, reject) =>
      setTimeout(() => {
        order.push(name);
        if (fail) reject(new Error(name));
        else resolve(name);
      }, ms),
    );
  const results = await Promise.allSettled([lock.run('a', slow('a1', 20, true)), lock.run('a', slow('a2', 1)), lock.run('b', slow('b1', 5))]);
  assert.deepEqual(order, ['b1', 'a1', 'a2']);
  assert.equal(results[0]!.status, 'rejected');
  assert.equal(results[1]!.status, 'fulfilled');
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
