/**
 * Interoperability of the proxy's MS-SIPAE v4 acceptor with MIT Kerberos: the realm KEYHOP.TEST
 * is served by an MIT KDC, Keyhop runs with `kdc.external` pointing at it and the proxies' keys in
 * a keytab exported by MIT's kadmin, and the user agent's Kerberos side is MIT's GSS-API
 * (python-gssapi) on a ticket obtained with MIT's kinit:
 *
 * - MIT's AP-REQ (mutual authentication) rides on the second REGISTER. MS-SIPAE v4 wants that
 *   request signed before the AP-REP arrives, but MIT's GSS-API refuses GSS_GetMIC on a context
 *   that is not complete (GSS_S_NO_CONTEXT; MIT sets no PROT_READY flag), which the test checks.
 *   So the first signature is made in TypeScript with the initiator subkey of MIT's AP-REQ (taken
 *   with the MIT keytab, and checked to be among the key bytes of MIT's exported context);
 * - MIT completes its context with the AP-REP from the 200 OK and verifies the proxy's rspauth
 *   over the signature buffer of that 200;
 * - a later request signed by MIT (GSS_GetMIC, cnum 2) is accepted, and one whose MIT MIC covers
 *   another buffer is refused with 407 (itself signed; MIT verifies it, its order checks included);
 *   a properly signed request after that is accepted again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptSecContext, ReplayCache } from '../../src/krb/acceptor/index.js';
import { micSigner } from '../../src/krb/client/index.js';
import { readKeytab, type KeytabEntry } from '../../src/krb/keytab.js';
import { formatCredentials, parseAuthInfo, parseChallenges } from '../../src/sipae/auth-headers.js';
import { signatureBuffer, type SignatureHead } from '../../src/sipae/signature-buffer.js';
import { fromHex, signMessage, toHex, type MessageSigner } from '../../src/sipae/signing.js';
import type { SipMessage, SipRequest } from '../../src/sip/message.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { b64, mitVersion, startGssPeer, startMitRealm, unb64, type GssPeer, type MitRealm } from '../support/mit-krb.js';
import { RawSipClient, TestUa } from '../support/sip-client.js';

const REALM = 'KEYHOP.TEST';
const TARGET = 'sip/a.keyhop.test';
const enc = new TextEncoder();

/**
 * An MIT GSS-API initiator that may sign before its context is complete (the MS-SIPAE client
 * signs the request that carries the AP-REQ). Line protocol, base64 fields:
 *   prints "TOKEN <ap-req>" at start; then
 *   "SIGN <msg>" -> "MIC <token>" | "ERR <text>";
 *   "STEP <ap-rep>" -> "COMPLETE <flags>" | "INCOMPLETE <flags>" | "ERR <text>";
 *   "VERIFY <msg> <token>" -> "OK" | "ERR <text>";
 *   "EXPORT" -> "CTX <exported context>" (imported again, so the context goes on) | "ERR <text>";
 *   "QUIT" ends it.
 */
const MIT_INITIATOR = String.raw`
import base64, sys, gssapi, gssapi.raw

def out(*words):
    sys.stdout.write(' '.join(words) + '\n')
    sys.stdout.flush()

def err(e):
    out('ERR', (type(e).__name__ + ': ' + str(e)).replace('\n', ' '))

name = sys.argv[2]
try:
    target = gssapi.Name(name, gssapi.NameType.hostbased_service)
    flags = [gssapi.RequirementFlag.mutual_authentication, gssapi.RequirementFlag.integrity,
             gssapi.RequirementFlag.out_of_sequence_detection]
    ctx = gssapi.SecurityContext(name=target, usage='initiate', mech=gssapi.MechType.kerberos, flags=flags)
    out('TOKEN', base64.b64encode(ctx.step()).decode())
except Exception as e:
    err(e)
    sys.exit(1)

for line in sys.stdin:
    words = line.split()
    if not words or words[0] == 'QUIT':
        break
    try:
        if words[0] == 'SIGN':
            out('MIC', base64.b64encode(ctx.get_signature(base64.b64decode(words[1]))).decode())
        elif words[0] == 'STEP':
            res = gssapi.raw.init_sec_context(target, context=ctx, mech=gssapi.MechType.kerberos, flags=flags,
                                              input_token=base64.b64decode(words[1]))
            out('INCOMPLETE' if res.more_steps else 'COMPLETE', str(int(res.flags)))
        elif words[0] == 'EXPORT':
            data = ctx.export()
            ctx = gssapi.SecurityContext(token=data)
            out('CTX', base64.b64encode(data).decode())
        elif words[0] == 'VERIFY':
            ctx.verify_signature(base64.b64decode(words[1]), base64.b64decode(words[2]))
            out('OK')
        else:
            out('ERR', 'unknown command ' + words[0])
    except Exception as e:
        err(e)
`;

