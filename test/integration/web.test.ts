import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureCa, ensureProxyCert } from '../../src/server/pki.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { RawSipClient, TestUa } from '../support/sip-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx.stop());

function upgrade(url: string, protocols: string[]): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('web server', () => {
  it('serves the app, and never a file outside it', async () => {
    const index = await fetch(`${fx.k.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const escape = await fetch(`${fx.k.httpUrl}/..%2f..%2fpackage.json`);
    expect(await escape.text()).not.toContain('"devDependencies"');
    expect((await fetch(`${fx.k.httpUrl}/`, { method: 'POST' })).status).toBe(405);
  });

  it('tells pages the Kerberos realm, the KDC proxy and the domains', async () => {
    const res = await fetch(`${fx.k.httpUrl}/keyhop.json`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ realm: 'KEYHOP.TEST', kdcProxy: '/KdcProxy', domains: ['a.keyhop.test', 'b.keyhop.test'] });
  });

  it('refuses a WebSocket without the sip subprotocol, and one for an unknown domain', async () => {
    const a = fx.k.proxies.a.wsUrl;
    expect(await upgrade(a, ['chat'])).toBe(400);
    expect(await upgrade(a.replace('a.keyhop.test', 'nowhere.test'), ['sip'])).toBe(404);
    expect(await upgrade(a, ['sip'])).toBe('open');
  });
});

describe('HTTPS and WSS', () => {
  let tls: Fixture;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhop-web-tls-'));
    const ca = await ensureCa(dir, null, null);
    const pair = await ensureProxyCert(dir, ca, 'localhost', '127.0.0.1', { cert: null, key: null });
    writeFileSync(join(dir, 'web.crt'), pair.cert);
    writeFileSync(join(dir, 'web.key'), pair.key);
    tls = await startFixture({ http: { host: '127.0.0.1', port: 0, tlsCert: join(dir, 'web.crt'), tlsKey: join(dir, 'web.key') } });
  });
  afterAll(async () => tls.stop());

  it('serves over HTTPS and registers over WSS', async () => {
    expect(tls.k.httpUrl).toMatch(/^https:/);
    expect(tls.k.proxies.a.wsUrl).toMatch(/^wss:/);
    const status = await new Promise<number>((resolve, reject) => {
      httpsRequest(`${tls.k.httpUrl}/`, { rejectUnauthorized: false }, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end();
    });
    expect(status).toBe(200);
    const prev = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const client = await RawSipClient.ws(tls.k.proxies.a.wsUrl);
      const alice = new TestUa(client, 'alice@a.keyhop.test', 'alice-pass');
      expect((await alice.register()).status).toBe(200);
      client.close();
    } finally {
      if (prev === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = prev;
    }
  });
});
