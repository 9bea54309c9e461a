/**
 * A background job as a component: `start()` schedules it every `intervalMinutes`
 * (0 disables it), `stop()` clears the timer and waits for a run in progress. A failing run
 * is logged and never reaches the process; runs never overlap.
 */
import type { Logger } from '../../log.js';

export class IntervalJob {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    readonly name: string,
    readonly intervalMinutes: number,
    private readonly task: () => Promise<number>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.#timer !== null || this.intervalMinutes <= 0) return;
    this.#timer = setInterval(() => void this.run(), this.intervalMinutes * 60_000);
    this.#timer.unref();
  }

  /** One run now (or the one already in progress); resolves after it ends, never rejects. */
  run(): Promise<void> {
    this.#running ??= this.task()
      .then(
        (count) => this.log.info('job finished', { job: this.name, count }),
        (err: unknown) => this.log.error('job failed', { job: this.name, err }),
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