let mit: MitRealm;
let keyhop: Fixture;
let aliceEnv: NodeJS.ProcessEnv;
let keytab: KeytabEntry[];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  mit = await startMitRealm({ realm: REALM });
  const file = keytabPath(mit);
  mit.kadmin('addprinc -pw alice-pass alice');
  for (const domain of ['a.keyhop.test', 'b.keyhop.test']) {
    mit.kadmin(`addprinc -randkey sip/${domain}`);
    mit.kadmin(`ktadd -k ${file} sip/${domain}`);
  }
  keytab = readKeytab(new Uint8Array(readFileSync(file)));
  const ccache = join(mit.dir, 'alice.ccache');
  mit.kinit('alice', 'alice-pass', { ccache });
  aliceEnv = mit.env({ KRB5CCNAME: `FILE:${ccache}` });
  keyhop = await startFixture({ kdc: { realm: REALM, external: `127.0.0.1:${mit.port}`, keytab: file }, auth: { kerberos: 'require' } });
  console.log(`MIT Kerberos ${mitVersion()}: realm ${mit.realm}, KDC on 127.0.0.1:${mit.port}; Keyhop requires Kerberos with MIT's keytab`);
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await keyhop?.stop();
  await mit?.stop();
});

function keytabPath(m: MitRealm): string {
  return join(m.dir, 'proxies.keytab');
}

/** One command to the MIT peer and its answer, split into words. */
async function ask(peer: GssPeer, ...words: string[]): Promise<string[]> {
  peer.write(...words);
  return peer.read();
}

/** MIT's MIC over the signature buffer of `msg` with `head`, as upper-case hex. */
async function mitSign(peer: GssPeer, msg: SipMessage, head: SignatureHead): Promise<string> {
  const [tag, mic] = await ask(peer, 'SIGN', b64(enc.encode(signatureBuffer(msg, head))));
  expect(tag, `${String(mic)} ${peer.stderr()}`).toBe('MIC');
  return toHex(unb64(mic!));
}

/** Adds `Proxy-Authorization` with MIT's signature (and the AP-REQ, when given). */
async function signRequest(signer: GssPeer | MessageSigner, req: SipRequest, cnum: number, o: { opaque?: string; gssapiData?: string; buffer?: SipMessage } = {}): Promise<SipRequest> {
  const head: SignatureHead = { protocol: 'Kerberos', rand: Math.random().toString(16).slice(2, 10).padEnd(8, '0'), num: String(cnum), realm: REALM, targetname: TARGET };
  const response = 'read' in signer ? await mitSign(signer, o.buffer ?? req, head) : signMessage(signer, o.buffer ?? req, head);
  req.append('Proxy-Authorization', formatCredentials({
    realm: REALM, targetname: TARGET, version: 4, crand: head.rand, cnum: head.num, response,
    ...(o.opaque ? { opaque: o.opaque } : {}), ...(o.gssapiData ? { gssapiData: o.gssapiData } : {}),
  }));
  return req;
}

/** Has MIT verify the proxy's rspauth over the signature buffer of `res`. */
async function mitVerifyResponse(peer: GssPeer, res: SipMessage, opaque: string): Promise<string> {
  const info = parseAuthInfo(res.getAll('Proxy-Authentication-Info')[0] ?? '');
  if (!info) throw new Error(`no Proxy-Authentication-Info in ${res.startLine()}`);
  expect(info).toMatchObject({ realm: REALM, targetname: TARGET, opaque });
  const head: SignatureHead = { protocol: 'Kerberos', rand: info.srand, num: info.snum, realm: info.realm, targetname: info.targetname };
  const token = fromHex(info.rspauth);
  if (!token) throw new Error(`rspauth is not hex: ${info.rspauth}`);
  return (await ask(peer, 'VERIFY', b64(enc.encode(signatureBuffer(res, head))), b64(token))).join(' ');
}

