/**
 * How a request names the default user where a user must be named: `/users/:user_id/...`
 * paths and MCP resource URIs cannot carry an empty or null id. Every interface (HTTP, MCP,
 * SDK, CLI) reads this name as the default user (`user_id` NULL), never as a user called so.
 * Dependency-free: the remote SDK client imports it.
 */
export const DEFAULT_USER_NAME = '@default';

/** A requested user id with {@link DEFAULT_USER_NAME} read as the default user (null). */
export function requestedUser<T extends string | null | undefined>(id: T): T | null {
  return id === DEFAULT_USER_NAME ? null : id;
}
