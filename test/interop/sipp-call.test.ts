/**
 * Interop: a SIPp UAC calls a SIPp UAS through a SIP proxy over TCP on loopback
 * (INVITE / 100 / 180 / 200 / ACK / BYE / 200). SIPp's address is a trusted peer, so
 * the proxy neither challenges nor checks identity; it relays to the Request-URI.
 *
 * The same flow runs against Keyhop's proxy A and against Kamailio as a reference, so a
 * failure on Keyhop alone points at the proxy rather than at the harness.
 * `KEYHOP_INTEROP_TARGETS=keyhop` (or `kamailio`) restricts the run to one of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyhop } from '../../src/server/keyhop.js';
import { ensureKamailio, startKamailio } from '../support/kamailio.js';
import type { KamailioInstance } from '../support/kamailio.js';
import {
  UAC_TCP_SCENARIO,
  UAS_TCP_SCENARIO,
  describeSippResult,
  ensureSipp,
  freePort,
  headerValues,
  parseSippMessageLog,
  parseVia,
  runSipp,
  startSipp,
  waitForTcpListen,
} from '../support/sipp.js';
import type { SippResult, TracedMessage } from '../support/sipp.js';

const HOST = '127.0.0.1';

interface ProxyUnderTest {
  host: string;
  port: number;
  stop(): Promise<void>;
}

async function startKeyhopProxy(): Promise<ProxyUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyhop-interop-'));
  const k = await startKeyhop({
    dataDir,
    logLevel: 'warn',
    http: { host: HOST, port: 0 },
    sip: { host: HOST },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
    kdc: { port: 0 },
    trustedPeers: [HOST],
  });
  const { host, port } = k.proxies.a.tcp;
  return {
    host,
    port,
    stop: async () => {
      await k.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startKamailioProxy(): Promise<ProxyUnderTest> {
  ensureKamailio();
  const k: KamailioInstance = await startKamailio({ host: HOST, children: 2 });
  return { host: k.host, port: k.port, stop: () => k.stop() };
}

const wanted = (process.env.KEYHOP_INTEROP_TARGETS ?? 'keyhop,kamailio').split(',').map((s) => s.trim().toLowerCase());

const targets: Array<{ name: string; start: () => Promise<ProxyUnderTest>; enabled: boolean }> = [
  { name: 'Keyhop proxy A', start: startKeyhopProxy, enabled: wanted.includes('keyhop') },
  { name: 'Kamailio (reference)', start: startKamailioProxy, enabled: wanted.includes('kamailio') },
];

interface CallOutcome {
  uac: SippResult;
  uas: SippResult;
  uacPort: number;
  uasPort: number;
  uacMessages: TracedMessage[];
  uasMessages: TracedMessage[];
}

/** One call: UAS listening on a fresh port, UAC sending through the proxy to it. */
async function placeCall(proxy: ProxyUnderTest): Promise<CallOutcome> {
  const uasPort = await freePort(HOST);
  const uacPort = await freePort(HOST);
  const uas = await startSipp({
    scenario: UAS_TCP_SCENARIO,
    label: 'uas',
    localHost: HOST,
    localPort: uasPort,
    calls: 1,
    timeoutMs: 30_000,
    recvTimeoutMs: 10_000,
    traceMessages: true,
    traceLogs: true,
  });
  try {
    await waitForTcpListen(HOST, uasPort, 10_000, uas.alive);
  } catch (err) {
    await uas.stop(1_000);
    throw err;
  }
  const uac = await runSipp({
    scenario: UAC_TCP_SCENARIO,
    label: 'uac',
    localHost: HOST,
    localPort: uacPort,
    remote: `${HOST}:${uasPort}`,
    sendTo: `${proxy.host}:${proxy.port}`,
    service: 'service',
    calls: 1,
    timeoutMs: 20_000,
    recvTimeoutMs: 10_000,
    traceMessages: true,
  });
  // The UAS ends by itself after one call; if the UAC failed early it may still be waiting.
  const uasResult = uac.stats.successful === 1 ? await uas.result : await uas.stop(3_000);
  // Everything needed has been read back; the SIPp working directories can go.
  for (const dir of new Set([uac.workDir, uasResult.workDir])) rmSync(dir, { recursive: true, force: true });
  return {
    uac,
    uas: uasResult,
    uacPort,
    uasPort,
    uacMessages: parseSippMessageLog(uac.messages),
    uasMessages: parseSippMessageLog(uasResult.messages),
  };
}

function only(messages: TracedMessage[], direction: 'sent' | 'received', pick: (m: TracedMessage) => boolean, what: string): TracedMessage {
  const found = messages.filter((m) => m.direction === direction && pick(m));
  expect(found, `expected exactly one ${what}; got ${found.length}`).toHaveLength(1);
  return found[0]!;
}

