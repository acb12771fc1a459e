/**
 * Kerberos sign-in and MIC benchmark: Keyhop's TypeScript Kerberos against MIT Kerberos.
 *
 *   npx tsx bench/krb.ts [--runs 30] [--warmup 10] [--mic-batches 15] [--mic-batch 2000]
 *                        [--skip chromium,mit] [--no-write]
 *
 * In one run:
 *  1. Sign-in in Node: AS (alice@KEYHOP.TEST, through Keyhop's /KdcProxy to its embedded KDC),
 *     TGS (sip/a.keyhop.test), AP-REQ, validation with the proxies' keytab, AP-REP check; with the
 *     client's default enctypes and with enctype 20 only. The string-to-key (PBKDF2) alone is timed
 *     as well, since it dominates.
 *  2. The same sign-in inside Chromium (playwright-core, /usr/bin/chromium): the client code is
 *     bundled with esbuild and injected into a page of Keyhop's origin.
 *  3. GetMIC + VerifyMIC in Node over a ~250-byte MS-SIPAE signature buffer, enctypes 18 and 20.
 *  4. MIT Kerberos in a throw-away realm (test/support/mit-krb.ts): `kinit` (password on stdin) +
 *     `kvno` as child processes, and Keyhop's Node client against the same MIT KDC over TCP.
 * Medians and 90th percentiles of wall time; results and the machine description go to
 * docs/benchmarks.md unless --no-write.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ReplayCache } from '../src/krb/acceptor/index.js';
import { micSigner, type KdcSend } from '../src/krb/client/index.js';
import { getEnctype } from '../src/krb/crypto/index.js';
import { readKeytab, type KeytabEntry } from '../src/krb/keytab.js';
import { kdcProxySend } from '../src/ua/kdc-proxy.js';
import { launchChromium } from '../e2e/support/chromium.js';
import { startFixture, type Fixture } from '../test/support/keyhop-fixture.js';
import { MIT_ENCTYPE_NAMES, PYTHON, mitVersion, startMitRealm, tcpExchange, type MitRealm } from '../test/support/mit-krb.js';
import { bundlePage } from './page-bundle.js';
import { describeMachine, integerOption, loadAverage, machineInfo, runBenchmark, type Cleanup } from './proc.js';
import { signIn, type SignInResult, type SignInTiming } from './krb-flow.js';
import type { PageBenchParams } from './krb-page.js';
import { benchmarkCommand, median, p90, producedBy, publishBenchmarkSection, ratio, REPO_ROOT } from './benchmarks-doc.js';

const SECTION = 'Kerberos sign-in and MIC: Keyhop vs MIT';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    'mic-batches': { type: 'string', default: '15' },
    'mic-batch': { type: 'string', default: '2000' },
    skip: { type: 'string', default: '' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

const RUNS = integerOption('runs', opts.runs, 3, 500);
const WARMUP = integerOption('warmup', opts.warmup, 0, 50);
const MIC_BATCHES = integerOption('mic-batches', opts['mic-batches'], 3, 200);
const MIC_BATCH = integerOption('mic-batch', opts['mic-batch'], 100, 100_000);
const SKIP = new Set((opts.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const WRITE = !opts['no-write'];
/** Any single child process (kinit, kvno) is killed after this long. */
const CHILD_TIMEOUT_MS = 30_000;

const KEYHOP_REALM = 'KEYHOP.TEST';
const KEYHOP_SERVICE = 'sip/a.keyhop.test';
const MIT_REALM = 'MIT.TEST';
const MIT_SERVICE = 'sip/proxy.mit.test';
const PASSWORD = 'alice-pass';

// ───────────────────────────── statistics ─────────────────────────────

const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)} ms` : 'n/a');
const us = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} µs` : 'n/a');

// ───────────────────────────── results ─────────────────────────────

interface Row {
  /** What was timed, e.g. "Keyhop, Node". */
  who: string;
  kdc: string;
  enctypes: string;
  steps: string;
  samples: number[];
  /** Per run: AS + TGS only (Keyhop rows; for MIT the same as `samples`). */
  asTgs: number[];
  /** Phase medians. */
  phases?: { as: number; tgs: number; ap: number };
  sessionEnctype?: number;
}

const rows: Row[] = [];
const notes: string[] = [];

