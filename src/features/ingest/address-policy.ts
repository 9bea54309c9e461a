/**
 * Which addresses a URL fetch may reach. A user key must not turn the server into a proxy into its
 * own network (cloud metadata, databases on loopback, the intranet), so non-public addresses are
 * for the admin. "Public" is IPv4 outside the special-purpose ranges, and IPv6 global unicast
 * (2000::/3) outside its special parts; an IPv6 form that carries an IPv4 address a router or
 * translator would deliver to (mapped, NAT64, 6to4) is judged by that IPv4 address.
 */
import { isIP } from 'node:net';

/** [first address, prefix length] of IPv4 ranges that are not the public internet (IANA special-purpose registry). */
const IPV4_NOT_PUBLIC: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where cloud metadata services answer
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relays (deprecated)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
];

const ipv4Number = (text: string) => text.split('.').reduce((n, part) => n * 256 + Number(part), 0);

const RANGES_V4 = IPV4_NOT_PUBLIC.map(([first, bits]) => ({ size: 2 ** (32 - bits), start: ipv4Number(first) }));

function isPublicV4(n: number): boolean {
  return !RANGES_V4.some((r) => Math.floor(n / r.size) === r.start / r.size);
}

/** The eight 16-bit words of an IPv6 address (valid per `isIP`; a zone id is dropped). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0]!;
  const dotted = /\d+\.\d+\.\d+\.\d+$/.exec(text);
  if (dotted) {
    const n = ipv4Number(dotted[0]);
    text = `${text.slice(0, dotted.index)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const words = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const [head, tail] = text.split('::');
  if (tail === undefined) return words(head);
  const [left, right] = [words(head), words(tail)];
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const embeddedV4 = (high: number, low: number) => high * 65536 + low;

function isPublicV6(w: readonly number[]): boolean {
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped: a socket to it reaches a.b.c.d) and 64:ff9b::a.b.c.d (NAT64's
  // well-known prefix, which DNS64 hands out for every IPv4-only host).
  if (zeros(0, 5) && w[5] === 0xffff) return isPublicV4(embeddedV4(w[6]!, w[7]!));
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return isPublicV4(embeddedV4(w[6]!, w[7]!));
  // Everything else outside global unicast: ::/96 (unspecified, loopback, IPv4-compatible), the
  // local-use NAT64 prefix 64:ff9b:1::/48, ULA fc00::/7, link-local fe80::/10, multicast ff00::/8...
  if ((w[0]! & 0xe000) !== 0x2000) return false;
  // 2001::/23 holds Teredo (2001::/32) and other protocol assignments; 2001:db8::/32 and 3fff::/20 are documentation.
  if (w[0] === 0x2001 && (w[1]! < 0x200 || w[1] === 0xdb8)) return false;
  if (w[0] === 0x3fff && w[1]! < 0x1000) return false;
  // 6to4 (2002:aabb:ccdd::/48) is relayed to the IPv4 address aa.bb.cc.dd.
  if (w[0] === 0x2002) return isPublicV4(embeddedV4(w[1]!, w[2]!));
  return true;
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPublicV4(ipv4Number(address));
  if (family === 6) return isPublicV6(ipv6Words(address));
  return false;
}

/** The policy of the admin, who may fetch from the intranet and loopback too. */
export const anyAddress = (_address: string): boolean => true;
