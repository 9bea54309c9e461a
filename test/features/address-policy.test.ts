import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPublicAddress } from '../../src/features/ingest/address-policy.js';

const NOT_PUBLIC = [
  // IPv4 special-purpose ranges, first and last address of each where it matters
  '0.0.0.0',
  '0.255.255.255',
  '10.0.0.1',
  '10.255.255.255',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.255.0.1',
  '169.254.169.254',
  '169.254.0.1',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.8',
  '192.0.2.10',
  '192.88.99.1',
  '192.168.1.1',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  // IPv6: unspecified, loopback, IPv4-compatible, ULA, link-local (with a zone), multicast, site-local, discard
  '::',
  '::1',
  '::7f00:1',
  '::8.8.8.8',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'fe80::1%eth0',
  'ff02::1',
  'ff0e::1',
  'fec0::1',
  '100::1',
  // IPv4-mapped forms of private addresses, dotted and in hex (as `new URL` writes them)
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:a9fe:a9fe',
  '::ffff:10.0.0.1',
  '0:0:0:0:0:ffff:c0a8:0101',
  // NAT64: the well-known prefix around a private address, and the local-use prefix
  '64:ff9b::127.0.0.1',
  '64:ff9b::a00:1',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::808:808',
  '64:ff9b:1:abcd::1',
  // 6to4 around private addresses, Teredo, other 2001::/23 assignments, documentation
  '2002:7f00:1::1',
  '2002:a00:1::',
  '2002:c0a8:101::1',
  '2001::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  '2001:2::1',
  '2001:db8::1',
  '3fff::1',
  // not addresses
  'localhost',
  'example.com',
  '',
  '1.2.3',
  '010.0.0.1',
];

const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.216.34',
  '100.63.255.255',
  '100.128.0.1',
  '172.15.255.255',
  '172.32.0.1',
  '192.0.1.1',
  '198.17.255.255',
  '198.20.0.1',
  '223.255.255.255',
  '2606:4700::1111',
  '2a00:1450:4001::200e',
  '2001:4860:4860::8888',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '3fff:1000::1',
];

test('special-purpose addresses, and IPv6 forms wrapping them, are not public', () => {
  for (const a of NOT_PUBLIC) assert.equal(isPublicAddress(a), false, a);
});

test('addresses of the internet are public, also reached through IPv4-mapped, NAT64 and 6to4 forms', () => {
  for (const a of PUBLIC) assert.equal(isPublicAddress(a), true, a);
});
