import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amzDate, signRequest, uriEncode } from '../../src/embed/providers/sigv4.js';

// Vectors from AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite).
const suite = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  date: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)),
  headers: {},
  body: '',
};
const prefix =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=';

test('get-vanilla', () => {
  const h = signRequest({ ...suite, method: 'GET', url: 'https://example.amazonaws.com/' });
  assert.equal(h['x-amz-date'], '20150830T123600Z');
  assert.equal(h.authorization, `${prefix}5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`);
});

test('post-vanilla', () => {
  const h = signRequest({ ...suite, method: 'POST', url: 'https://example.amazonaws.com/' });
  assert.equal(h.authorization, `${prefix}5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`);
});

test('get-vanilla-query-order-key-case (query parameters sorted)', () => {
  const h = signRequest({ ...suite, method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1' });
  assert.equal(h.authorization, `${prefix}b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`);
});

test('a session token is signed and sent', () => {
  const h = signRequest({
    ...suite,
    method: 'POST',
    url: 'https://example.amazonaws.com/',
    credentials: { ...suite.credentials, sessionToken: 'TOKEN' },
  });
  assert.equal(h['x-amz-security-token'], 'TOKEN');
  assert.match(h.authorization!, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
});

test('helpers', () => {
  assert.equal(uriEncode("a:b!'()*~"), 'a%3Ab%21%27%28%29%2A~');
  assert.equal(amzDate(new Date(Date.UTC(2026, 10, 24, 9, 5, 7, 123))), '20261124T090507Z');
});