describe('MS-SIPAE v4 with MIT Kerberos (external KDC, MIT keytab, MIT GSS-API client)', () => {
  it('REGISTER with MIT\'s AP-REQ: 200 whose AP-REP and rspauth MIT accepts; requests signed by MIT after it', { timeout: 90_000 }, async () => {
    const client = await RawSipClient.ws(keyhop.k.proxies.a.wsUrl);
    closers.push(async () => {
      client.close();
      await client.closedPromise;
    });
    const ua = new TestUa(client, 'alice@a.keyhop.test', 'unused');
    const uri = 'sip:a.keyhop.test';
    const callId = `${Math.random().toString(36).slice(2)}@mit`;

    client.send(ua.request('REGISTER', uri, { to: 'sip:alice@a.keyhop.test', callId, cseq: 1 }));
    const challenge = await client.response((s) => s >= 200, 'REGISTER');
    expect(challenge.status).toBe(407);
    expect(challenge.getAll('Proxy-Authenticate')).toEqual([`Kerberos realm="${REALM}", targetname="${TARGET}", version=4`]);
    expect(parseChallenges(challenge.getAll('Proxy-Authenticate'))[0]).toMatchObject({ realm: REALM, targetname: TARGET, version: 4 });

    const peer = startGssPeer('initiate', 'sip@a.keyhop.test', aliceEnv, 20_000, MIT_INITIATOR);
    closers.push(() => peer.stop());
    const [tag, apReq] = await peer.read();
    expect(tag, `${String(apReq)} ${peer.stderr()}`).toBe('TOKEN');

    const reg = ua.request('REGISTER', uri, { to: 'sip:alice@a.keyhop.test', callId, cseq: 2 });
    // MIT will not sign with a context that awaits its AP-REP.
    const early = await ask(peer, 'SIGN', b64(enc.encode(signatureBuffer(reg, { protocol: 'Kerberos', rand: '00000000', num: '1', realm: REALM, targetname: TARGET }))));
    expect(early.join(' ')).toMatch(/^ERR .*No context has been established/);
    // The initiator subkey of MIT's AP-REQ, read with the MIT keytab (a private replay cache: the proxy keeps its own).
    const local = acceptSecContext(unb64(apReq!), { keytab, service: `${TARGET}@${REALM}`, replayCache: new ReplayCache() });
    expect(local.client.name.nameString).toEqual(['alice']);
    expect(local.client.realm).toBe(REALM);
    const subkey = local.keys.initiatorSubkey;
    if (!subkey) throw new Error("MIT's AP-REQ has no initiator subkey");
    const [ctxTag, exported] = await ask(peer, 'EXPORT');
    expect(ctxTag, String(exported)).toBe('CTX');
    expect(Buffer.from(unb64(exported!)).indexOf(Buffer.from(subkey.bytes))).toBeGreaterThanOrEqual(0);
    const firstSigner = micSigner({ ...local, keys: { sessionKey: local.keys.sessionKey, initiatorSubkey: subkey }, acceptorSeq: 0 }, 'initiator');
    client.send(await signRequest(firstSigner, reg, 1, { gssapiData: apReq! }));
    const ok = await client.response((s) => s >= 200, 'REGISTER');
    expect(ok.status, ok.toString()).toBe(200);

    const info = parseAuthInfo(ok.getAll('Proxy-Authentication-Info')[0]!)!;
    expect(info.gssapiData).toBeTruthy();
    const done = await ask(peer, 'STEP', info.gssapiData!);
    expect(done[0], done.join(' ')).toBe('COMPLETE');
    expect(await mitVerifyResponse(peer, ok, info.opaque)).toBe('OK');
    // The same rspauth over another buffer (status changed) is refused by MIT.
    const altered = ok.clone();
    altered.status = 202;
    expect((await mitVerifyResponse(peer, altered, info.opaque)).split(' ')[0]).toBe('ERR');

    // A second request signed by MIT, cnum 2, on the established association.
    const options = await signRequest(peer, ua.request('OPTIONS', uri), 2, { opaque: info.opaque });
    client.send(options);
    const optionsOk = await client.response((s) => s >= 200, 'OPTIONS');
    expect(optionsOk.status, optionsOk.toString()).toBe(200);
    expect(await mitVerifyResponse(peer, optionsOk, info.opaque)).toBe('OK');

    // MIT's MIC over a different buffer (another Call-ID): 407.
    const forged = ua.request('OPTIONS', uri);
    const other = ua.request('OPTIONS', uri);
    await signRequest(peer, forged, 3, { opaque: info.opaque, buffer: other });
    client.send(forged);
    const refused = await client.response((s) => s >= 200, 'OPTIONS');
    expect(refused.status).toBe(407);
    expect(parseChallenges(refused.getAll('Proxy-Authenticate'))[0]).toMatchObject({ realm: REALM, targetname: TARGET, version: 4 });
    // The 407 is signed on the association too (MIT checks the order of the proxy's tokens).
    expect(await mitVerifyResponse(peer, refused, info.opaque)).toBe('OK');

    // The refusal was the MIC's doing: the next request MIT signs properly still goes through.
    client.send(await signRequest(peer, ua.request('OPTIONS', uri), 4, { opaque: info.opaque }));
    const again = await client.response((s) => s >= 200, 'OPTIONS');
    expect(again.status, again.toString()).toBe(200);
    expect(await mitVerifyResponse(peer, again, info.opaque)).toBe('OK');
  });
});
