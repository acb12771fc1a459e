import { UA } from 'jssip';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCredentials } from '../../sipae/auth-headers.js';
import { parseMessage } from '../../sip/parser.js';
import { StageSocket } from '../stage-socket.js';
import { kerberosStage } from './kerberos-stage.js';
import { bindUa, unbindUa } from './challenge-patch.js';
import { FakeKerberosProxy, FakeSocket, TARGET } from './fake-proxy.testkit.js';
import { securityText } from './status-text.js';
import { UaAuth, type AuthFailure } from './ua-auth.js';

const uas: UA[] = [];

afterEach(() => {
  for (const ua of uas.splice(0)) {
    unbindUa(ua);
    try {
      ua.stop();
    } catch {
      // already stopped
    }
  }
});

async function setup(o: { backoffMs?: number; now?: () => number; configure?: (p: FakeKerberosProxy) => void } = {}) {
  const proxy = new FakeKerberosProxy();
  o.configure?.(proxy);
  const tgt = await proxy.tgt();
  const auth = new UaAuth({ getTicket: proxy.ticketSource(tgt), ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}), ...(o.now ? { now: o.now } : {}) });
  const failures: AuthFailure[] = [];
  auth.on('failure', (f) => failures.push(f));
  const fake = new FakeSocket(proxy);
  const socket = new StageSocket(fake, [kerberosStage(auth)]);
  const ua = new UA({ sockets: [socket], uri: 'sip:alice@a.keyhop.test', password: 'alice-pw', register: false, user_agent: 'Keyhop-test' });
  bindUa(ua, auth);
  uas.push(ua);
  return { proxy, auth, ua, fake, socket, failures };
}

function register(ua: UA): Promise<'registered' | string> {
  return new Promise((resolve) => {
    ua.once('registered', () => resolve('registered'));
    ua.once('registrationFailed', (e: { cause?: unknown }) => resolve(String(e.cause)));
    if (!ua.isConnected()) {
      ua.once('connected', () => ua.register());
      ua.start();
    } else {
      ua.register();
    }
  });
}

function message(ua: UA, body = 'hi'): Promise<'ok' | string> {
  return new Promise((resolve) => {
    ua.sendMessage('sip:bob@a.keyhop.test', body, {
      eventHandlers: { succeeded: () => resolve('ok'), failed: (e: { cause?: unknown }) => resolve(String(e.cause)) },
    });
  });
}

function requests(proxy: FakeKerberosProxy, method: string) {
  return proxy.received.map((r) => parseMessage(new TextEncoder().encode(r))).filter((m) => m.isRequest && m.method === method);
}

function kerberosCredentials(m: ReturnType<typeof requests>[number]) {
  return m.getAll('Proxy-Authorization').map((v) => parseCredentials(v)).find((c) => c?.targetname === TARGET) ?? null;
}

