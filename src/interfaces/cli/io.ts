/** The process surface a command sees; tests and the binary provide it. */
export interface Io {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Progress bars are drawn only on a terminal. */
  errIsTTY?: boolean;
  /** Rewrites the current stderr line (progress bars). */
  errInPlace?: (text: string) => void;
}
