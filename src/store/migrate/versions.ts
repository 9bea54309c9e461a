/** Version strings compared by numeric segments (upstream compared them as strings, so "1.10.0" < "1.2.0"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export function newestVersion(versions: readonly string[]): string | null {
  return versions.reduce<string | null>((max, v) => (max === null || compareVersions(v, max) > 0 ? v : max), null);
}
