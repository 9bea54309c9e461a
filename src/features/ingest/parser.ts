/**
 * Runs document conversion (HTML, DOCX, PDF) in child processes, so that no document can stall
 * the HTTP thread or exhaust the server's memory. A child process rather than a worker thread:
 * a worker's `resourceLimits` cap its JavaScript heap but not its ArrayBuffers (a worker capped
 * at 64 MB allocated 2 GB of them; pdfjs decodes streams into them), while a process can be
 * measured and killed on its own.
 *
 * At most `concurrency` parses run at once, each in its own process; up to `queue` more wait,
 * and past that a request is refused (`ingest_busy`). A parse past `timeoutMs`, or whose process
 * grows past `maxMemoryMb` (V8 heap limit; resident size polled where /proc exists), is killed
 * and answered `document_too_large` naming the setting. Idle processes are reused, unless a
 * parse left them holding half the memory limit, and exit after a while without work.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { OmError } from '../../errors.js';
import { fromWire, type WireError } from '../../engine/thread/protocol.js';
import { parseSource, sourceBytes, type Extraction, type Source } from './extract.js';
import { overLimit, type IngestLimits } from './limits.js';
import type { ParseJob } from './parse-child.js';

const MEMORY_POLL_MS = 50;
const IDLE_EXIT_MS = 60_000;
/** Below the server's, so a busy core still runs the HTTP thread first. */
const CHILD_NICENESS = 19;

/** The child's entry beside this file; from the TypeScript sources (tests, tsx) it loads through tsx. */
function childEntry(): { path: string; execArgv: string[] } {
  const beside = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  if (import.meta.url.endsWith('.js')) return { path: beside('./parse-child.js'), execArgv: [] };
  return { path: beside('./parse-child.ts'), execArgv: ['--import', import.meta.resolve('tsx')] };
}

/** Resident set size in MB from /proc, or null where the OS does not say. */
function residentMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

type Reply = { id: number; value: Extraction } | { id: number; error: WireError };