function timingRow(who: string, kdc: string, enctypes: string, t: SignInTiming[]): Row {
  const row: Row = {
    who,
    kdc,
    enctypes,
    steps: 'AS + TGS + AP-REQ + accept + AP-REP',
    samples: t.map((x) => x.total),
    asTgs: t.map((x) => x.as + x.tgs),
    phases: { as: median(t.map((x) => x.as)), tgs: median(t.map((x) => x.tgs)), ap: median(t.map((x) => x.ap)) },
    sessionEnctype: t[0]?.sessionEnctype,
  };
  rows.push(row);
  console.log(`${who} → ${kdc} (${enctypes}): median ${ms(median(row.samples))}, p90 ${ms(p90(row.samples))} (AS ${ms(row.phases!.as)}, TGS ${ms(row.phases!.tgs)}, AP ${ms(row.phases!.ap)}; session enctype ${row.sessionEnctype})`);
  return row;
}

async function nodeSignIns(p: Omit<Parameters<typeof signIn>[0], 'replayCache'>): Promise<{ timings: SignInTiming[]; last: SignInResult }> {
  const params = { ...p, replayCache: new ReplayCache() };
  let last = await signIn(params);
  for (let i = 1; i < WARMUP; i++) last = await signIn(params);
  const timings: SignInTiming[] = [];
  for (let i = 0; i < RUNS; i++) {
    last = await signIn(params);
    timings.push(last.timing);
  }
  return { timings, last };
}

/** String-to-key alone (the PBKDF2 the AS exchange runs), median over a few runs, ms. */
async function stringToKeyMs(enctype: number, salt: string): Promise<number> {
  const e = getEnctype(enctype);
  await e.stringToKeyAsync(PASSWORD, salt);
  const t: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 10); i++) {
    const t0 = performance.now();
    await e.stringToKeyAsync(PASSWORD, salt);
    t.push(performance.now() - t0);
  }
  return median(t);
}

// ───────────────────────────── MIC ─────────────────────────────

/** A typical MS-SIPAE signature buffer (MS-SIPAE §3.2.5.5: the fields in angle brackets). */
function sipaeBuffer(): Uint8Array {
  const fields = [
    'Kerberos', // authentication protocol
    '3bd2a7c1', // crand
    '42', // cnum
    'SIP Communications Service', // realm
    'sip/a.keyhop.test', // targetname
    'a84b4c76e66710-f81d4fae7dec11d0a76500a0c91e6bf6@a.keyhop.test', // Call-ID
    '2', // CSeq number
    'INVITE', // CSeq method
    'sip:alice@a.keyhop.test', // From URI
    '9fxced76sl-1928301774', // From tag
    '314159-a73kszlfl', // To tag
    'sip:alice@a.keyhop.test', // P-Asserted-Identity SIP URI
    '', // P-Asserted-Identity tel URI
    '', // Expires (REGISTER only)
    '200', // response code
  ];
  return new TextEncoder().encode(fields.map((f) => `<${f}>`).join(''));
}

interface MicResult {
  enctype: number;
  bytes: number;
  pairUs: number;
  /** The fastest batch's time per pair: the least disturbed by other work on the machine. */
  bestPairUs: number;
  getUs: number;
  verifyUs: number;
}

function micBench(r: SignInResult): MicResult {
  const msg = sipaeBuffer();
  const client = micSigner(r.initiator, 'initiator');
  const server = micSigner(r.acceptor, 'acceptor');
  const tokens: Uint8Array[] = new Array<Uint8Array>(MIC_BATCH);
  // warm-up and a correctness check both ways
  for (let i = 0; i < MIC_BATCH; i++) {
    if (!server.verifyMic(msg, client.getMic(msg))) throw new Error('VerifyMIC failed on the acceptor');
    if (!client.verifyMic(msg, server.getMic(msg))) throw new Error('VerifyMIC failed on the initiator');
  }
  const pair: number[] = [];
  const get: number[] = [];
  const verify: number[] = [];
  for (let b = 0; b < MIC_BATCHES; b++) {
    let t0 = performance.now();
    for (let i = 0; i < MIC_BATCH; i++) server.verifyMic(msg, client.getMic(msg));
    pair.push(((performance.now() - t0) * 1000) / MIC_BATCH);
    t0 = performance.now();
    for (let i = 0; i < MIC_BATCH; i++) tokens[i] = client.getMic(msg);
    get.push(((performance.now() - t0) * 1000) / MIC_BATCH);
    t0 = performance.now();
    let ok = 0;
    for (let i = 0; i < MIC_BATCH; i++) if (server.verifyMic(msg, tokens[i]!)) ok++;
    verify.push(((performance.now() - t0) * 1000) / MIC_BATCH);
    if (ok !== MIC_BATCH) throw new Error(`only ${ok} of ${MIC_BATCH} MICs verified`);
  }
  const key = r.initiator.keys.acceptorSubkey ?? r.initiator.keys.initiatorSubkey ?? r.initiator.keys.sessionKey;
  const res = { enctype: key.enctype, bytes: msg.length, pairUs: median(pair), bestPairUs: Math.min(...pair), getUs: median(get), verifyUs: median(verify) };
  console.log(`MIC enctype ${res.enctype} over ${res.bytes} bytes: ${us(res.pairUs)} per GetMIC+VerifyMIC (GetMIC ${us(res.getUs)}, VerifyMIC ${us(res.verifyUs)})`);
  return res;
}

