/**
 * The embedded KDC driven over the KKDCP endpoint (POST /KdcProxy), as a browser reaches it:
 * pre-authentication, errors, the endpoint's HTTP refusals, an external KDC, and an AS + TGS
 * round trip with Keyhop's own Kerberos client.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEncTicketPart,
  decodeEtypeInfo2,
  decodeMethodData,
  decodeTicket,
  ErrorCode,
  findPaData,
  KeyUsage,
  PaDataType,
} from '../../src/krb/asn1/index.js';
import { acceptSecContext } from '../../src/krb/acceptor/index.js';
import { completeSecContext, getInitialCredentials, getServiceCredentials, initSecContext, type KdcSend } from '../../src/krb/client/index.js';
import { getEnctype, makeKey } from '../../src/krb/crypto/index.js';
import { KrbError } from '../../src/krb/errors.js';
import { findKeytabEntry, readKeytab } from '../../src/krb/keytab.js';
import { KKDCP_CONTENT_TYPE, unwrapKdcProxyReply, wrapKdcProxyRequest } from '../../src/krb/kkdcp.js';
import { PrincipalDatabase } from '../../src/server/kdc/database.js';
import { KdcCore } from '../../src/server/kdc/kdc.js';
import { KdcTcpServer } from '../../src/server/kdc/tcp.js';
import { buildAsReq, errorOf, openAsRep } from '../../src/server/kdc/test-client.js';
import { createLogger } from '../../src/server/log.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';

const REALM = 'KEYHOP.TEST';
const aliceKey = getEnctype(18).stringToKey('alice-pass', 'KEYHOP.TESTalice');

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx.stop());

async function post(base: string, body: Uint8Array, init: { contentType?: string; method?: string } = {}): Promise<Response> {
  return fetch(`${base}/KdcProxy`, {
    method: init.method ?? 'POST',
    headers: { 'Content-Type': init.contentType ?? KKDCP_CONTENT_TYPE },
    body: init.method === 'GET' ? null : new Uint8Array(body),
  });
}

/** Sends a Kerberos request through the KKDCP endpoint; the KDC's reply, or the HTTP failure. */
async function viaProxy(base: string, message: Uint8Array, realm = REALM): Promise<Uint8Array> {
  const res = await post(base, wrapKdcProxyRequest(message, realm));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  expect(res.headers.get('content-type')).toBe(KKDCP_CONTENT_TYPE);
  return unwrapKdcProxyReply(new Uint8Array(await res.arrayBuffer()));
}

