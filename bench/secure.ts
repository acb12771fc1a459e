/**
 * Signed calls: Keyhop with Kerberos (MS-SIPAE v4, every message signed) against Keyhop with
 * plain Digest, under the same load, in one run.
 *
 *   npx tsx bench/secure.ts [--users 20] [--seconds 20] [--warmup-seconds 3] [--no-write]
 *
 * Keyhop runs in a child process (bench/secure-proxy.ts): proxies A and B, the embedded KDC and
 * /KdcProxy. The load generator opens one WebSocket per virtual user: `users` callers on proxy A
 * and as many callees on proxy B. Each signs in (Digest run: REGISTER with Digest; Kerberos run:
 * AS and TGS exchanges through /KdcProxy, then REGISTER with the AP-REQ and the first signature),
 * then caller i calls callee i back to back for a fixed time: INVITE/100/180/200/ACK/BYE/200.
 * In the Kerberos run every request the users send is signed and every message the proxies send
 * them is verified (the client side of the UA's auth core: src/krb/client and src/sipae).
 * Reported per run: completed calls per second, failures, p50/p99 setup time (INVITE sent →
 * 200 received) and the proxy process's RSS from /proc. Results go to docs/benchmarks.md
 * unless --no-write.
 *
 * Route-Security (seeds 001/002) is on in both runs, as deployed: the users add their own entry to
 * every request and the callees copy the chain into their answers; each proxy checks the chain and
 * adds its signed entry. A third run repeats the Kerberos run with `routeSecurity.mode = off`, and a
 * micro-benchmark times adding and checking signed entries, for the "Route-Security" section.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SipRequest, type SipMessage, type SipResponse } from '../src/sip/message.js';
import { addEntry, checkTopEntry, parseChain, verifyChain } from '../src/hopsec/index.js';
import { ensureCa, ensureProxyCert } from '../src/server/pki.js';
import { entryCrypto } from '../src/server/proxy/route-security-crypto.js';
import type { RouteSecurityMode } from '../src/server/config.js';
import { rawPrivateKey } from '../src/server/proxy/route-security-keys.js';
import { contactOf, RawSipClient, SDP, TestUa } from '../test/support/sip-client.js';
import { KerberosUa } from '../test/support/kerberos-ua.js';
import { MemorySampler, cpuMs, integerOption, loadAverage, machineInfo, measuredPids, mib, treeMemory } from './proc.js';
import type { ProcessFilter } from './proc.js';
import { benchAccounts } from './secure-proxy.js';
import { BENCHMARKS_DOC, ratio, writeBenchmarkSection } from './benchmarks-doc.js';
import { startKeyhopChild } from './keyhop-child.js';

const DOC = BENCHMARKS_DOC;
const SECTION = 'Signed calls: Kerberos vs Digest';
const KAMAILIO_SECTION = 'Proxy call rate: Keyhop vs Kamailio';
const RS_SECTION = 'Route-Security: cost per message and per call';
const REALM = 'KEYHOP.TEST';
const RECV_TIMEOUT_MS = 5_000;

const { values: opts } = parseArgs({
  options: {
    users: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

const USERS = integerOption('users', opts.users, 1, 200);
const SECONDS = integerOption('seconds', opts.seconds, 1, 90);
const WARMUP_SECONDS = integerOption('warmup-seconds', opts['warmup-seconds'], 0, 30);
const WRITE = !opts['no-write'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ───────────────────────────── the proxy process ─────────────────────────────

interface RunningKeyhop {
  pid: number;
  httpUrl: string;
  wsA: string;
  wsB: string;
  include: ProcessFilter;
  stop(): Promise<void>;
}

async function startKeyhop(mode: 'off' | 'require', routeSecurity: RouteSecurityMode): Promise<RunningKeyhop> {
  const maxSeconds = SECONDS + WARMUP_SECONDS + 180;
  const child = await startKeyhopChild<{ httpUrl: string; wsA: string; wsB: string }>('secure-proxy.ts', [mode, String(USERS), String(maxSeconds), routeSecurity], 'keyhop-bench-secure');
  return {
    pid: child.pid,
    ...child.ready,
    // tsx keeps an esbuild service process next to Node; it is not the proxy.
    include: (_pid, cmd) => !/\besbuild\b/.test(cmd.split(' ')[0] ?? ''),
    stop: child.stop,
  };
}

// ───────────────────────────── virtual users ─────────────────────────────

class VerifyError extends Error {}

/** One virtual user on its own WebSocket; signs and verifies when it holds a security association. */
class VirtualUa {
  readonly krb: KerberosUa;
  verified = 0;