function uriHostPort(value: string): string | undefined {
  const m = /<?sips?:(?:[^@>]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?/i.exec(value);
  return m ? `${m[1]}:${m[2] ?? '5060'}` : undefined;
}

for (const target of targets) {
  describe.skipIf(!target.enabled)(`SIPp call over TCP through ${target.name}`, () => {
    let proxy: ProxyUnderTest | undefined;
    let call: CallOutcome;

    beforeAll(async () => {
      ensureSipp();
      proxy = await target.start();
      call = await placeCall(proxy);
    });

    afterAll(async () => {
      await proxy?.stop();
    });

    it('completes: the UAC and the UAS each report one successful call and no failures', () => {
      expect(call.uac.stats.successful, describeSippResult(call.uac)).toBe(1);
      expect(call.uac.stats.failed, describeSippResult(call.uac)).toBe(0);
      expect(call.uac.exitCode, describeSippResult(call.uac)).toBe(0);
      expect(call.uas.stats.successful, describeSippResult(call.uas)).toBe(1);
      expect(call.uas.stats.failed, describeSippResult(call.uas)).toBe(0);
      expect(call.uas.exitCode, describeSippResult(call.uas)).toBe(0);
    });

    it('answers the INVITE with 100 Trying and relays 180 and 200 with only the UAC Via left', () => {
      const received = call.uacMessages.filter((m) => m.direction === 'received' && m.cseqMethod === 'INVITE');
      expect(received.map((m) => m.status)).toEqual(expect.arrayContaining([100, 180, 200]));
      for (const r of received.filter((m) => m.status !== 100)) {
        const vias = headerValues(r, 'Via').map(parseVia);
        expect(vias, `Via in ${r.startLine}`).toHaveLength(1);
        expect(vias[0]!.port).toBe(call.uacPort);
      }
      const ok = only(call.uacMessages, 'received', (m) => m.status === 200 && m.cseqMethod === 'INVITE', '200 to INVITE at the UAC');
      expect(headerValues(ok, 'Record-Route').length, 'Record-Route reaches the UAC in the 200').toBeGreaterThan(0);
    });

    it('adds its Via, Record-Route (;lr) and decrements Max-Forwards on the INVITE the UAS receives', () => {
      const invite = only(call.uasMessages, 'received', (m) => m.method === 'INVITE', 'INVITE at the UAS');
      const sentInvite = only(call.uacMessages, 'sent', (m) => m.method === 'INVITE', 'INVITE from the UAC');
      const proxyAddr = `${proxy!.host}:${proxy!.port}`;

      expect(invite.startLine).toBe(`INVITE sip:service@${HOST}:${call.uasPort};transport=tcp SIP/2.0`);

      const vias = headerValues(invite, 'Via').map(parseVia);
      expect(vias, 'the proxy adds exactly one Via above the UAC one').toHaveLength(2);
      const [top, below] = vias as [ReturnType<typeof parseVia>, ReturnType<typeof parseVia>];
      const uacVia = parseVia(headerValues(sentInvite, 'Via')[0]!);
      expect(below.sentBy).toBe(uacVia.sentBy);
      expect(below.branch).toBe(uacVia.branch);
      expect(top.transport).toBe('TCP');
      expect(top.branch, 'RFC 3261 branch cookie').toMatch(/^z9hG4bK./);
      expect(top.branch).not.toBe(uacVia.branch);
      expect(`${top.host}:${top.port ?? 5060}`, "the proxy's Via names its TCP listener").toBe(proxyAddr);

      const rr = headerValues(invite, 'Record-Route');
      expect(rr.length, 'one or two Record-Route entries').toBeGreaterThanOrEqual(1);
      expect(rr.length).toBeLessThanOrEqual(2);
      for (const entry of rr) expect(entry, 'loose routing').toMatch(/;lr(?:[;>=]|$)/);
      expect(rr.map(uriHostPort), "a Record-Route names the proxy's TCP listener").toContain(proxyAddr);

      expect(headerValues(sentInvite, 'Max-Forwards')).toEqual(['70']);
      expect(headerValues(invite, 'Max-Forwards')).toEqual(['69']);
      expect(call.uas.logs, 'the UAS scenario saw Record-Route and two Vias').toMatch(/record-route: .*;lr/);
    });

    it('keeps in-dialog ACK and BYE on the Record-Route path through the proxy', () => {
      const ok = only(call.uacMessages, 'received', (m) => m.status === 200 && m.cseqMethod === 'INVITE', '200 to INVITE at the UAC');
      const routeSet = headerValues(ok, 'Record-Route').reverse();
      const inviteTopVia = parseVia(headerValues(only(call.uasMessages, 'received', (m) => m.method === 'INVITE', 'INVITE at the UAS'), 'Via')[0]!);
      for (const method of ['ACK', 'BYE']) {
        const sent = only(call.uacMessages, 'sent', (m) => m.method === method, `${method} from the UAC`);
        expect(headerValues(sent, 'Route'), `${method} carries the route set`).toEqual(routeSet);
        expect(sent.startLine, `${method} targets the UAS Contact`).toContain(`@${HOST}:${call.uasPort}`);

        const got = only(call.uasMessages, 'received', (m) => m.method === method, `${method} at the UAS`);
        const vias = headerValues(got, 'Via').map(parseVia);
        expect(vias, `${method} arrives through the proxy`).toHaveLength(2);
        expect(vias[0]!.sentBy).toBe(inviteTopVia.sentBy);
        expect(vias[1]!.port).toBe(call.uacPort);
        expect(headerValues(got, 'Route'), `the proxy removes its own Route from the ${method}`).toEqual([]);
        expect(headerValues(got, 'Max-Forwards')).toEqual(['69']);
      }
      const byeOk = only(call.uacMessages, 'received', (m) => m.status === 200 && m.cseqMethod === 'BYE', '200 to BYE at the UAC');
      expect(headerValues(byeOk, 'Via').map(parseVia).map((v) => v.port)).toEqual([call.uacPort]);
    });
  });
}