// ───────────────────────────── Chromium ─────────────────────────────

async function chromiumSignIns(fx: Fixture, keytabBytes: Uint8Array): Promise<{ version: string }> {
  const code = await bundlePage(join(REPO_ROOT, 'bench', 'krb-page.ts'));
  console.log(`page bundle: ${(code.length / 1024).toFixed(0)} KiB (esbuild, minified)`);
  const browser = await launchChromium();
  try {
    const version = browser.version();
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    // A same-origin document that runs none of the app's code.
    await page.goto(`${fx.k.httpUrl}/keyhop.json`);
    await page.addScriptTag({ content: code });
    for (const etypes of [undefined, [20]]) {
      const params: PageBenchParams = {
        client: 'alice',
        realm: KEYHOP_REALM,
        password: PASSWORD,
        service: KEYHOP_SERVICE,
        keytab: Buffer.from(keytabBytes).toString('base64'),
        warmup: WARMUP,
        runs: RUNS,
        ...(etypes ? { etypes } : {}),
      };
      const t = await page.evaluate(
        (p) => (globalThis as unknown as { keyhopKrbBench(p: PageBenchParams): Promise<SignInTiming[]> }).keyhopKrbBench(p),
        params,
      );
      timingRow('Keyhop, Chromium page', 'Keyhop (KKDCP)', etypes ? 'only 20' : 'default', t);
    }
    await context.close();
    return { version };
  } finally {
    await browser.close();
  }
}

// ───────────────────────────── MIT ─────────────────────────────

function timedRun(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: CHILD_TIMEOUT_MS });
  const t = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  return t;
}

/**
 * MIT's \`kinit\` + \`kvno\` and Keyhop's Node client against the same MIT KDC, alternating run by run
 * so that both see the same background load.
 */
async function mitAndKeyhop(mit: MitRealm, label: 'default' | 'only 20', keyhop: Omit<Parameters<typeof signIn>[0], 'replayCache'>, config?: string): Promise<void> {
  const ccache = join(mit.dir, `bench-${label.replace(/\W/g, '')}.ccache`);
  const env = mit.env({ KRB5CCNAME: `FILE:${ccache}`, ...(config ? { KRB5_CONFIG: config } : {}) });
  const once = (): { kinit: number; kvno: number } => ({
    kinit: timedRun('kinit', [`alice@${MIT_REALM}`], env, `${PASSWORD}\n`),
    kvno: timedRun('kvno', [`${MIT_SERVICE}@${MIT_REALM}`], env),
  });
  const params = { ...keyhop, replayCache: new ReplayCache() };
  for (let i = 0; i < Math.max(WARMUP, 1); i++) {
    once();
    await signIn(params);
  }
  const kinit: number[] = [];
  const kvno: number[] = [];
  const timings: SignInTiming[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = once();
    kinit.push(r.kinit);
    kvno.push(r.kvno);
    timings.push((await signIn(params)).timing);
  }
  const samples = kinit.map((k, i) => k + kvno[i]!);
  const row: Row = {
    who: 'MIT `kinit` + `kvno`',
    kdc: 'MIT (TCP)',
    enctypes: label,
    steps: 'AS + TGS (two processes)',
    samples,
    asTgs: samples,
    phases: { as: median(kinit), tgs: median(kvno), ap: NaN },
  };
  rows.push(row);
  console.log(`MIT kinit + kvno (${row.enctypes}): median ${ms(median(row.samples))}, p90 ${ms(p90(row.samples))} (kinit ${ms(median(kinit))}, kvno ${ms(median(kvno))})`);
  timingRow('Keyhop, Node', 'MIT (TCP)', label, timings);
}

