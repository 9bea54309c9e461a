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
  const job = new IntervalJob(
    'boom',
    1,
    async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('disk on fire');
    },
    log,
  );
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

test('keyed lock batches: calls made while the key is busy share the next write, in call order, split back per call', async () => {
  const lock = new KeyedLock();
  const writes: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const write = async (items: readonly number[]) => {
    writes.push([...items]);
    return items.map((n) => n * 10);
  };
  const busy = lock.run('k', () => gate);
  const calls = [
    lock.batch('k', [1], 4, write),
    lock.batch('k', [2, 3], 4, write),
    lock.batch('k', [4], 4, write),
    lock.batch('k', [5], 4, write),
  ];
  const other = lock.batch('other', [9], 4, write);
  assert.deepEqual(await other, [90], 'another key is not held up');
  release();
  await busy;
  assert.deepEqual(await Promise.all(calls), [[10], [20, 30], [40], [50]]);
  assert.deepEqual(
    writes,
    [[9], [1, 2, 3, 4], [5]],
    'one write for the waiting calls, up to maxItems; the next call starts a new batch',
  );
});

test('keyed lock batches: a failed joint write is retried call by call, so only the bad call fails', async () => {
  const lock = new KeyedLock();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const writes: string[][] = [];
  const write = async (items: readonly string[]) => {
    writes.push([...items]);
    if (items.includes('bad')) throw new Error('bad item');
    return items.map((s) => s.toUpperCase());
  };
  void lock.run('k', () => gate);
  const calls = Promise.allSettled([
    lock.batch('k', ['a'], 8, write),
    lock.batch('k', ['bad'], 8, write),
    lock.batch('k', ['c'], 8, write),
  ]);
  release();
  const [a, bad, c] = await calls;
  assert.deepEqual(a, { status: 'fulfilled', value: ['A'] });
  assert.equal(bad!.status, 'rejected');
  assert.deepEqual(c, { status: 'fulfilled', value: ['C'] });
  assert.deepEqual(writes, [['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
});

test('keyed lock batches: a call never joins a batch queued behind a task that was queued after it', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  const write = async (items: readonly string[]) => {
    order.push(items.join('+'));
    return [...items];
  };
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  void lock.run('k', () => gate);
  const first = lock.batch('k', ['add1'], 8, write);
  const del = lock.run('k', async () => void order.push('delete'));
  // Joins add1's batch: both wait behind the same running task, and neither has finished.
  const second = lock.batch('k', ['add2'], 8, write);
  release();
  await Promise.all([first, del, second]);
  assert.deepEqual(order, ['add1+add2', 'delete']);
  await lock.batch('k', ['add3'], 8, write);
  assert.deepEqual(order, ['add1+add2', 'delete', 'add3'], 'once idle, a call runs at once on its own');
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
