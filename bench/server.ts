/** Starts the real server (`dist/`, as `npm start` does) in a child process for a benchmark run. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../scripts/embedded-pg.mjs';

export interface BenchServer {
  base: string;
  pid: number;
  /** Peak resident set size so far, in MB (Linux VmHWM). */
  peakRssMb(): number;
  /** CPU time the server process has used so far (all its threads), in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '..');

/** `cpuProfDir`: write a V8 CPU profile of the server there (`node --cpu-prof`) when it stops. */
export async function startServer(env: Record<string, string>, cpuProfDir?: string): Promise<BenchServer> {
  const port = await freePort();
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...prof, path.join(repoRoot, 'dist/interfaces/cli/main.js'), 'serve'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        OM_PORT: String(port),
        OM_LOG_LEVEL: 'warn',
        OM_DECAY_INTERVAL_MINUTES: '0',
        OM_USER_SUMMARY_INTERVAL: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become healthy within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: child.pid!,
    peakRssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    cpuMs() {
      // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (100 a second on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `--server-env OM_X=V` (repeatable): a setting of the benchmarked server, e.g. OM_ENGINE_THREADS=2.
 * Where it listens, its database and its key are the bench's own: such a setting is refused,
 * not silently overridden (a bench of another database, or one stalled on 401s, would mislead).
 */
const BENCH_OWNED = /^OM_(PORT|HOST|API_KEY|METADATA_BACKEND|DB_PATH|PG_\w+)$/;

export function serverEnvArgs(args: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    args
      .flatMap((a, i) => (a === '--server-env' ? [args[i + 1] ?? ''] : []))
      .map((kv) => {
        const at = kv.indexOf('=');
        const name = kv.slice(0, at);
        if (!name.startsWith('OM_') || at < 0) throw new Error(`--server-env takes OM_NAME=value, not '${kv}'`);
        if (BENCH_OWNED.test(name))
          throw new Error(
            `--server-env cannot set ${name}: the bench chooses the server's address, database and key itself`,
          );
        return [name, kv.slice(at + 1)];
      }),
  );
}