describe('Kerberos through JsSIP (fake proxy at the Socket level, real Kerberos)', () => {
  it('answers the REGISTER challenge with CSeq + 1 and a signed AP-REQ, then signs and verifies everything', async () => {
    const { proxy, auth, ua } = await setup();
    expect(await register(ua)).toBe('registered');
    const regs = requests(proxy, 'REGISTER');
    expect(regs).toHaveLength(2);
    expect(regs[1]!.cseq.seq).toBe(regs[0]!.cseq.seq + 1);
    expect(kerberosCredentials(regs[0]!)).toBeNull();
    const first = kerberosCredentials(regs[1]!)!;
    expect(first).toMatchObject({ realm: 'KEYHOP.TEST', targetname: TARGET, version: 4, cnum: '1' });
    expect(first.gssapiData).toBeTruthy();
    expect(first.response).toMatch(/^[0-9A-F]+$/);
    expect(proxy.refusals).toEqual(['no credentials']);

    const [status] = auth.status();
    expect(status).toMatchObject({ proxy: TARGET, scheme: 'Kerberos', state: 'established', mutual: true, verified: 1 });
    expect(securityText(status!)).toMatch(/^a\.keyhop\.test: authenticated with Kerberos \(mutual\), messages verified \(1\), SA expires /);

    expect(await message(ua)).toBe('ok');
    const msg = requests(proxy, 'MESSAGE')[0]!;
    const cred = kerberosCredentials(msg)!;
    expect(cred).toMatchObject({ cnum: '2', opaque: proxy.bound!.sa.opaque });
    expect(cred.gssapiData).toBeUndefined();
    expect(auth.status()[0]!.verified).toBe(2);
  });

  it('fails the registration when the proxy cannot prove its identity (altered signature)', async () => {
    const { ua, failures } = await setup({
      configure: (p) => {
        p.hooks.alter = (m) => {
          const v = m.get('Proxy-Authentication-Info');
          if (v) m.set('Proxy-Authentication-Info', v.replace(/rspauth="([0-9A-F])/, (_x, c: string) => `rspauth="${c === '0' ? '1' : '0'}`));
        };
      },
    });
    const failed = new Promise<AuthFailure>((resolve) => {
      const check = setInterval(() => {
        if (failures.length) {
          clearInterval(check);
          resolve(failures[0]!);
        }
      }, 5);
    });
    void register(ua);
    const f = await failed;
    expect(f).toMatchObject({ method: 'REGISTER', status: 200, proxy: TARGET });
    expect(f.reason).toMatch(/Mutual authentication with a\.keyhop\.test failed/);
  });

  it('signs an INVITE, its ACK and CANCEL, and reports a tampered answer to an INVITE as a failure of that call', async () => {
    const { proxy, ua, socket, failures } = await setup();
    expect(await register(ua)).toBe('registered');
    proxy.hooks.alter = (m) => {
      if (!m.isRequest && m.status === 200 && m.cseq.method === 'INVITE') {
        m.set('Proxy-Authentication-Info', m.get('Proxy-Authentication-Info')!.replace(/rspauth="[0-9A-F]{4}/, 'rspauth="0000'));
      }
    };
    const invite = [
      'INVITE sip:bob@a.keyhop.test SIP/2.0',
      'Via: SIP/2.0/WS x.invalid;branch=z9hG4bK-inv1',
      'Max-Forwards: 69',
      'To: <sip:bob@a.keyhop.test>',
      'From: <sip:alice@a.keyhop.test>;tag=ft1',
      'Call-ID: call-tamper-1',
      'CSeq: 7 INVITE',
      'Content-Type: application/sdp',
      'Content-Length: 5',
      '',
      'v=0\r\n',
    ].join('\r\n');
    socket.send(invite);
    await new Promise((r) => setTimeout(r, 30));
    const sent = requests(proxy, 'INVITE').at(-1)!;
    expect(kerberosCredentials(sent)).toMatchObject({ opaque: proxy.bound!.sa.opaque });
    expect(proxy.refusals).toEqual(['no credentials']);
    expect(failures).toEqual([expect.objectContaining({ method: 'INVITE', callId: 'call-tamper-1', status: 200, proxy: TARGET })]);
    expect(failures[0]!.reason).toMatch(/failed its signature check/);
    // The CANCEL and the ACK that follow are signed too.
    socket.send(invite.replace('INVITE sip', 'CANCEL sip').replace('7 INVITE', '7 CANCEL').replace(/Content-Type[^]*$/, 'Content-Length: 0\r\n\r\n'));
    socket.send(invite.replace('INVITE sip', 'ACK sip').replace('7 INVITE', '7 ACK').replace('inv1', 'ack1').replace(/Content-Type[^]*$/, 'Content-Length: 0\r\n\r\n'));
    await new Promise((r) => setTimeout(r, 30));
    expect(kerberosCredentials(requests(proxy, 'CANCEL')[0]!)).toMatchObject({ opaque: proxy.bound!.sa.opaque });
    expect(kerberosCredentials(requests(proxy, 'ACK')[0]!)).toMatchObject({ opaque: proxy.bound!.sa.opaque });
    expect(proxy.refusals).toEqual(['no credentials']);
  });

  it('drops an unsigned final response from a proxy with an SA', async () => {
    const { proxy, ua, failures } = await setup();
    expect(await register(ua)).toBe('registered');
    proxy.hooks.sign = false;
    const sent = message(ua);
    await new Promise((r) => setTimeout(r, 50));
    expect(failures[0]).toMatchObject({ method: 'MESSAGE', status: 200 });
    expect(failures[0]!.reason).toMatch(/not signed/);
    void sent;
  });

  it('re-authenticates at once when the proxy drops the SA (407 while established), and the next request works', async () => {
    const { proxy, auth, ua } = await setup();
    expect(await register(ua)).toBe('registered');
    const firstOpaque = proxy.bound!.sa.opaque;
    proxy.restart();
    expect(await message(ua)).toBe('ok');
    expect(proxy.bound!.sa.opaque).not.toBe(firstOpaque);
    const msgs = requests(proxy, 'MESSAGE');
    expect(msgs).toHaveLength(2);
    expect(kerberosCredentials(msgs[1]!)!.gssapiData).toBeTruthy();
    expect(auth.status()[0]).toMatchObject({ state: 'established', mutual: true });
  });

  it('backs off after a 407 that answers fresh credentials, without a retry storm', async () => {
    const { proxy, auth, ua, failures } = await setup({ backoffMs: 5 * 60_000, configure: (p) => (p.hooks.refuseAll = true) });
    expect(await register(ua)).toBe('Authentication Error');
    expect(requests(proxy, 'REGISTER')).toHaveLength(2);
    expect(auth.status()[0]).toMatchObject({ state: 'backing-off' });
    expect(failures.at(-1)!.reason).toMatch(/refused the Kerberos credentials; Keyhop waits 5 minutes/);
    // A new request during the back-off is not retried either.
    expect(await register(ua)).toBe('Authentication Error');
    expect(requests(proxy, 'REGISTER')).toHaveLength(3);
  });

  it('prefers Kerberos when a 401 offers Kerberos (Proxy-Authenticate) beside Digest (WWW-Authenticate)', async () => {
    const { proxy, auth, ua } = await setup({ configure: (p) => (p.hooks.offerBoth = true) });
    expect(await register(ua)).toBe('registered');
    const regs = requests(proxy, 'REGISTER');
    expect(regs[1]!.get('Authorization')).toBeUndefined();
    expect(kerberosCredentials(regs[1]!)!.gssapiData).toBeTruthy();
    expect(auth.status()[0]).toMatchObject({ scheme: 'Kerberos', state: 'established', mutual: true });
  });

  it('uses JsSIP Digest when only Digest is offered', async () => {
    const { proxy, auth, ua } = await setup({ configure: (p) => (p.hooks.scheme = 'Digest') });
    expect(await register(ua)).toBe('registered');
    const regs = requests(proxy, 'REGISTER');
    expect(regs[1]!.get('Proxy-Authorization')).toMatch(/^Digest /);
    expect(auth.status()).toEqual([expect.objectContaining({ scheme: 'Digest', proxy: 'a.keyhop.test' })]);
  });

  it('re-authenticates with the REGISTER refresh when the SA is about to expire', async () => {
    let skew = 0;
    const { proxy, auth, ua } = await setup({ now: () => Date.now() + skew });
    expect(await register(ua)).toBe('registered');
    const first = proxy.bound!.sa.opaque;
    // Four minutes before the end: inside the five-minute margin.
    skew = auth.status()[0]!.expiresAt! - Date.now() - 4 * 60_000;
    // JsSIP emits no second 'registered' for a refresh: wait for the new SA instead.
    ua.register();
    for (let i = 0; i < 200 && !(proxy.bound!.sa.opaque !== first && auth.status()[0]?.state === 'established'); i++) await new Promise((r) => setTimeout(r, 10));
    const regs = requests(proxy, 'REGISTER');
    expect(regs).toHaveLength(4);
    expect(kerberosCredentials(regs[2]!)).toBeNull();
    expect(kerberosCredentials(regs[3]!)!.gssapiData).toBeTruthy();
    expect(proxy.bound!.sa.opaque).not.toBe(first);
  });

  it('forgets the SAs when the connection drops', async () => {
    const { auth, ua, fake } = await setup();
    expect(await register(ua)).toBe('registered');
    fake.drop();
    expect(auth.status()).toEqual([]);
  });
});

describe('status line of a proxy', () => {
  const base = { proxy: TARGET, scheme: 'Kerberos' as const, mutual: true, verified: 3, expiresAt: Date.UTC(2026, 0, 1, 12, 30), problem: null };
  it('says how the proxy authenticated us, in words', () => {
    expect(securityText({ ...base, state: 'established' })).toMatch(/^a\.keyhop\.test: authenticated with Kerberos \(mutual\), messages verified \(3\), SA expires \S/);
    expect(securityText({ ...base, state: 'acquiring', expiresAt: null })).toBe('a.keyhop.test: authenticating with Kerberos…');
    expect(securityText({ ...base, state: 'backing-off', problem: 'a.keyhop.test refused the Kerberos credentials' })).toBe('a.keyhop.test: not authenticated: a.keyhop.test refused the Kerberos credentials');
    expect(securityText({ ...base, scheme: 'Digest', proxy: 'other.example', state: 'established' })).toMatch(/^other\.example: authenticated with Digest/);
  });
});
