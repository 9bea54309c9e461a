/** MCP tool answers: structured content for programs plus readable text for models and people. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OmError } from '../../errors.js';

export function toolResult(payload: object, text: string): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    structuredContent: payload as Record<string, unknown>,
  };
}

/** Typed errors keep their code and safe message; anything else is hidden behind `internal`. */
export function toolError(err: unknown, log: (err: unknown) => void): CallToolResult {
  const known = err instanceof OmError;
  if (!known) log(err);
  const payload = known ? { error: err.code, message: err.message } : { error: 'internal', message: 'internal error' };
  return {
    isError: true,
    content: [{ type: 'text', text: `${payload.error}: ${payload.message}` }],
    structuredContent: payload,
  };
}

export const preview = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
