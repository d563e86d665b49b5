import { expect, test } from 'vitest';
import { peekClientHello } from '../../../src/gateway/client-hello.js';
import { captureClientHello } from '../../support/fuzz-wire.js';

test('the server name of a real ClientHello, whole or cut anywhere', async () => {
  const hello = await captureClientHello('api.example.com');
  expect(peekClientHello(hello)).toEqual({ kind: 'hello', serverName: 'api.example.com' });
  for (const cut of [1, 5, 6, 40, hello.length - 1]) expect(peekClientHello(hello.subarray(0, cut))).toEqual({ kind: 'more' });
});

test('a ClientHello split across two TLS records is put back together', async () => {
  const hello = await captureClientHello('split.example.com');
  const body = hello.subarray(5);
  const record = (part: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, part.length >> 8, part.length & 0xff]), part]);
  const two = Buffer.concat([record(body.subarray(0, 30)), record(body.subarray(30))]);
  expect(peekClientHello(two)).toEqual({ kind: 'hello', serverName: 'split.example.com' });
});

test('no SNI (an IP target), not TLS, and garbage', async () => {
  const noSni = await captureClientHello('');
  expect(peekClientHello(noSni)).toEqual({ kind: 'hello', serverName: undefined });
  expect(peekClientHello(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'))).toEqual({ kind: 'not-tls' });
  expect(peekClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00]))).toEqual({ kind: 'malformed' });
  const hello = await captureClientHello('x.example');
  const bent = Buffer.from(hello);
  bent.writeUInt16BE(0xffff, bent.length - 20); // an extension length that overruns
  expect(['malformed', 'hello']).toContain(peekClientHello(bent).kind);
  const wrongType = Buffer.from(hello);
  wrongType[5] = 0x02; // a ServerHello
  expect(peekClientHello(wrongType)).toEqual({ kind: 'malformed' });
});