  constructor(
    readonly ua: TestUa,
    httpUrl: string,
  ) {
    this.krb = new KerberosUa(ua, httpUrl, REALM);
  }

  get client(): RawSipClient {
    return this.ua.client;
  }

  sign(req: SipRequest): SipRequest {
    return this.krb.sa ? this.krb.sign(req) : req;
  }

  /** Throws unless the proxy's signature on `m` verifies (Kerberos run only). */
  check<T extends SipMessage>(m: T): T {
    const sa = this.krb.sa;
    if (!sa) return m;
    const r = sa.verify(m);
    if (!r.ok) throw new VerifyError(`signature on "${m.startLine()}" did not verify: ${JSON.stringify(r)}`);
    this.verified++;
    return m;
  }

  async digestRegister(): Promise<void> {
    let res = await this.ua.register();
    // The registrar's nonce is a timestamp: two users challenged in the same millisecond share it,
    // and the second use of nc=1 is refused as a replay. A fresh challenge succeeds.
    if (res.status === 401) res = await this.ua.register();
    if (res.status !== 200) throw new Error(`${this.ua.aor}: Digest REGISTER got ${res.status}`);
  }

  /** AS + TGS through /KdcProxy, then REGISTER with the AP-REQ; the AP-REP and rspauth must verify. */
  async kerberosRegister(): Promise<void> {
    const final = await this.krb.register();
    if (final.status !== 200) throw new Error(`${this.ua.aor}: Kerberos REGISTER got ${final.status}`);
    this.verified++;
  }
}

// ───────────────────────────── one run ─────────────────────────────