/** One child process and the parse it runs. */
class ParserProcess {
  readonly child: ChildProcess;
  /** Resolves once the converters are loaded; a process that dies first was never usable. */
  readonly ready: Promise<void>;
  #stderr = '';
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(limits: IngestLimits, onExit: (p: ParserProcess) => void) {
    const entry = childEntry();
    this.child = fork(entry.path, [], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${limits.maxMemoryMb}`],
      // Nothing of the server's environment (keys, database URLs) reaches the parser.
      env: { PATH: process.env.PATH ?? '' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-2000);
    });
    this.child.once('exit', () => onExit(this));
    this.ready = new Promise((resolve, reject) => {
      const onReady = () => {
        this.child.off('exit', onFailed);
        resolve();
      };
      const onFailed = () => reject(new OmError('unavailable', 'a document parser could not start; retry'));
      this.child.once('message', onReady);
      this.child.once('exit', onFailed);
      // A fork that fails (EAGAIN under load) is an 'error' event: unheard, it would end the server.
      this.child.on('error', () => {
        onFailed();
        if (this.alive) this.child.kill('SIGKILL');
      });
    });
    try {
      os.setPriority(this.child.pid!, CHILD_NICENESS);
    } catch {
      // Not permitted everywhere; the parse still runs off the HTTP thread.
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Runs one parse; rejects with the limit it passed when it had to be killed. */
  async run(source: Source, limits: IngestLimits): Promise<Extraction> {
    this.#hold(true);
    await this.ready;
    return new Promise<Extraction>((resolve, reject) => {
      let killedFor: OmError | null = null;
      const kill = (err: OmError) => {
        killedFor = err;
        this.child.kill('SIGKILL');
      };
      const outOfMemory = () =>
        overLimit(limits, 'maxMemoryMb', `data: converting the document needed more than ${limits.maxMemoryMb} MB`);
      const tooSlow = () => overLimit(limits, 'timeoutMs', 'data: converting the document took too long');
      const timer = setTimeout(() => kill(tooSlow()), limits.timeoutMs);
      const poll = setInterval(() => {
        const mb = residentMb(this.child.pid!);
        if (mb !== null && mb > limits.maxMemoryMb) kill(outOfMemory());
      }, MEMORY_POLL_MS);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      const onMessage = (reply: Reply) => {
        done();
        if ('error' in reply) reject(fromWire(reply.error));
        else resolve(reply.value);
      };
      const onExit = () => {
        done();
        // V8 stops a process at its heap limit with this message on stderr.
        const heapLimit = /heap out of memory|heap limit/i.test(this.#stderr);
        const unreadable = () =>
          new OmError('validation_error', `data: the ${source.format} document could not be converted`);
        reject(killedFor ?? (heapLimit ? outOfMemory() : unreadable()));
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      // A process that died since it was idle cannot take the job; not the document's fault.
      this.child.send({ id: 0, source, limits } satisfies ParseJob, (err) => {
        if (!err) return;
        done();
        reject(new OmError('unavailable', 'a document parser stopped; retry'));
      });
    });
  }

  /** An idle process does not keep the server alive, and exits after a while. */
  idle(): void {
    this.#hold(false);
    this.#idleTimer = setTimeout(() => this.child.kill(), IDLE_EXIT_MS);
    this.#idleTimer.unref();
  }

  #hold(busy: boolean): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    type Handle = { ref(): void; unref(): void } | null | undefined;
    // stderr is a socket, typed as a plain stream.
    const handles: Handle[] = [this.child, this.child.channel, this.child.stderr as unknown as Handle];
    for (const h of handles)
      if (busy) h?.ref();
      else h?.unref();
  }
}

export class DocumentParser {
  readonly #all = new Set<ParserProcess>();
  readonly #idle: ParserProcess[] = [];
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  #closed = false;

  constructor(readonly limits: Readonly<IngestLimits>) {}

  /** Text and metadata of a document, within the limits; text sources are only checked, here. */
  async extract(source: Source): Promise<Extraction> {
    const bytes = sourceBytes(source);
    if (bytes > this.limits.maxBytes) throw overLimit(this.limits, 'maxBytes', `data: the document is ${bytes} bytes`);
    if (source.format === 'text') return parseSource(source, this.limits);
    await this.#acquire();
    let proc: ParserProcess | undefined;
    try {
      proc = this.#idle.pop() ?? this.#spawn();
      return await proc.run(source, this.limits);
    } finally {
      if (proc?.alive && !this.#closed && (residentMb(proc.child.pid!) ?? 0) < this.limits.maxMemoryMb / 2) {
        proc.idle();
        this.#idle.push(proc);
      } else proc?.child.kill('SIGKILL');
      this.#release();
    }
  }

  /** Stops every parser process; parses still running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#all) p.child.kill('SIGKILL');
    for (const wake of this.#waiting.splice(0)) wake();
  }

  async #acquire(): Promise<void> {
    if (this.#closed) throw new OmError('unavailable', 'the server is shutting down');
    if (this.#running < this.limits.concurrency) {
      this.#running++;
      return;
    }
    if (this.#waiting.length >= this.limits.queue) {
      const { concurrency, queue } = this.limits;
      const settings = `OM_INGEST_CONCURRENCY=${concurrency}, OM_INGEST_QUEUE=${queue}`;
      throw new OmError('ingest_busy', `every document parser is busy (${settings}); retry later`);
    }
    // The slot is handed over by #release, so #running stays counted.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (this.#closed) throw new OmError('unavailable', 'the server is shutting down');
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }

  #spawn(): ParserProcess {
    const proc = new ParserProcess(this.limits, (p) => {
      this.#all.delete(p);
      const at = this.#idle.indexOf(p);
      if (at >= 0) this.#idle.splice(at, 1);
    });
    this.#all.add(proc);
    return proc;
  }
}
