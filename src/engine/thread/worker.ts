/**
 * An engine worker thread: opens an engine from the environment it is given (with the
 * maintenance jobs when told to) and answers the server thread's calls (./protocol.ts). The
 * server thread sends all of a user's operations to one worker, so they keep the engine's
 * per-user order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { Memory } from '../memory.js';
import { ENGINE_METHODS, KEY_METHODS, toWire, type Call, type Reply, type Ready } from './protocol.js';

const port = parentPort!;
const { env, jobs } = workerData as { env: Record<string, string | undefined>; jobs: boolean };

async function open(): Promise<Memory | null> {
  try {
    const config = loadConfig(env);
    const engine = await Memory.open({ config, logger: createLogger(config.logLevel), jobs });
    port.postMessage({ ready: true, location: engine.store.location } satisfies Ready);
    return engine;
  } catch (err) {
    port.postMessage({ ready: false, error: toWire(err) } satisfies Ready);
    return null;
  }
}

const engine = await open();
if (engine) {
  const serves = { engine: new Set<string>(ENGINE_METHODS), keys: new Set<string>(KEY_METHODS) };
  port.on('message', async (call: Call | { close: true }) => {
    if ('close' in call) {
      await engine.close();
      port.close();
      return;
    }
    let reply: Reply;
    try {
      if (!serves[call.target]?.has(call.method)) throw new Error(`no such method: ${call.target}.${call.method}`);
      const target = call.target === 'keys' ? engine.store : engine;
      const method = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[call.method]!;
      reply = { id: call.id, value: await method.apply(target, call.args) };
    } catch (err) {
      reply = { id: call.id, error: toWire(err) };
    }
    port.postMessage(reply);
  });
}
