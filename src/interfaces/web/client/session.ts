/**
 * Who is signed in. The key lives in sessionStorage (gone with the tab) unless the person asks to
 * stay signed in (localStorage); it is never put in a URL.
 */
const STORAGE_KEY = 'openmemory.dashboard.key';

export interface Session {
  role: 'admin' | 'user';
  /** The key's own user (user keys); null for the admin or the default user. */
  userId: string | null;
  keyRequired: boolean;
}

let key: string | null = sessionStorage.getItem(STORAGE_KEY) ?? localStorage.getItem(STORAGE_KEY);
let session: Session | null = null;

export const currentKey = () => key;
export const currentSession = () => session;

export function useKey(next: string | null, stay = false): void {
  key = next;
  localStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(STORAGE_KEY);
  if (next !== null) (stay ? localStorage : sessionStorage).setItem(STORAGE_KEY, next);
}

export function setSession(next: Session | null): void {
  session = next;
}

export function signOut(): void {
  useKey(null);
  session = null;
}