describe('embedded KDC over POST /KdcProxy', () => {
  it('requires pre-authentication: KRB-ERROR 25 with PA-ETYPE-INFO2 (etype, salt, s2kparams)', async () => {
    const err = errorOf(await viaProxy(fx.k.httpUrl, buildAsReq({ realm: REALM, client: 'alice' })));
    expect(err?.errorCode).toBe(ErrorCode.KDC_ERR_PREAUTH_REQUIRED);
    expect(err?.realm).toBe(REALM);
    expect(err?.eText).toBeTruthy();
    const info = decodeEtypeInfo2(findPaData(decodeMethodData(err!.eData!), PaDataType.PA_ETYPE_INFO2)!.padataValue);
    expect(info[0]).toMatchObject({ etype: 18, salt: 'KEYHOP.TESTalice' });
    expect(Buffer.from(info[0]!.s2kparams!).toString('hex')).toBe('00001000');
  });

  it('issues a TGT for a correct PA-ENC-TIMESTAMP; the AS-REP decrypts with alice\'s key', async () => {
    const r = openAsRep(await viaProxy(fx.k.httpUrl, buildAsReq({ realm: REALM, client: 'alice', preauthKey: aliceKey, nonce: 777 })), aliceKey);
    if (r.error) throw new Error(`${r.error.errorCode}: ${r.error.eText}`);
    expect(r.part.nonce).toBe(777);
    expect(r.rep.cname.nameString).toEqual(['alice']);
    expect(r.part.sname.nameString).toEqual(['krbtgt', REALM]);
    expect(r.part.endtime.getTime() - r.part.authtime.getTime()).toBeLessThanOrEqual(28800_000);
  });

  it('wrong password → 24, unknown user → 6', async () => {
    const wrong = getEnctype(18).stringToKey('not-alice-pass', 'KEYHOP.TESTalice');
    expect(errorOf(await viaProxy(fx.k.httpUrl, buildAsReq({ realm: REALM, client: 'alice', preauthKey: wrong })))?.errorCode).toBe(ErrorCode.KDC_ERR_PREAUTH_FAILED);
    const unknown = errorOf(await viaProxy(fx.k.httpUrl, buildAsReq({ realm: REALM, client: 'mallory' })));
    expect(unknown?.errorCode).toBe(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN);
    expect(unknown?.eText).toMatch(/mallory@KEYHOP.TEST/);
  });

  it('does not relay to other realms: 400 with a reason', async () => {
    const res = await post(fx.k.httpUrl, wrapKdcProxyRequest(buildAsReq({ realm: 'EVIL.TEST', client: 'alice' }), 'EVIL.TEST'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/EVIL.TEST.*not served.*KEYHOP.TEST/);
    const garbage = await post(fx.k.httpUrl, Uint8Array.of(1, 2, 3));
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toMatch(/Not a KDC-PROXY-MESSAGE/);
  });

  it('refuses an oversized body (413), other methods (405), other content types (415)', async () => {
    const big = await post(fx.k.httpUrl, new Uint8Array(70 * 1024));
    expect(big.status).toBe(413);
    const get = await post(fx.k.httpUrl, new Uint8Array(0), { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const json = await post(fx.k.httpUrl, wrapKdcProxyRequest(buildAsReq({ realm: REALM, client: 'alice' }), REALM), { contentType: 'application/json' });
    expect(json.status).toBe(415);
  });

  it('keeps its keys in the data directory, mode 0600, no passwords', () => {
    expect(fx.k.kdc).toMatchObject({ realm: REALM, embedded: true });
    const principals = `${fx.k.config.dataDir}/kdc/principals.json`;
    expect(statSync(principals).mode & 0o777).toBe(0o600);
    expect(statSync(fx.k.kdc.keytab).mode & 0o777).toBe(0o600);
    expect(readFileSync(principals, 'utf8')).not.toMatch(/-pass/);
  });

  it('AS + TGS round trip with Keyhop\'s client; the ticket opens with the proxy\'s keytab key and its acceptor', async () => {
    const send: KdcSend = (request, realm) => viaProxy(fx.k.httpUrl, request, realm);
    const tgt = await getInitialCredentials({ client: `alice@${REALM}`, password: 'alice-pass', send });
    expect(tgt.server.name.nameString).toEqual(['krbtgt', REALM]);
    const svc = await getServiceCredentials({ tgt, server: `sip/a.keyhop.test@${REALM}`, send });
    expect(svc.client.name.nameString).toEqual(['alice']);
    const ticket = decodeTicket(svc.ticket);
    const entry = findKeytabEntry(readKeytab(new Uint8Array(readFileSync(fx.k.kdc.keytab))), `sip/a.keyhop.test@${REALM}`, ticket.encPart.etype, ticket.encPart.kvno)!;
    expect(entry).toBeDefined();
    const key = makeKey(entry.enctype, entry.key);
    const part = decodeEncTicketPart(getEnctype(key.enctype).decrypt(key, KeyUsage.KDC_REP_TICKET, ticket.encPart.cipher));
    expect(part.cname.nameString).toEqual(['alice']);
    expect(Buffer.from(part.key.keyvalue).equals(Buffer.from(svc.sessionKey.bytes))).toBe(true);

    // And the proxy's side: a GSS context from that ticket, accepted with proxies.keytab.
    const start = initSecContext(svc);
    if (!start.mutual) throw new Error('expected mutual authentication');
    const accepted = acceptSecContext(start.token, { keytab: readKeytab(new Uint8Array(readFileSync(fx.k.kdc.keytab))), service: `sip/a.keyhop.test@${REALM}`, replayCache: null });
    expect(accepted.client.name.nameString).toEqual(['alice']);
    const established = completeSecContext(start.pending, accepted.outputToken!);
    expect(established.server.name.nameString).toEqual(['sip', 'a.keyhop.test']);

    const wrong = await getInitialCredentials({ client: `alice@${REALM}`, password: 'nope', send }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(KrbError);
    expect((wrong as KrbError).code).toBe('wrong-password');
  });
});

describe('external KDC (kdc.external)', () => {
  it('forwards /KdcProxy to the external KDC and starts no embedded one', async () => {
    // A stand-in external KDC with its own (empty but for krbtgt) database.
    const db = new PrincipalDatabase(REALM, [{ components: ['krbtgt', REALM], kvno: 7, salt: '', keys: [{ key: getEnctype(18).generateKey() }] }]);
    const external = new KdcTcpServer({ host: '127.0.0.1', port: 0, core: new KdcCore(db, { ticketLifetimeSec: 60 }), log: createLogger('silent') });
    await external.listen();
    const ext = await startFixture({ kdc: { external: `127.0.0.1:${external.port}` } });
    try {
      expect(ext.k.kdc).toMatchObject({ embedded: false, port: external.port });
      expect(ext.k.kdc.keytab).toBe(`${ext.k.config.dataDir}/kdc/proxies.keytab`);
      // alice is unknown there: the answer came from the external KDC.
      expect(errorOf(await viaProxy(ext.k.httpUrl, buildAsReq({ realm: REALM, client: 'alice' })))?.errorCode).toBe(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN);
    } finally {
      await ext.stop();
      await external.close();
    }
  });

  it('answers 503 "KDC unreachable" when the KDC is down', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = await startFixture({ kdc: { external: `127.0.0.1:${port}` } });
    try {
      const res = await post(down.k.httpUrl, wrapKdcProxyRequest(buildAsReq({ realm: REALM, client: 'alice' }), REALM));
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/KDC unreachable/);
    } finally {
      await down.stop();
    }
  });
});
