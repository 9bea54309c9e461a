/**
 * MCP over stdin/stdout, one request at a time in the order they were sent. The SDK's stdio
 * transport hands every request to the server at once and the tools then race: a store followed
 * at once by a query for the same user could answer the query first. Here the next request is
 * delivered only after the previous one's response went out, and a line that is not JSON-RPC
 * gets the JSON-RPC error for it instead of silence.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

type Waiting = { id: RequestId; release: () => void };

const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { id: RequestId; method: string } =>
  'method' in m && 'id' in m;
const isResponseTo = (m: JSONRPCMessage, id: RequestId) => !('method' in m) && 'id' in m && m.id === id;
const cancelledId = (m: JSONRPCMessage): RequestId | undefined =>
  'method' in m && m.method === 'notifications/cancelled'
    ? (m.params as { requestId?: RequestId } | undefined)?.requestId
    : undefined;

export class OrderedStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  #buffer = '';
  #queue: JSONRPCMessage[] = [];
  #waiting: Waiting | null = null;
  #closed = false;
  /** Input ended: close once what was already sent has been answered. */
  #ending = false;

  constructor(
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  readonly #onData = (chunk: Buffer | string) => {
    this.#buffer += chunk.toString();
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(newline + 1);
      if (line.trim() !== '') this.#accept(line);
    }
  };

  readonly #onEnd = () => {
    this.#ending = true;
    this.#drain();
  };

  async start(): Promise<void> {
    this.input.on('data', this.#onData);
    this.input.once('end', this.#onEnd);
  }

  #accept(line: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      void this.#reply(null, ErrorCode.ParseError, 'Parse error: the line is not JSON');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      void this.#reply(
        typeof id === 'string' || typeof id === 'number' ? id : null,
        ErrorCode.InvalidRequest,
        'Invalid Request: not a JSON-RPC 2.0 message',
      );
      return;
    }
    const message = parsed.data;
    // A cancellation must reach the server even while the request it cancels is running.
    const cancelled = cancelledId(message);
    if (cancelled !== undefined) {
      this.onmessage?.(message);
      if (this.#waiting?.id === cancelled) this.#waiting.release();
      return;
    }
    this.#queue.push(message);
    this.#drain();
  }

  #drain(): void {
    while (this.#waiting === null && this.#queue.length > 0) {
      const message = this.#queue.shift()!;
      if (isRequest(message)) {
        this.#waiting = {
          id: message.id,
          release: () => {
            this.#waiting = null;
            this.#drain();
          },
        };
      }
      this.onmessage?.(message);
    }
    if (this.#ending && this.#waiting === null && this.#queue.length === 0) void this.close();
  }

  #reply(id: RequestId | null, code: number, message: string): Promise<void> {
    return this.#write({ jsonrpc: '2.0', id, error: { code, message } });
  }

  #write(message: unknown): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once('drain', resolve);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    await this.#write(message);
    if (this.#waiting && isResponseTo(message, this.#waiting.id)) this.#waiting.release();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.input.off('data', this.#onData);
    this.input.off('end', this.#onEnd);
    this.#queue = [];
    this.onclose?.();
  }
}
