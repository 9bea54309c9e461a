/**
 * A small Chrome DevTools Protocol client over `--remote-debugging-pipe` (NUL-separated JSON on
 * file descriptors 3 and 4), enough to drive Debian's chromium from tests: open a page, run
 * script in it, type, upload a file, take screenshots. Nothing is downloaded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { tmpDir } from './tmp.js';

/** The browser binary; the tests fail (never skip) without it. */
export function chromiumPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  }).stdout.trim();
  if (!found)
    throw new Error(
      "The browser tests need Debian's chromium: run `apt-get install -y chromium` (as root), then run the tests again.",
    );
  return found;
}

type Pending = { resolve(v: any): void; reject(e: Error): void };

export class Browser {
  #nextId = 0;
  #pending = new Map<number, Pending>();
  #buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly cleanup: () => void,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end: number;
      while ((end = this.#buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 1);
        const call = msg.id !== undefined ? this.#pending.get(msg.id) : undefined;
        if (!call) continue;
        this.#pending.delete(msg.id);
        if (msg.error) call.reject(new Error(`${msg.error.message}${msg.error.data ? `: ${msg.error.data}` : ''}`));
        else call.resolve(msg.result);
      }
    });
  }

  static async launch(): Promise<Browser> {
    const profile = tmpDir('om-chromium-');
    const child = spawn(
      chromiumPath(),
      [
        '--headless=new',
        '--remote-debugging-pipe',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-extensions',
        `--user-data-dir=${profile.dir}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const browser = new Browser(child, () => profile.cleanup());
    await browser.send('Browser.getVersion');
    return browser;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(
        `${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`,
      );
    });
  }

  async newPage(width = 1280, height = 900): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    // A headless page has no window focus of its own; keyboard tests need it.
    await page.send('Emulation.setFocusEmulationEnabled', { enabled: true });
    await page.viewport(width, height);
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send('Browser.close').catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    this.child.kill('SIGKILL');
    this.cleanup();
  }
}

export class Page {
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    return this.browser.send(method, params, this.sessionId);
  }

  async viewport(width: number, height: number, mobile = false): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  }

  /** Runs an expression in the page (promises awaited); returns its JSON value. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails)
      throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls until the expression is truthy; fails naming it. */
  async waitFor<T = unknown>(expression: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate<T>(expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async goto(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
  }

  /** Waits for the dashboard to have drawn `page` (main.ts sets data-ready). */
  ready(page: string): Promise<unknown> {
    return this.waitFor(`document.getElementById('app')?.dataset.ready === ${JSON.stringify(page)}`);
  }

  /** Types into a field as a person would: focus, then key events carrying the text. */
  async type(selector: string, text: string): Promise<void> {
    await this.evaluate(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.focus(); e.select?.(); })()`,
    );
    await this.send('Input.insertText', { text });
  }

  async press(key: 'Enter' | 'Tab' | 'Escape'): Promise<void> {
    const codes = { Enter: 13, Tab: 9, Escape: 27 };
    const base = { key, code: key, windowsVirtualKeyCode: codes[key], ...(key === 'Enter' ? { text: '\r' } : {}) };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  /** Clicks the element once it exists (the page may be drawing it). */
  async click(selector: string): Promise<void> {
    await this.waitFor(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); e?.click(); return Boolean(e); })()`,
    );
  }

  async text(selector: string): Promise<string> {
    return this.evaluate<string>(`document.querySelector(${JSON.stringify(selector)})?.innerText ?? ''`);
  }

  async setFile(selector: string, file: string): Promise<void> {
    const { root } = await this.send('DOM.getDocument');
    const { nodeId } = await this.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    await this.send('DOM.setFileInputFiles', { nodeId, files: [file] });
  }

  async screenshot(file: string): Promise<void> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }
}
