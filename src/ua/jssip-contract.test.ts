/**
 * The JsSIP internals Keyhop's auth plugin relies on (src/ua/auth/challenge-patch.ts and
 * auth-socket.ts). If a JsSIP upgrade changes any of them, this fails: re-read the new
 * RequestSender.js and Socket.js before moving the pin.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as JsSIP from 'jssip';
import RequestSender from 'jssip/lib/RequestSender.js';
import { describe, expect, it } from 'vitest';
import { StageSocket } from './stage-socket.js';
import { kerberosStage } from './auth/kerberos-stage.js';
import { bindUa, installChallengePatch, unbindUa, type RequestSenderInternals } from './auth/challenge-patch.js';
import { FakeKerberosProxy, FakeSocket } from './auth/fake-proxy.testkit.js';
import { UaAuth } from './auth/ua-auth.js';

const require = createRequire(import.meta.url);

describe('JsSIP contract', () => {
  it('is exactly jssip 3.13.8, pinned exactly in package.json', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('jssip/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('3.13.8');
    const ours = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(ours.dependencies.jssip).toBe('3.13.8');
    expect(JsSIP.version).toBe('3.13.8');
  });

  it('the deep import is the module instance the UA uses', () => {
    expect(require('jssip/lib/RequestSender')).toBe(RequestSender);
    const source = readFileSync(require.resolve('jssip/lib/RequestSender'), 'utf8');
    // Every consumer takes RequestSender by a plain require of this module.
    expect(readFileSync(require.resolve('jssip/lib/Registrator'), 'utf8')).toContain("require('./RequestSender')");
    expect(readFileSync(require.resolve('jssip/lib/RTCSession'), 'utf8')).toContain("require('./RequestSender')");
    expect(source).toContain('_receiveResponse(response)');
  });

  it('RequestSender has the members the patch uses, with the behaviour it expects', () => {
    const proto = (RequestSender as unknown as { prototype: Record<string, unknown> }).prototype;
    expect(typeof proto._receiveResponse).toBe('function');
    expect(typeof proto.send).toBe('function');
    expect((proto._receiveResponse as () => void).length).toBe(1);
    // The constructor stores what the patch reads: _ua, _method, _request, _eventHandlers (with defaults filled in).
    const ua = { status: 0, C: { STATUS_USER_CLOSED: 2 } };
    const request = { method: 'REGISTER' };
    const handlers: Record<string, unknown> = {};
    const Ctor = RequestSender as unknown as new (ua: object, request: object, handlers: object) => RequestSenderInternals;
    const sender = new Ctor(ua, request, handlers);
    expect(sender._ua).toBe(ua);
    expect(sender._request).toBe(request);
    expect(sender._method).toBe('REGISTER');
    expect(sender._eventHandlers).toBe(handlers);
    expect(typeof sender._eventHandlers.onAuthenticated).toBe('function');
    expect(typeof sender._eventHandlers.onReceiveResponse).toBe('function');
    // The Digest path does exactly clone, CSeq + 1, setHeader, onAuthenticated, send.
    const src = String(proto._receiveResponse);
    for (const step of ['this._request.clone()', 'this._request.cseq += 1', "setHeader('cseq'", 'this._eventHandlers.onAuthenticated(this._request)', 'this.send()']) {
      expect(src).toContain(step);
    }
  });

  it('an outgoing INVITE can be cancelled through its transaction (cancel-invite.ts)', () => {
    const { InitialOutgoingInviteRequest } = require('jssip/lib/SIPMessage') as { InitialOutgoingInviteRequest: { prototype: Record<string, unknown> } };
    expect(String(InitialOutgoingInviteRequest.prototype.cancel)).toMatch(/this\.transaction\.cancel\(reason\)/);
    const rtc = readFileSync(require.resolve('jssip/lib/RTCSession'), 'utf8');
    expect(rtc).toContain('new SIPMessage.InitialOutgoingInviteRequest(');
    expect(rtc).toMatch(/this\._request = new SIPMessage\.InitialOutgoingInviteRequest/);
    const tx = readFileSync(require.resolve('jssip/lib/Transactions'), 'utf8');
    expect(tx).toMatch(/cancel\(reason\) \{\s*\/\/ Send only if a provisional response \(>100\) has been received\.\s*if \(this\.state !== C\.STATUS_PROCEEDING\)/);
  });

  it('a cancelled outgoing session ACKs and BYEs a 2xx that crosses its CANCEL (cancel-invite.ts byeLateAnswer)', () => {
    const rtc = readFileSync(require.resolve('jssip/lib/RTCSession'), 'utf8');
    expect(rtc).toMatch(/if \(this\._is_canceled\) \{[^}]*\} *\n? *else if \(response\.status_code >= 200 && response\.status_code < 299\) \{\s*this\._acceptAndTerminate\(response\);/);
    expect(rtc).toMatch(/_acceptAndTerminate\(response, status_code, reason_phrase\) \{[\s\S]*?this\.sendRequest\(JsSIP_C\.ACK\);\s*this\.sendRequest\(JsSIP_C\.BYE,/);
  });

  it('outgoing requests can be cloned and carry several Proxy-Authorization values', () => {
    const { OutgoingRequest } = require('jssip/lib/SIPMessage') as { OutgoingRequest: new (...a: unknown[]) => { cseq: number; clone(): { cseq: number; setHeader(n: string, v: string | string[]): void; getHeaders(n: string): string[]; toString(): string } } };
    const ua = { configuration: { uri: JsSIP.URI.parse('sip:alice@a.keyhop.test'), display_name: null, user_agent: 'x', extra_headers: null }, transport: { sip_uri: 'sip:a.keyhop.test;transport=ws' }, normalizeTarget: (t: unknown) => t };
    const req = new OutgoingRequest('MESSAGE', JsSIP.URI.parse('sip:bob@a.keyhop.test'), ua, { call_id: 'c1', cseq: 5 }, []);
    const copy = req.clone();
    expect(copy.cseq).toBe(5);
    copy.setHeader('proxy-authorization', ['Kerberos a="1"', 'Digest b="2"']);
    expect(copy.getHeaders('proxy-authorization')).toEqual(['Kerberos a="1"', 'Digest b="2"']);
    expect(copy.toString()).toMatch(/Proxy-Authorization: Kerberos a="1"\r\nProxy-Authorization: Digest b="2"\r\n/);
  });

  it('JsSIP accepts StageSocket as a Socket, and the patched UA answers a Kerberos 407 with a resend', async () => {
    expect(installChallengePatch()).toBe(true);
    const proxy = new FakeKerberosProxy();
    const auth = new UaAuth({ getTicket: proxy.ticketSource(await proxy.tgt()) });
    const socket = new StageSocket(new FakeSocket(proxy), [kerberosStage(auth)]);
    // The public interface's shape, as JsSIP's isSocket checks it.
    for (const k of ['via_transport', 'url', 'sip_uri']) expect(typeof (socket as unknown as Record<string, unknown>)[k]).toBe('string');
    for (const k of ['connect', 'disconnect', 'send', 'isConnected', 'isConnecting']) expect(typeof (socket as unknown as Record<string, unknown>)[k]).toBe('function');
    const ua = new JsSIP.UA({ sockets: [socket], uri: 'sip:alice@a.keyhop.test', register: false });
    bindUa(ua, auth);
    const done = new Promise<string>((resolve) => {
      ua.on('registered', () => resolve('registered'));
      ua.on('registrationFailed', (e: { cause?: unknown }) => resolve(String(e.cause)));
    });
    ua.on('connected', () => ua.register());
    ua.start();
    expect(await done).toBe('registered');
    unbindUa(ua);
    ua.stop();
  });
});
