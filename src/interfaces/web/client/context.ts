/** What every page gets: who is signed in, which user it shows, and how to move elsewhere. */
import type { Route } from './router.js';
import type { Session } from './session.js';

export interface PageContext {
  session: Session;
  route: Route;
  /** The user shown, as paths name it (`@default` for the default user). */
  user: string;
  /** A hash for another page, keeping the user shown. */
  link(page: string, arg?: string, params?: Record<string, string | undefined>): string;
  /** Shows the page again (after a change). */
  refresh(): void;
}

export type Page = (ctx: PageContext) => Promise<Node>;