/**
 * MIT's GSS-API GetMIC/VerifyMIC through python-gssapi, timed inside one Python process (no pipe
 * per message): initiator and acceptor contexts in the same process, then batches of the raw
 * (Cython) gss_get_mic + gss_verify_mic bindings. Prints one JSON line. Python's per-call overhead is included
 * and measured separately (a loop calling a trivial method of a bytes object).
 */
const MIT_MIC_PY = String.raw`
import gssapi, json, sys, time
from gssapi.raw import get_mic, verify_mic
msg = bytes.fromhex(sys.argv[1]); n = int(sys.argv[2]); batches = int(sys.argv[3])
KRB5 = gssapi.MechType.kerberos
target = gssapi.Name(sys.argv[4], gssapi.NameType.hostbased_service)
F = gssapi.RequirementFlag
ictx = gssapi.SecurityContext(name=target, usage='initiate', mech=KRB5, flags=[F.mutual_authentication, F.integrity, F.out_of_sequence_detection])
actx = gssapi.SecurityContext(creds=gssapi.Credentials(usage='accept', name=target), usage='accept')
ictx.step(actx.step(ictx.step()))
assert ictx.complete and actx.complete
tok = ictx.get_signature(msg)
actx.verify_signature(msg, tok)
ictx.verify_signature(msg, actx.get_signature(msg))
for i in range(n):
    actx.verify_signature(msg, ictx.get_signature(msg))
def med(v):
    v = sorted(v); return v[len(v) // 2]
pair, get, ver, base = [], [], [], []
toks = [None] * n
for b in range(batches):
    t0 = time.perf_counter()
    for i in range(n):
        verify_mic(actx, msg, get_mic(ictx, msg))
    pair.append((time.perf_counter() - t0) * 1e6 / n)
    t0 = time.perf_counter()
    for i in range(n):
        toks[i] = get_mic(ictx, msg)
    get.append((time.perf_counter() - t0) * 1e6 / n)
    t0 = time.perf_counter()
    for i in range(n):
        verify_mic(actx, msg, toks[i])
    ver.append((time.perf_counter() - t0) * 1e6 / n)
    t0 = time.perf_counter()
    for i in range(n):
        msg.hex()
    base.append((time.perf_counter() - t0) * 1e6 / n)
print(json.dumps({'tokenBytes': len(tok), 'pairUs': med(pair), 'bestPairUs': min(pair), 'getUs': med(get), 'verifyUs': med(ver), 'callUs': med(base)}))
`;

/** MIC token length → enctype of its key: 16-byte header + 12-byte (SHA-1) or 16/24-byte (SHA-2) checksum. */
const MIC_TOKEN_ENCTYPE: Record<number, number> = { 28: 18, 32: 19, 40: 20 };

interface MitMicResult extends MicResult {
  callUs: number;
}

