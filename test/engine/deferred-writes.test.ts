import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeferredWrites } from '../../src/engine/deferred-writes.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';

const alice = userScope('alice');
const bob = userScope('bob');

test('a deferred write starts after the current turn; settled waits only for that user', async () => {
  const lines: string[] = [];
  const writes = new DeferredWrites(createLogger('warn', {}, (l) => lines.push(l)));
  const log: string[] = [];
  let releaseBob!: () => void;
  const bobStarted = new Promise<void>((started) => {
    const bobWrite = () =>
      new Promise<void>((resolve) => {
        releaseBob = () => {
          log.push('bob');
          resolve();
        };
        started();
      });
    void writes.defer(bob, 'bob write', bobWrite);
  });
  await writes.defer(alice, 'alice write', async () => void log.push('alice'));
  assert.deepEqual(log, [], 'nothing runs before the reply is out');
  await writes.settled(alice);
  assert.deepEqual(log, ['alice'], "bob's pending write does not hold alice up");
  await bobStarted;
  releaseBob();
  await writes.settled(bob);
  assert.deepEqual(log, ['alice', 'bob']);
  await writes.defer(alice, 'failing write', async () => {
    throw new Error('disk full');
  });
  await writes.drain();
  assert.match(lines.join('\n'), /failing write failed.*disk full/);
});

test('past the backlog limit the caller waits for its own write', async () => {
  const writes = new DeferredWrites(createLogger('silent'), 2);
  const gates: Array<() => void> = [];
  const blocked = () => new Promise<void>((resolve) => gates.push(resolve));
  let third = false;
  await writes.defer(alice, 'w1', blocked);
  await writes.defer(alice, 'w2', blocked);
  const waiting = writes.defer(alice, 'w3', async () => void (third = true)).then(() => 'returned');
  assert.equal(await Promise.race([waiting, new Promise((r) => setTimeout(() => r('pending'), 20))]), 'returned');
  assert.equal(third, true, 'it returned once its own write was done');
  for (const open of gates) open();
  await writes.drain();
});
