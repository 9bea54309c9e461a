/**
 * Which hosts a URL fetch may reach. A user key must not turn the server into a proxy into its
 * own network (cloud metadata, databases on loopback), so non-public addresses are for the admin.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { forbidden, OmError } from '../../errors.js';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return false;
  return !PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Throws `forbidden` when the host resolves to any non-public address. */
export async function assertPublicHost(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw new OmError('validation_error', `url: cannot resolve host ${host}`);
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw forbidden(`url: ${host} is not a public address; only the admin key may fetch from it`);
  }
}