function mitMic(mit: MitRealm, label: string, config: string, ccache: string, keytabPath: string): MitMicResult {
  const msg = sipaeBuffer();
  const env = mit.env({ KRB5_CONFIG: config, KRB5CCNAME: `FILE:${ccache}`, KRB5_KTNAME: `FILE:${keytabPath}` });
  timedRun('kinit', [`alice@${MIT_REALM}`], env, `${PASSWORD}\n`);
  const r = spawnSync(PYTHON, ['-c', MIT_MIC_PY, Buffer.from(msg).toString('hex'), String(MIC_BATCH), String(MIC_BATCHES), MIT_SERVICE.replace('/', '@')], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`python-gssapi MIC loop (${label}) failed (${r.status ?? r.signal}): ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tokenBytes: number; pairUs: number; bestPairUs: number; getUs: number; verifyUs: number; callUs: number };
  const res = { enctype: MIC_TOKEN_ENCTYPE[j.tokenBytes] ?? NaN, bytes: msg.length, pairUs: j.pairUs, bestPairUs: j.bestPairUs, getUs: j.getUs, verifyUs: j.verifyUs, callUs: j.callUs };
  console.log(`MIT MIC (python-gssapi) enctype ${res.enctype} over ${res.bytes} bytes: ${us(res.pairUs)} per pair (GetMIC ${us(res.getUs)}, VerifyMIC ${us(res.verifyUs)}; a Python call ${us(res.callUs)})`);
  return res;
}

/** Process start-up of an MIT tool that does no Kerberos work: `klist -V` prints the version and exits. */
function spawnBaselineMs(mit: MitRealm): number {
  const env = mit.env();
  const t: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 20); i++) t.push(timedRun('klist', ['-V'], env));
  return median(t);
}

// ───────────────────────────── report ─────────────────────────────

function find(who: string, kdc: string, enctypes: string): Row | undefined {
  return rows.find((r) => r.who === who && r.kdc === kdc && r.enctypes === enctypes);
}

function table(): string {
  const lines = [
    '| Client | KDC | Enctypes offered | Steps timed | Median | p90 | AS (median) | TGS (median) | AP (median) | Median vs MIT `kinit` + `kvno` |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const mit = find('MIT `kinit` + `kvno`', 'MIT (TCP)', r.enctypes);
    const vs = r.who.startsWith('MIT') ? '1.00×' : mit ? ratio(median(r.samples), median(mit.samples)) : 'n/a';
    const ph = r.phases;
    const as = ph ? (r.who.startsWith('MIT') ? `${ms(ph.as)} (kinit)` : ms(ph.as)) : '';
    const tgs = ph ? (r.who.startsWith('MIT') ? `${ms(ph.tgs)} (kvno)` : ms(ph.tgs)) : '';
    lines.push(`| ${r.who} | ${r.kdc} | ${r.enctypes}${r.sessionEnctype ? ` (session key ${r.sessionEnctype})` : ''} | ${r.steps} | ${ms(median(r.samples))} | ${ms(p90(r.samples))} | ${as} | ${tgs} | ${ph && Number.isFinite(ph.ap) ? ms(ph.ap) : '—'} | ${vs} |`);
  }
  return lines.join('\n');
}

function likeForLike(): string {
  const lines = [
    '| Enctypes | Keyhop Node client AS + TGS (median) | MIT `kinit` + `kvno` (median) | Keyhop / MIT |',
    '|---|---:|---:|---:|',
  ];
  for (const e of ['default', 'only 20']) {
    const k = find('Keyhop, Node', 'MIT (TCP)', e);
    const m = find('MIT `kinit` + `kvno`', 'MIT (TCP)', e);
    if (!k || !m) continue;
    const kt = median(k.asTgs);
    lines.push(`| ${e} | ${ms(kt)} | ${ms(median(m.samples))} | ${ratio(kt, median(m.samples))} |`);
  }
  return lines.join('\n');
}

function micTable(mics: MicResult[], mitMics: MitMicResult[]): string {
  const lines = [
    '| Implementation | Token key enctype | Message | GetMIC + VerifyMIC | GetMIC | VerifyMIC | Pairs per second | Pair vs MIT | Pair, fastest batch | Fastest vs MIT |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of mics) {
    const mit = mitMics.find((x) => x.enctype === m.enctype);
    lines.push(`| Keyhop (Node) | ${m.enctype} | ${m.bytes} B | ${us(m.pairUs)} | ${us(m.getUs)} | ${us(m.verifyUs)} | ${Math.round(1e6 / m.pairUs)} | ${mit ? ratio(m.pairUs, mit.pairUs) : 'n/a'} | ${us(m.bestPairUs)} | ${mit ? ratio(m.bestPairUs, mit.bestPairUs) : 'n/a'} |`);
  }
  for (const m of mitMics) {
    lines.push(`| MIT (python-gssapi) | ${m.enctype} | ${m.bytes} B | ${us(m.pairUs)} | ${us(m.getUs)} | ${us(m.verifyUs)} | ${Math.round(1e6 / m.pairUs)} | 1.00× | ${us(m.bestPairUs)} | 1.00× |`);
  }
  return lines.join('\n');
}


// ───────────────────────────── main ─────────────────────────────

const cleanups: Cleanup[] = [];

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const started = new Date();
  const versions: { mit?: string; chromium?: string } = {};
  const s2k: Record<number, number> = {};
  const mics: MicResult[] = [];
  const mitMics: MitMicResult[] = [];
  let spawnMs = NaN;

  // 1. Keyhop in Node, embedded KDC through /KdcProxy
  const fx = await startFixture();
  cleanups.push(() => fx.stop());
  const keytabBytes = new Uint8Array(readFileSync(fx.k.kdc.keytab));
  const keytab: KeytabEntry[] = readKeytab(keytabBytes);
  const send: KdcSend = kdcProxySend(`${fx.k.httpUrl}/KdcProxy`);
  const base = { client: 'alice', realm: KEYHOP_REALM, password: PASSWORD, service: KEYHOP_SERVICE, keytab, send };
  const d = await nodeSignIns(base);
  timingRow('Keyhop, Node', 'Keyhop (KKDCP)', 'default', d.timings);
  const tcp: KdcSend = (request) => tcpExchange(fx.k.kdc.host, fx.k.kdc.port, request, 10_000);
  timingRow('Keyhop, Node', 'Keyhop (TCP)', 'default', (await nodeSignIns({ ...base, send: tcp })).timings);
  const e20 = await nodeSignIns({ ...base, etypes: [20] });
  timingRow('Keyhop, Node', 'Keyhop (KKDCP)', 'only 20', e20.timings);
  for (const e of [18, 20]) s2k[e] = await stringToKeyMs(e, `${KEYHOP_REALM}alice`);
  console.log(`string-to-key alone: enctype 18 ${ms(s2k[18]!)}, enctype 20 ${ms(s2k[20]!)}`);

  // 3. MIC over the contexts just made
  mics.push(micBench(d.last));
  mics.push(micBench(e20.last));

  // 2. Chromium
  if (!SKIP.has('chromium')) {
    try {
      versions.chromium = (await chromiumSignIns(fx, keytabBytes)).version;
    } catch (err) {
      notes.push(`Chromium was not measured: ${(err as Error).message.split('\n')[0]}`);
      console.error(`Chromium: ${(err as Error).message}`);
    }
  }
  await fx.stop();
  cleanups.pop();

  // 4. MIT
  if (!SKIP.has('mit')) {
    const mit = await startMitRealm({ realm: MIT_REALM });
    cleanups.push(() => mit.stop());
    versions.mit = mitVersion();
    const ktPath = join(mit.dir, 'sip.keytab');
    mit.kadmin(`addprinc -pw ${PASSWORD} alice`);
    mit.kadmin(`addprinc -randkey ${MIT_SERVICE}`);
    mit.kadmin(`ktadd -k ${ktPath} ${MIT_SERVICE}`);
    const mitKeytab = readKeytab(new Uint8Array(readFileSync(ktPath)));
    const only20 = mit.clientConfig('only20', { enctypes: [20] });
    const mbase = { client: 'alice', realm: MIT_REALM, password: PASSWORD, service: MIT_SERVICE, keytab: mitKeytab, send: mit.send };
    await mitAndKeyhop(mit, 'default', mbase);
    await mitAndKeyhop(mit, 'only 20', { ...mbase, etypes: [20] }, only20);
    spawnMs = spawnBaselineMs(mit);
    console.log(`process start-up baseline (klist -V): ${ms(spawnMs)}`);
    try {
      // Session keys (and so the subkeys and MIC keys) of enctype 20: AS and TGS requests ask for it
      // only, while every enctype stays permitted for the ticket the acceptor decrypts.
      const tgs20 = join(mit.dir, 'mic20.conf');
      writeFileSync(tgs20, readFileSync(mit.krb5Conf, 'utf8').replace(/^(\s*default_(?:tgs|tkt)_enctypes\s*=).*$/gm, `$1 ${MIT_ENCTYPE_NAMES[20]}`));
      mitMics.push(mitMic(mit, 'default', mit.krb5Conf, join(mit.dir, 'mic18.ccache'), ktPath));
      mitMics.push(mitMic(mit, 'only 20', tgs20, join(mit.dir, 'mic20.ccache'), ktPath));
    } catch (err) {
      notes.push(`MIT's MIC tokens were not measured: ${(err as Error).message.split('\n')[0]}`);
      console.error((err as Error).message);
    }
    await mit.stop();
    cleanups.pop();
  } else {
    notes.push('MIT Kerberos was not measured (--skip mit).');
  }

  const m = machineInfo();
  const command = benchmarkCommand(import.meta.url);
  const text = section({ command, started, m, versions, s2k, mics, mitMics, spawnMs, load: { before: loadBefore, after: loadAverage() } });
  console.log(`\n${table()}\n\n${likeForLike()}\n\n${micTable(mics, mitMics)}\n`);
  if (WRITE) publishBenchmarkSection(SECTION, text);
}

