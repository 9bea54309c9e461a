/** Pages are addressed by the URL's hash: `#/page/arg?user=alice&…` (no key ever goes there). */
export interface Route {
  page: string;
  arg: string | undefined;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const [page, ...rest] = path.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  return { page: page || 'overview', arg, params: new URLSearchParams(query) };
}

export function hashFor(page: string, arg?: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const query = q.toString();
  return `#/${page}${arg !== undefined ? `/${encodeURIComponent(arg)}` : ''}${query ? `?${query}` : ''}`;
}
