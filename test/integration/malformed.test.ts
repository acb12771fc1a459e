import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { RawSipClient, TestUa } from '../support/sip-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx.stop());

const enc = (s: string) => new TextEncoder().encode(s);
const HEAD = (extra = '') =>
  `OPTIONS sip:bob@b.keyhop.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK-bad1\r\nMax-Forwards: 70\r\n` +
  `From: <sip:alice@a.keyhop.test>;tag=1\r\nTo: <sip:bob@b.keyhop.test>\r\nCall-ID: bad@test\r\nCSeq: 1 OPTIONS\r\n${extra}`;

/** Each case: bytes, and the 400 reason it must produce (or null: the connection is closed). */
const CASES: Array<{ name: string; bytes: Uint8Array; reason: RegExp | null; tcp?: false }> = [
  { name: 'truncated message', bytes: enc(HEAD()), reason: /Truncated/, tcp: false },
  { name: 'bad request line', bytes: enc(HEAD().replace('OPTIONS sip:bob@b.keyhop.test SIP/2.0', 'OPTIONS  sip:bob SIP/2.0 extra') + 'Content-Length: 0\r\n\r\n'), reason: /Bad request line/ },
  { name: 'wrong SIP version', bytes: enc(HEAD().replace('SIP/2.0\r\n', 'SIP/3.0\r\n') + 'Content-Length: 0\r\n\r\n'), reason: /version/ },
  { name: 'missing Call-ID', bytes: enc(HEAD().replace('Call-ID: bad@test\r\n', '') + 'Content-Length: 0\r\n\r\n'), reason: /Missing mandatory header Call-ID/ },
  { name: 'missing CSeq', bytes: enc(HEAD().replace('CSeq: 1 OPTIONS\r\n', '') + 'Content-Length: 0\r\n\r\n'), reason: /Missing mandatory header CSeq/ },
  { name: 'missing Max-Forwards', bytes: enc(HEAD().replace('Max-Forwards: 70\r\n', '') + 'Content-Length: 0\r\n\r\n'), reason: /Max-Forwards/ },
  { name: 'CSeq method mismatch', bytes: enc(HEAD().replace('1 OPTIONS', '1 INVITE') + 'Content-Length: 0\r\n\r\n'), reason: /does not match/ },
  { name: 'Content-Length larger than the body', bytes: enc(HEAD('Content-Length: 100\r\n') + '\r\nshort body'), reason: /exceeds/, tcp: false },
  { name: 'Content-Length smaller than the body', bytes: enc(HEAD('Content-Length: 2\r\n') + '\r\nlonger body'), reason: /less than/, tcp: false },
  { name: 'Content-Length not a number', bytes: enc(HEAD('Content-Length: ten\r\n') + '\r\n'), reason: /Invalid Content-Length/ },
  { name: '1 MiB header', bytes: enc(HEAD(`X-Big: ${'a'.repeat(1024 * 1024)}\r\nContent-Length: 0\r\n`) + '\r\n'), reason: /too large/ },
  { name: 'invalid UTF-8 in a header', bytes: new Uint8Array([...enc(HEAD('Subject: ')), 0xff, 0xfe, 0xc3, ...enc('\r\nContent-Length: 0\r\n\r\n')]), reason: /UTF-8/ },
  { name: 'header line without a colon', bytes: enc(HEAD('this is not a header\r\nContent-Length: 0\r\n') + '\r\n'), reason: /Malformed header line/ },
  { name: 'Via without a branch cookie', bytes: enc(HEAD().replace('branch=z9hG4bK-bad1', 'branch=old') + 'Content-Length: 0\r\n\r\n'), reason: /z9hG4bK/ },
  { name: 'binary garbage', bytes: Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256), reason: null },
];

async function servesNext(client: RawSipClient, domain: string): Promise<void> {
  const u = new TestUa(client, `alice@${domain}`, 'alice-pass');
  client.send(u.request('REGISTER', `sip:${domain}`, { to: `sip:alice@${domain}` }));
  expect((await client.response(401, 'REGISTER')).status).toBe(401);
}

describe.each(['ws', 'tcp'] as const)('malformed input over %s', (transport) => {
  const connect = () =>
    transport === 'ws' ? RawSipClient.ws(fx.k.proxies.a.wsUrl) : RawSipClient.tcp(fx.k.proxies.a.tcp.host, fx.k.proxies.a.tcp.port, '127.0.0.2');

  for (const c of CASES.filter((x) => transport === 'ws' || x.tcp !== false)) {
    it(`${c.name}: ${c.reason ? '400 with the reason, then the next request is served' : 'connection closed, server keeps serving'}`, async () => {
      const client = await connect();
      client.send(c.bytes);
      if (c.reason) {
        // A 400 to a message without Call-ID or CSeq cannot carry them either, so read it raw.
        const statusLine = (await client.rawStartingWith('SIP/2.0 400 ')).split('\r\n')[0]!;
        expect(statusLine).toMatch(c.reason);
        // A stream past a framing error is closed; a WebSocket connection carries on.
        if (transport === 'ws' || !/too large|Invalid Content-Length/.test(statusLine)) {
          await servesNext(client, 'a.keyhop.test');
          client.close();
          return;
        }
      }
      await client.closedPromise;
      const fresh = await connect();
      await servesNext(fresh, 'a.keyhop.test');
      fresh.close();
    });
  }

  if (transport === 'tcp') {
    it('a body shorter than its Content-Length waits for the rest of the stream', async () => {
      const client = await connect();
      const full = HEAD('Content-Length: 10\r\n') + '\r\n0123456789';
      client.send(full.slice(0, full.length - 6));
      await client.nothingFor(150);
      client.send(full.slice(full.length - 6));
      const res = await client.next((m) => !m.isRequest);
      expect(res.isRequest).toBe(false);
      client.close();
    });

    it('a message without Content-Length on a stream gets 400', async () => {
      const client = await connect();
      client.send(HEAD() + '\r\n');
      expect((await client.response(400)).reason).toMatch(/Content-Length is required/);
      client.close();
    });
  }
});