interface SectionInput {
  command: string;
  started: Date;
  m: ReturnType<typeof machineInfo>;
  versions: { mit?: string; chromium?: string };
  s2k: Record<number, number>;
  mics: MicResult[];
  mitMics: MitMicResult[];
  spawnMs: number;
  load: { before: string; after: string };
}

function section(s: SectionInput): string {
  const kn = find('Keyhop, Node', 'Keyhop (KKDCP)', 'default');
  const kn20 = find('Keyhop, Node', 'Keyhop (KKDCP)', 'only 20');
  const kc = find('Keyhop, Chromium page', 'Keyhop (KKDCP)', 'default');
  const kc20 = find('Keyhop, Chromium page', 'Keyhop (KKDCP)', 'only 20');
  const lines: string[] = [];
  lines.push(`## ${SECTION}`);
  lines.push('');
  lines.push(producedBy(s.command, s.started));
  lines.push('');
  lines.push(
    `A sign-in is what the softphone and the proxy do between them: the AS exchange for \`alice\` with
encrypted-timestamp pre-authentication (the password is turned into a key with PBKDF2 — 4096
iterations of HMAC-SHA1 for enctypes 17/18, 32768 of HMAC-SHA256/384 for 19/20, done in pure
TypeScript by \`@noble/hashes\`), the TGS exchange for the SIP proxy's service ticket, the AP-REQ in a GSS
initial context token, its validation by the acceptor with the service keytab (including the replay
cache), and the initiator's check of the AP-REP. Keyhop's KDC is the embedded one, reached over
MS-KKDCP (\`POST /KdcProxy\` on loopback HTTP) as the browser reaches it, and, for comparison, over TCP
directly; it runs in the same Node process as the Node client, so the Node figures include the KDC's
work. Against MIT the Node client speaks TCP to \`krb5kdc\` directly. Each configuration runs
${Math.max(WARMUP, 1)} warm-up sign-ins, then ${RUNS} timed ones one after another; the figures are wall time
(\`performance.now()\`), median and 90th percentile. "Only 20" offers just
aes256-cts-hmac-sha384-192 in both requests (and configures MIT's tools the same way); "default"
is each client's own list, which for both begins with enctype 18 (aes256-cts-hmac-sha1-96).
In Chromium the same code is bundled with esbuild and injected into a page of Keyhop's origin, so the
KKDCP requests are same-origin \`fetch\` calls; the acceptor step runs in the page too, to keep the
steps identical (in production it runs in the proxy). MIT's figures are the \`kinit\` (password on stdin)
and \`kvno\` command-line tools as child processes against an MIT KDC in a throw-away realm; they
include two process start-ups, library initialisation, reading the configuration and writing the
credential cache (starting \`klist -V\`, which does nothing, takes ${ms(s.spawnMs)} here).`,
  );
  lines.push('');
  lines.push(
    `Machine: ${describeMachine(s.m)}.
Node ${s.m.node}; MIT Kerberos ${s.versions.mit ?? 'not measured'} (Debian krb5-kdc); Chromium ${s.versions.chromium ?? 'not measured'}.
KDCs, clients and the browser share these CPUs (load average ${s.load.before} before the run, ${s.load.after} after);
anything else running on the machine shifts the figures, so compare ratios from the same run. MIT's tools and Keyhop's
client against MIT's KDC alternate run by run, so that pair sees the same background load. With other work on the
machine (a load average above the CPU count), sign-in medians moved by up to about ±30 % between consecutive runs
here, and MIC medians by up to a factor of two.`,
  );
  lines.push('');
  lines.push('Sign-in, wall time per sign-in:');
  lines.push('');
  lines.push(table());
  lines.push('');
  lines.push('Like for like with what `kinit` + `kvno` do (AS + TGS only, same MIT KDC, same enctypes):');
  lines.push('');
  lines.push(likeForLike());
  lines.push('');
  const s2kLine = `String-to-key alone in Node (pure TypeScript PBKDF2, median): enctype 18 ${ms(s.s2k[18] ?? NaN)}, enctype 20 ${ms(s.s2k[20] ?? NaN)}.`;
  const share = kn && kn20 ? ` That is ${Math.round((100 * (s.s2k[18] ?? NaN)) / median(kn.samples))} % of the default Node sign-in and ${Math.round((100 * (s.s2k[20] ?? NaN)) / median(kn20.samples))} % of the enctype-20 one.` : '';
  const chromeLine = kc && kn ? ` In Chromium the default sign-in takes ${ratio(median(kc.samples), median(kn.samples))} the Node time${kc20 && kn20 ? `, the enctype-20 one ${ratio(median(kc20.samples), median(kn20.samples))}` : ''}.` : '';
  lines.push(`${s2kLine}${share}${chromeLine}`);
  const mitD = find('MIT `kinit` + `kvno`', 'MIT (TCP)', 'default');
  const mit20 = find('MIT `kinit` + `kvno`', 'MIT (TCP)', 'only 20');
  if (mitD?.phases && mit20?.phases && Number.isFinite(s.spawnMs)) {
    const kinit18 = Math.max(0, mitD.phases.as - s.spawnMs);
    const kinit20 = Math.max(0, mit20.phases.as - s.spawnMs);
    lines.push('');
    lines.push(
      `AS exchange: MIT's whole \`kinit\`, less a process start-up, takes about ${ms(kinit18)} (enctype 18) and ${ms(kinit20)}
(enctype 20) with its native PBKDF2; Keyhop's pure-TypeScript PBKDF2 alone takes ${ms(s.s2k[18] ?? NaN)} and ${ms(s.s2k[20] ?? NaN)}.${
        (s.s2k[20] ?? 0) > kinit20 ? `\nWith enctype 20 the string-to-key alone takes ${ratio(s.s2k[20] ?? NaN, kinit20)} MIT's whole \`kinit\`: that is where Keyhop loses most.` : ''
      }
TGS exchange: Keyhop's client takes ${ms(find('Keyhop, Node', 'MIT (TCP)', 'default')?.phases?.tgs ?? NaN)} against MIT's KDC, where \`kvno\` less a process start-up takes
about ${ms(Math.max(0, mitD.phases.tgs - s.spawnMs))}. The KKDCP hop (an HTTP POST per KDC message) costs the difference between the
"Keyhop (KKDCP)" and "Keyhop (TCP)" rows.`,
    );
  }
  lines.push('');
  lines.push(
    `MIC tokens (RFC 4121 GetMIC on the initiator, VerifyMIC on the acceptor) over a ${s.mics[0]?.bytes ?? 250}-byte MS-SIPAE
signature buffer, with the acceptor subkey of a context; median of ${MIC_BATCHES} batches of ${MIC_BATCH} pairs after
${MIC_BATCH} warm-up pairs. Keyhop: \`micSigner\` in Node over a context made above. MIT: \`gss_get_mic\` and
\`gss_verify_mic\` of MIT's libgssapi_krb5 through python-gssapi's raw bindings
(\`gssapi.raw.get_mic\`/\`verify_mic\`) on an initiator and an acceptor context in one Python process against the
MIT KDC (service keytab from \`kadmin ktadd\`); its figures include Python's call overhead, at least ${s.mitMics.length ? us(Math.max(...s.mitMics.map((x) => x.callUs))) : 'n/a'} per call
(a trivial method call timed the same way), so MIT's library alone is somewhat faster. The key's enctype is read off
the MIC token's length. "Fastest batch" is the least disturbed of the batches.`,
  );
  lines.push('');
  lines.push(micTable(s.mics, s.mitMics));
  lines.push('');
  lines.push(
    `Each SIP message costs one GetMIC (sending) or one VerifyMIC (receiving). Against the 20 µs-per-message aim in Node: ${s.mics
      .map((x) => `enctype ${x.enctype} ${Math.max(x.getUs, x.verifyUs) < 20 ? 'meets it' : 'misses it'} (${us(x.getUs)} / ${us(x.verifyUs)})`)
      .join('; ')}.`,
  );
  lines.push('');
  lines.push(
    `Not measured: MIT's own AP-REQ/AP-REP in the sign-in comparison (\`kvno\` stops at the service ticket); MIC tokens
in Chromium; the browser's time to load and start the app.${notes.length ? ` ${notes.join(' ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

runBenchmark('bench/krb.ts', main, cleanups, 600_000);