interface RunResult {
  label: string;
  mode: 'off' | 'require';
  routeSecurity: RouteSecurityMode;
  signInMs: number;
  calls: number;
  failures: number;
  firstFailure: string;
  cps: number;
  p50: number;
  p99: number;
  verified: number;
  rssIdleKb: number;
  rssPeakKb: number;
  proxyCpuMsPerCall: number;
  driverCpuMsPerCall: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Callee side: answers each INVITE with 180 and 200, takes the ACK, answers the BYE. */
async function calleeLoop(u: VirtualUa, stop: { done: boolean }, fail: (why: string) => void): Promise<void> {
  while (!stop.done && !u.client.closed) {
    let req: SipRequest;
    try {
      req = await u.client.next<SipRequest>((m) => m.isRequest, 1_000, 'a request');
    } catch {
      continue; // idle
    }
    try {
      u.check(req);
      if (req.method === 'INVITE') {
        u.ua.answer(req, 180);
        u.ua.answer(req, 200, SDP);
      } else if (req.method === 'BYE') {
        u.ua.answer(req, 200);
      }
    } catch (err) {
      fail(`callee ${u.ua.aor}: ${(err as Error).message}`);
    }
  }
}

/** Caller side: one call after another until `until`; pushes setup times for calls placed after `countFrom`. */
async function callerLoop(a: VirtualUa, b: VirtualUa, countFrom: number, until: number, setups: number[], fail: (why: string) => void): Promise<void> {
  while (Date.now() < until) {
    const counted = Date.now() >= countFrom;
    try {
      const inv = a.sign(a.ua.request('INVITE', `sip:${b.ua.aor}`, { body: SDP }));
      const t0 = performance.now();
      a.client.send(inv);
      const callId = inv.callId;
      const mine = (status: number, method: string) => (m: SipMessage): boolean => !m.isRequest && m.status === status && m.cseq.method === method && m.callId === callId;
      a.check(await a.client.next<SipResponse>(mine(100, 'INVITE'), RECV_TIMEOUT_MS, '100'));
      a.check(await a.client.next<SipResponse>(mine(180, 'INVITE'), RECV_TIMEOUT_MS, '180'));
      const ok = a.check(await a.client.next<SipResponse>(mine(200, 'INVITE'), RECV_TIMEOUT_MS, '200 INVITE'));
      const setup = performance.now() - t0;
      const seq = inv.cseq.seq;
      a.client.send(a.sign(a.ua.inDialog('ACK', ok, true, contactOf(ok), seq)));
      a.client.send(a.sign(a.ua.inDialog('BYE', ok, true, contactOf(ok), seq + 1)));
      a.check(await a.client.next<SipResponse>(mine(200, 'BYE'), RECV_TIMEOUT_MS, '200 BYE'));
      if (counted && Date.now() <= until) setups.push(setup);
    } catch (err) {
      if (counted) fail(`caller ${a.ua.aor}: ${(err as Error).message}`);
      a.client.received.splice(0);
    }
  }
}

async function run(mode: 'off' | 'require', routeSecurity: RouteSecurityMode = 'lenient'): Promise<RunResult> {
  const label = `${mode === 'off' ? 'Digest' : 'Kerberos'}${routeSecurity === 'off' ? ', Route-Security off' : ''}`;
  process.stdout.write(`\n${label}: starting Keyhop (auth.kerberos = ${mode}, routeSecurity.mode = ${routeSecurity}) …\n`);
  const k = await startKeyhop(mode, routeSecurity);
  const clients: RawSipClient[] = [];
  try {
    const { callers, callees } = benchAccounts(USERS);
    const mk = async (acc: { user: string; aor: string; password: string }, url: string): Promise<VirtualUa> => {
      const c = await RawSipClient.ws(url);
      clients.push(c);
      return new VirtualUa(new TestUa(c, acc.aor, acc.password), k.httpUrl);
    };
    const as = await Promise.all(callers.map((acc) => mk(acc, k.wsA)));
    const bs = await Promise.all(callees.map((acc) => mk(acc, k.wsB)));
    const t0 = performance.now();
    // One user after another, so that the sign-in time per user is comparable between the runs.
    for (const u of [...as, ...bs]) await (mode === 'off' ? u.digestRegister() : u.kerberosRegister());
    const signInMs = performance.now() - t0;
    process.stdout.write(`${label}: ${as.length + bs.length} users signed in in ${signInMs.toFixed(0)} ms\n`);
    // From now on each request carries the user's own entry at the real level of its WebSocket:
    // 1 with Digest (authenticated), 2 with Kerberos (authenticated and signed). Callees copy chains.
    for (const u of [...as, ...bs]) u.ua.routeSecurityLevel = mode === 'off' ? 1 : 2;
    await sleep(500);
    const rssIdleKb = treeMemory(k.pid, k.include).rssKb;

    const failures: string[] = [];
    const fail = (why: string): void => {
      failures.push(why);
    };
    const stop = { done: false };
    const calleeLoops = bs.map((u) => calleeLoop(u, stop, fail));
    const setups: number[] = [];
    const start = Date.now();
    const countFrom = start + WARMUP_SECONDS * 1000;
    const until = countFrom + SECONDS * 1000;
    const sampler = new MemorySampler(k.pid, 500, k.include);
    let proxyCpuBefore = 0;
    let driverCpuBefore = process.cpuUsage();
    const startCounting = setTimeout(() => {
      sampler.start();
      proxyCpuBefore = cpuMs(measuredPids(k.pid, k.include));
      driverCpuBefore = process.cpuUsage();
    }, WARMUP_SECONDS * 1000);
    await Promise.all(as.map((a, i) => callerLoop(a, bs[i]!, countFrom, until, setups, fail)));
    clearTimeout(startCounting);
    const proxyCpu = cpuMs(measuredPids(k.pid, k.include)) - proxyCpuBefore;
    const driverCpuUse = process.cpuUsage(driverCpuBefore);
    const peak = sampler.stop();
    stop.done = true;
    await Promise.all(calleeLoops);

    setups.sort((x, y) => x - y);
    const verified = [...as, ...bs].reduce((n, u) => n + u.verified, 0);
    const r: RunResult = {
      label,
      mode,
      routeSecurity,
      signInMs,
      calls: setups.length,
      failures: failures.length,
      firstFailure: failures[0] ?? '',
      cps: setups.length / SECONDS,
      p50: percentile(setups, 50),
      p99: percentile(setups, 99),
      verified,
      rssIdleKb,
      rssPeakKb: peak.rssKb,
      proxyCpuMsPerCall: setups.length ? proxyCpu / setups.length : NaN,
      driverCpuMsPerCall: setups.length ? (driverCpuUse.user + driverCpuUse.system) / 1000 / setups.length : NaN,
    };
    process.stdout.write(`${label}: ${r.calls} calls in ${SECONDS} s = ${r.cps.toFixed(1)} calls/s, ${r.failures} failures${r.firstFailure ? ` (first: ${r.firstFailure})` : ''}, setup p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms, ${r.verified} signatures verified, RSS ${mib(r.rssIdleKb)} idle / ${mib(r.rssPeakKb)} peak\n`);
    return r;
  } finally {
    for (const c of clients) c.close();
    await Promise.race([Promise.all(clients.map((c) => c.closedPromise)), sleep(3_000)]);
    await k.stop();
  }
}

// ───────────────────────────── Route-Security per message ─────────────────────────────

interface RouteSecurityMicro {
  /** µs for a proxy to add its signed entry (OpenSSL, src/server/proxy/route-security-crypto.ts). */
  proxyAddUs: number;
  /** µs for a proxy to check the previous proxy's signature (OpenSSL). */
  proxyVerifyUs: number;
  /** µs of a proxy's whole work on one request: link check, chain structure, previous signature, own signed entry. */
  proxyRequestUs: number;
  /** µs to add one signed entry with the pure code the browser shares (addEntry with a key). */
  pureAddUs: number;
  /** µs per signed entry for a user agent's whole-chain check (verifyChain of alice + A + B, ÷ 2). */
  pureVerifyPerEntryUs: number;
  batches: number;
  batchSize: number;
}

const MICRO_BATCHES = 15;
const MICRO_BATCH_SIZE = 100;

/** An INVITE from alice as proxy A receives it: her own (unsigned) entry only. */
function aliceInvite(i: number): SipRequest {
  const r = new SipRequest('INVITE', 'sip:bob@b.keyhop.test');
  r.append('Via', `SIP/2.0/WS k3j2h4d1.invalid;branch=z9hG4bK-bench${i}`);
  r.append('From', '<sip:alice@a.keyhop.test>;tag=1928301774');
  r.append('To', '<sip:bob@b.keyhop.test>');
  r.append('Call-ID', `bench-${i}@k3j2h4d1.invalid`);
  r.append('CSeq', `${i + 1} INVITE`);
  addEntry(r, { node: 'alice@a.keyhop.test', addr: 'k3j2h4d1.invalid', level: 2, transport: 'ws' });
  return r;
}

/** Median over batches of the time per operation, in µs. `prepare` is outside the timing. */
function medianUs<T>(prepare: (i: number) => T, op: (x: T) => void): number {
  const perOp: number[] = [];
  for (let b = 0; b < MICRO_BATCHES; b++) {
    const inputs = Array.from({ length: MICRO_BATCH_SIZE }, (_, i) => prepare(b * MICRO_BATCH_SIZE + i));
    const t0 = performance.now();
    for (const x of inputs) op(x);
    perOp.push(((performance.now() - t0) * 1000) / MICRO_BATCH_SIZE);
  }
  perOp.sort((x, y) => x - y);
  return perOp[Math.floor(perOp.length / 2)]!;
}

async function routeSecurityMicro(): Promise<RouteSecurityMicro> {
  const dir = mkdtempSync(join(tmpdir(), 'keyhop-bench-rs-'));
  try {
    const ca = await ensureCa(dir, null, null);
    const pa = await ensureProxyCert(dir, ca, 'a.keyhop.test', '127.0.0.1', { cert: null, key: null });
    const pb = await ensureProxyCert(dir, ca, 'b.keyhop.test', '127.0.0.1', { cert: null, key: null });
    const certs = new Map([['a.keyhop.test', pa.cert], ['b.keyhop.test', pb.cert]]);
    const a = entryCrypto(pa.key, certs);
    const b = entryCrypto(pb.key, certs);
    const keys = (node: string): Uint8Array | undefined => a.rawKey(node);
    const rawA = rawPrivateKey(pa.key, 'benchmark key');
    const fromA = { node: 'a.keyhop.test', addr: '127.0.0.1:5071', level: 3, transport: 'tls' } as const;
    const fromB = { node: 'b.keyhop.test', addr: '127.0.0.1:8080', level: 2, transport: 'ws' } as const;
    const atB = (i: number): SipRequest => {
      const r = aliceInvite(i);
      a.addSigned(r, fromA);
      return r;
    };
    const atBob = (i: number): SipRequest => {
      const r = atB(i);
      b.addSigned(r, fromB);
      return r;
    };
    const top = (r: SipRequest) => parseChain(r)[1]!;
    const must = (ok: boolean | undefined, what: string): void => {
      if (!ok) throw new Error(`benchmark ${what} failed`);
    };
    return {
      proxyAddUs: medianUs(aliceInvite, (r) => a.addSigned(r, fromA)),
      proxyVerifyUs: medianUs((i) => {
        const r = atB(i);
        return { r, e: top(r) };
      }, ({ r, e }) => must(b.verifies(r, e), 'signature check')),
      proxyRequestUs: medianUs(atB, (r) => {
        const t = checkTopEntry(r, { expectedAddr: fromA.addr, realLevel: 3, realTransport: 'tls', expectedNode: fromA.node });
        must(t.ok, 'link check');
        must(verifyChain(r, { keys: () => undefined, minLevel: 0, allowUnattested: true }).failures.every((f) => f.reason === 'unknown-signer'), 'structure check');
        if (t.ok) must(b.verifies(r, t.entry), 'signature check');
        b.addSigned(r, fromB);
      }),
      pureAddUs: medianUs(aliceInvite, (r) => addEntry(r, fromA, rawA)),
      pureVerifyPerEntryUs: medianUs(atBob, (r) => must(verifyChain(r, { keys, minLevel: 0 }).ok, 'whole-chain check')) / 2,
      batches: MICRO_BATCHES,
      batchSize: MICRO_BATCH_SIZE,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ───────────────────────────── report ─────────────────────────────

function kamailioFigure(): string {
  try {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(`## ${KAMAILIO_SECTION}`);
    if (start < 0) return '';
    const end = doc.indexOf('\n## ', start + 3);
    const section = doc.slice(start, end < 0 ? undefined : end);
    const row = section.split('\n').find((l) => /^\| Kamailio \| \d+ \| 1\.00× \|/.test(l));
    return row ? row.split('|')[2]!.trim() : '';
  } catch {
    return '';
  }
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : 'n/a');
const us = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)} µs` : 'n/a');

function routeSecurityTable(m: RouteSecurityMicro, on: RunResult, off: RunResult): string {
  const micro = [
    '| Per message (one Node thread, median of batches) | Time |',
    '|---|---|',
    `| Proxy: add its signed entry (OpenSSL ECDSA P-256) | ${us(m.proxyAddUs)} |`,
    `| Proxy: check the previous proxy's signature (OpenSSL) | ${us(m.proxyVerifyUs)} |`,
    `| Proxy: whole work on one request (link check, chain structure, previous signature, own signed entry) | ${us(m.proxyRequestUs)} |`,
    `| Pure JS (the code the browser shares), for comparison: add a signed entry (\`addEntry\` with a key) | ${us(m.pureAddUs)} |`,
    `| User agent (pure JS): check one signed entry (\`verifyChain\` of alice + A + B ÷ 2 signatures) | ${us(m.pureVerifyPerEntryUs)} |`,
  ];
  const rows: Array<[string, string, string, string]> = [
    ['Completed calls/s (0 failures required)', off.cps.toFixed(1), on.cps.toFixed(1), ratio(on.cps, off.cps)],
    ['Calls completed / failed', `${off.calls} / ${off.failures}`, `${on.calls} / ${on.failures}`, ''],
    ['Call setup p50 (INVITE → 200)', ms(off.p50), ms(on.p50), ratio(on.p50, off.p50)],
    ['Call setup p99', ms(off.p99), ms(on.p99), ratio(on.p99, off.p99)],
    ['Proxy CPU per call', ms(off.proxyCpuMsPerCall), ms(on.proxyCpuMsPerCall), ratio(on.proxyCpuMsPerCall, off.proxyCpuMsPerCall)],
    ['Proxy RSS peak under load', mib(off.rssPeakKb), mib(on.rssPeakKb), ratio(on.rssPeakKb, off.rssPeakKb)],
  ];
  const calls = ['| Kerberos calls | Route-Security off | Route-Security on (lenient) | on / off |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  return [...micro, '', ...calls].join('\n');
}

function table(d: RunResult, kr: RunResult, kamailio: string): string {
  const rows: Array<[string, string, string, string]> = [
    ['Completed calls/s (0 failures required)', d.cps.toFixed(1), kr.cps.toFixed(1), ratio(kr.cps, d.cps)],
    ['Calls completed / failed', `${d.calls} / ${d.failures}`, `${kr.calls} / ${kr.failures}`, ''],
    ['Call setup p50 (INVITE → 200)', ms(d.p50), ms(kr.p50), ratio(kr.p50, d.p50)],
    ['Call setup p99', ms(d.p99), ms(kr.p99), ratio(kr.p99, d.p99)],
    ['Proxy signatures verified by the users', String(d.verified), String(kr.verified), ''],
    ['Proxy CPU per call', ms(d.proxyCpuMsPerCall), ms(kr.proxyCpuMsPerCall), ratio(kr.proxyCpuMsPerCall, d.proxyCpuMsPerCall)],
    ['Load generator CPU per call', ms(d.driverCpuMsPerCall), ms(kr.driverCpuMsPerCall), ratio(kr.driverCpuMsPerCall, d.driverCpuMsPerCall)],
    ['Proxy RSS after sign-in', mib(d.rssIdleKb), mib(kr.rssIdleKb), ratio(kr.rssIdleKb, d.rssIdleKb)],
    ['Proxy RSS peak under load', mib(d.rssPeakKb), mib(kr.rssPeakKb), ratio(kr.rssPeakKb, d.rssPeakKb)],
    ['Sign-in per user (one after another)', ms(d.signInMs / (2 * USERS)), ms(kr.signInMs / (2 * USERS)), ratio(kr.signInMs, d.signInMs)],
  ];
  const lines = ['| Measure | Digest | Kerberos (signed) | Kerberos / Digest |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  if (kamailio) lines.push('', `Kamailio, for reference: ${kamailio} calls/s, its maximum call rate with 0 failures (quoted from the "${KAMAILIO_SECTION}" section, not re-run; SIPp over TCP, no authentication, one proxy).`);
  return lines.join('\n');
}


async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write('bench/secure.ts: overall time limit reached\n');
    process.exit(3);
  }, (3 * (SECONDS + WARMUP_SECONDS) + 240) * 1000);
  watchdog.unref();
  const machine = machineInfo();
  const loadBefore = loadAverage();
  process.stdout.write('Route-Security: timing entries …\n');
  const micro = await routeSecurityMicro();
  process.stdout.write(`Route-Security: proxy adds in ${us(micro.proxyAddUs)}, checks in ${us(micro.proxyVerifyUs)}, ${us(micro.proxyRequestUs)} per request; pure JS adds in ${us(micro.pureAddUs)}, checks in ${us(micro.pureVerifyPerEntryUs)}\n`);
  const digest = await run('off');
  await sleep(1_000);
  const kerberos = await run('require');
  await sleep(1_000);
  const kerberosPlain = await run('require', 'off');
  const kamailio = kamailioFigure();
  const t = table(digest, kerberos, kamailio);
  process.stdout.write(`\n${t}\n`);
  const clean = digest.failures === 0 && kerberos.failures === 0;
  const cost = digest.cps > 0 ? (1 - kerberos.cps / digest.cps) * 100 : NaN;
  const verdict = clean
    ? `Security cost in throughput: ${cost.toFixed(1)}% of the Digest rate (aim: under 10%; ${cost < 10 ? 'met' : 'not met'}).`
    : `Not a valid result: calls failed (Digest ${digest.failures}, Kerberos ${kerberos.failures}); first failure: ${digest.firstFailure || kerberos.firstFailure}.`;
  process.stdout.write(`\n${verdict}\n`);
  process.stdout.write(`\n${routeSecurityTable(micro, kerberos, kerberosPlain)}\n`);
  if (WRITE) {
    const body = [
      `## ${SECTION}`,
      '',
      `Command: \`npm run bench:secure\` (\`tsx bench/secure.ts --users ${USERS} --seconds ${SECONDS} --warmup-seconds ${WARMUP_SECONDS}\`), run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      '',
      `Keyhop (proxies A and B, embedded KDC, /KdcProxy: one Node process, started afresh for each run) on loopback. A Node load generator, in`,
      `another process, opens one WebSocket per virtual user: ${USERS} callers on proxy A and ${USERS} callees on proxy B. Digest run:`,
      '`auth.kerberos = off`, each user REGISTERs with SHA-256 Digest. Kerberos run: `auth.kerberos = require`, each user gets a TGT and a',
      'service ticket for its proxy through /KdcProxy (AS + TGS) and REGISTERs with the AP-REQ; from then on every request it sends is',
      'signed (MS-SIPAE v4) and every message its proxy sends it (100, 180, 200, BYE\'s 200 to the caller; INVITE, ACK, BYE to the callee)',
      'is verified with the client code of the UA\'s auth core (`src/krb/client`, `src/sipae`). Caller *i* calls callee *i* back to back,',
      `so ${USERS} calls are in progress at any time: INVITE (small SDP) / 100 / 180 / 200 / ACK / BYE / 200, across both proxies. The first`,
      `${WARMUP_SECONDS} s are not counted; calls completed in the next ${SECONDS} s are. Setup is INVITE sent → 200 received at the caller.`,
      'RSS is `VmRSS` of the Keyhop process from `/proc` (the esbuild helper of tsx excluded), after sign-in and the peak sampled every',
      '0.5 s under load. The load generator is one Node event loop doing its own signing and verifying, so it limits the rate too',
      '(its CPU per call is shown); Keyhop and the load generator share the machine\'s CPUs with each other and with anything else',
      'running, so compare the two columns of one run rather than figures of different runs.',
      '',
      machineLine(machine, loadBefore),
      '',
      t,
      '',
      verdict,
      '',
    ].join('\n');
    writeBenchmarkSection(SECTION, body);
    process.stdout.write(`Wrote the "${SECTION}" section of ${DOC}\n`);
    writeBenchmarkSection(RS_SECTION, routeSecurityBody(micro, kerberos, kerberosPlain, machine, loadBefore));
    process.stdout.write(`Wrote the "${RS_SECTION}" section of ${DOC}\n`);
  }
  clearTimeout(watchdog);
}

/** The machine, as both sections of this benchmark describe it. */
function machineLine(machine: ReturnType<typeof machineInfo>, loadBefore: string): string {
  return `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Linux ${machine.kernel}, Node ${machine.node}; load average before the run ${loadBefore}.`;
}

function routeSecurityBody(m: RouteSecurityMicro, on: RunResult, off: RunResult, machine: ReturnType<typeof machineInfo>, loadBefore: string): string {
  const t = routeSecurityTable(m, on, off);
  const clean = on.failures === 0 && off.failures === 0;
  const cost = off.cps > 0 ? (1 - on.cps / off.cps) * 100 : NaN;
  const verdict = clean
    ? `Route-Security costs ${cost.toFixed(1)}% of the call rate without it.`
    : `Not a valid result: calls failed (Route-Security on ${on.failures}, off ${off.failures}); first failure: ${on.firstFailure || off.firstFailure}.`;
  return [
    `## ${RS_SECTION}`,
    '',
    `Command: \`npm run bench:secure\` (same run as "${SECTION}"), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    'Per message: in the load generator\'s process before the calls start, on an INVITE with alice\'s unsigned entry, then A\'s and B\'s',
    `signed entries; each figure is the median over ${m.batches} batches of ${m.batchSize} messages of the time per message. Proxies sign and check`,
    'signatures with OpenSSL (`src/server/proxy/route-security-crypto.ts`) around the pure code\'s signing input; user agents use the',
    'pure-JS curve of `src/hopsec` (the browser\'s code), shown for comparison.',
    'Per call: the Kerberos run of "Signed calls" (users add their own entries, callees copy chains, every proxy checks the chain',
    `and signs its entry on each INVITE, ACK and BYE, and checks its entry on each response), against the same run with`,
    '`routeSecurity.mode = off` (a benchmark switch: no entries added or checked), started afresh in the same invocation.',
    'The machine is shared, so compare the columns of one run.',
    '',
    machineLine(machine, loadBefore),
    '',
    t,
    '',
    verdict,
    '',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench/secure.ts: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
