/**
 * The address check done where the socket connects. A host name is resolved once, every address
 * it answered is checked, and the socket is handed exactly those addresses: a name that answers
 * a public address to a check and 127.0.0.1 to a second lookup (DNS rebinding) never gets that
 * second lookup.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { promisify } from 'node:util';
import { forbidden, OmError } from '../../errors.js';

/** Every address of a host name, as `dns.lookup(name, { all: true })` answers. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const lookupAll = promisify(dnsLookup);

export const systemResolver: Resolver = (hostname) => lookupAll(hostname, { all: true, verbatim: true });

/** Which addresses may be connected to (address-policy.ts). */
export type AddressPolicy = (address: string) => boolean;

export function refusedAddress(host: string): OmError {
  return forbidden(`url: ${host} is not a public address; only the admin key may fetch from it`);
}

/** Every address must pass: a name answering both a public and a private address is refused, not narrowed. */
export async function resolveChecked(
  hostname: string,
  resolve: Resolver,
  allowed: AddressPolicy,
): Promise<LookupAddress[]> {
  let found: LookupAddress[];
  try {
    found = await resolve(hostname);
  } catch {
    throw new OmError('validation_error', `url: cannot resolve host ${hostname}`);
  }
  if (found.length === 0) throw new OmError('validation_error', `url: cannot resolve host ${hostname}`);
  if (!found.every((a) => allowed(a.address))) throw refusedAddress(hostname);
  return found;
}

function familyOf(f: LookupOptions['family']): 0 | 4 | 6 {
  if (f === 4 || f === 'IPv4') return 4;
  return f === 6 || f === 'IPv6' ? 6 : 0;
}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` option for node:http(s) requests (and node:net sockets) that resolves through {@link resolveChecked}. */
export function guardedLookup(resolve: Resolver, allowed: AddressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const family = familyOf(options.family);
    resolveChecked(hostname, resolve, allowed).then(
      (found) => {
        const usable = family === 0 ? found : found.filter((a) => a.family === family);
        if (usable.length === 0) {
          callback(new OmError('validation_error', `url: ${hostname} has no IPv${family} address`), '', 0);
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}
