/**
 * SDP envelope benchmark (seed 003): seal and open per second for 1, 2 and 4 readers, Keyhop in
 * Node and in Chromium, beside `openssl cms` doing the same work in the same run.
 *
 *   npx tsx bench/envelope.ts [--warmup 20] [--batches 5] [--batch 40] [--openssl-runs 20]
 *                             [--skip chromium,openssl] [--no-write]
 *
 * The work (bench/envelope-flow.ts): seal = sign the SDP (ECDSA P-256, SHA-256, signed readers list
 * and Call-ID) and envelope it for the readers (AES-256-GCM, one ephemeral-static ECDH P-256 +
 * AES-256 key wrap per reader); open = unwrap as the callee, decrypt, verify the signature and the
 * signer's certificate against the CA. OpenSSL does the same with `cms -sign | cms -encrypt
 * -aes-256-gcm` (KDF SHA-256, like Keyhop) and `cms -decrypt | cms -verify -CAfile`. The OpenSSL
 * command line does one operation per process, so each OpenSSL figure includes two process starts;
 * the start of `openssl version` is measured too and the figures without it are shown beside.
 * Results and the machine description go to docs/benchmarks.md unless --no-write.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCsr, importIdentityKeys, issueUserCertificate, toPem } from '../src/envelope/index.js';
import { makeCa, makeProxy, SAMPLE_SDP, type TestCa } from '../src/envelope/test-support.js';
import { launchChromium } from '../e2e/support/chromium.js';
import { benchmarkCommand, median, publishBenchmarkSection, REPO_ROOT } from './benchmarks-doc.js';
import { envelopeOps, runEnvelopeBench, type EnvelopeBenchParams, type EnvelopeBenchResult } from './envelope-flow.js';
import { bundlePage } from './page-bundle.js';
import { describeMachine, integerOption, loadAverage, machineInfo, runBenchmark } from './proc.js';

const SECTION = 'SDP envelopes: seal and open, Keyhop vs OpenSSL';
const OPENSSL = process.env.KEYHOP_OPENSSL ?? 'openssl';
/** Any single OpenSSL process is killed after this long. */
const CHILD_TIMEOUT_MS = 30_000;
const READER_COUNTS = [1, 2, 4];

const { values: opts } = parseArgs({
  options: {
    warmup: { type: 'string', default: '20' },
    batches: { type: 'string', default: '5' },
    batch: { type: 'string', default: '40' },
    'openssl-runs': { type: 'string', default: '20' },
    skip: { type: 'string', default: '' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

const WARMUP = integerOption('warmup', opts.warmup, 0, 1000);
const BATCHES = integerOption('batches', opts.batches, 3, 100);
const BATCH = integerOption('batch', opts.batch, 5, 10_000);
const OPENSSL_RUNS = integerOption('openssl-runs', opts['openssl-runs'], 3, 1000);
const SKIP = new Set((opts.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const WRITE = !opts['no-write'];

const rate = (perSec: number) => (Number.isFinite(perSec) ? perSec.toFixed(perSec >= 100 ? 0 : 1) : '—');
const ms = (v: number) => `${v.toFixed(2)} ms`;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

// ───────────────────────────── parties ─────────────────────────────

interface User {
  aor: string;
  pkcs8: Uint8Array;
  cert: Uint8Array;
}

async function makeUser(ca: TestCa, aor: string): Promise<User> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const keys = await importIdentityKeys(pkcs8);
  const cert = await issueUserCertificate({ csr: await createCsr({ aor, keys }), aor, ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 3600 });
  return { aor, pkcs8, cert };
}

// ───────────────────────────── Chromium ─────────────────────────────

async function inChromium(params: EnvelopeBenchParams): Promise<{ version: string; results: EnvelopeBenchResult[] }> {
  const code = await bundlePage(join(REPO_ROOT, 'bench', 'envelope-page.ts'));
  console.log(`page bundle: ${(code.length / 1024).toFixed(0)} KiB (esbuild, minified)`);
  // A blank page on a loopback origin: a secure context, so WebCrypto is there.
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>envelope bench</title>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await launchChromium();
  try {
    const version = browser.version();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.addScriptTag({ content: code });
    const results = await page.evaluate(
      (p) => (globalThis as unknown as { keyhopEnvelopeBench(p: EnvelopeBenchParams): Promise<EnvelopeBenchResult[]> }).keyhopEnvelopeBench(p),
      params,
    );
    return { version, results };
  } finally {
    await browser.close();
    server.close();
  }
}

// ───────────────────────────── OpenSSL ─────────────────────────────

interface OpensslResult {
  readers: number;
  /** Wall time per operation (two processes each), ms, one per run. */
  sealMs: number[];
  openMs: number[];
  /** CPU time (user + system) of the two processes per operation, ms, averaged over the runs. */
  sealCpuMs: number;
  openCpuMs: number;
}

/** Kernel clock ticks per second for /proc times (USER_HZ). */
const CLOCK_TICKS = 100;

/** CPU time (user + system, ms) of this process's children that have ended: cutime + cstime. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}

function run(args: string[], input: Uint8Array | string): { out: Buffer; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(OPENSSL, args, { input, maxBuffer: 1 << 24, timeout: CHILD_TIMEOUT_MS });
  const elapsed = performance.now() - t0;
  if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${r.error?.message ?? r.stderr.toString().trim()}`);
  return { out: r.stdout, ms: elapsed };
}

function opensslVersion(): string {
  return run(['version'], '').out.toString().trim();
}

function inOpenssl(dir: string, sdp: string): { results: OpensslResult[]; startMs: number; startCpuMs: number } {
  const f = (name: string) => join(dir, name);
  const starts: number[] = [];
  const cpu0 = childrenCpuMs();
  for (let i = 0; i < OPENSSL_RUNS; i++) starts.push(run(['version'], '').ms);
  const startCpuMs = (childrenCpuMs() - cpu0) / OPENSSL_RUNS;
  const results: OpensslResult[] = [];
  for (const n of READER_COUNTS) {
    const recips = ['callee', 'proxy1', 'proxy2', 'proxy3'].slice(0, n).flatMap((r) => ['-recip', f(`${r}.crt`), '-keyopt', 'ecdh_kdf_md:sha256']);
    const seal = () => {
      const signed = run(['cms', '-sign', '-binary', '-nodetach', '-md', 'sha256', '-signer', f('caller.crt'), '-inkey', f('caller.key'), '-outform', 'DER'], sdp);
      const sealed = run(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-outform', 'DER', ...recips], signed.out);
      return { der: sealed.out, ms: signed.ms + sealed.ms };
    };
    const sample = seal().der;
    const open = () => {
      const inner = run(['cms', '-decrypt', '-inform', 'DER', '-recip', f('callee.crt'), '-inkey', f('callee.key')], sample);
      const verified = run(['cms', '-verify', '-inform', 'DER', '-CAfile', f('ca.crt')], inner.out);
      if (verified.out.toString() !== sdp) throw new Error('openssl cms -verify printed another SDP');
      return inner.ms + verified.ms;
    };
    for (let i = 0; i < Math.min(WARMUP, 3); i++) {
      seal();
      open();
    }
    const sealMs: number[] = [];
    const openMs: number[] = [];
    let c = childrenCpuMs();
    for (let i = 0; i < OPENSSL_RUNS; i++) sealMs.push(seal().ms);
    const sealCpuMs = (childrenCpuMs() - c) / OPENSSL_RUNS;
    c = childrenCpuMs();
    for (let i = 0; i < OPENSSL_RUNS; i++) openMs.push(open());
    const openCpuMs = (childrenCpuMs() - c) / OPENSSL_RUNS;
    results.push({ readers: n, sealMs, openMs, sealCpuMs, openCpuMs });
  }
  return { results, startMs: median(starts), startCpuMs };
}

/** CPU time (user + system, all threads) of this Node process per operation, ms. */
async function nodeCpu(params: EnvelopeBenchParams): Promise<Array<{ readers: number; sealCpuMs: number; openCpuMs: number }>> {
  const opsFor = await envelopeOps(params);
  const out = [];
  const runs = BATCHES * BATCH;
  const per = async (op: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) await op();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / runs;
  };
  for (const n of READER_COUNTS) {
    const ops = await opsFor(n);
    out.push({ readers: n, sealCpuMs: await per(ops.seal), openCpuMs: await per(ops.open) });
  }
  return out;
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadAverage();
  const ca = await makeCa('Keyhop bench CA');
  const caller = await makeUser(ca, 'alice@a.keyhop.test');
  const callee = await makeUser(ca, 'bob@b.keyhop.test');
  const proxies = await Promise.all(['a.keyhop.test', 'b.keyhop.test', 'c.keyhop.test'].map((d) => makeProxy(ca, d)));
  const callId = 'bench-3f9a2c@a.keyhop.test';
  const params: EnvelopeBenchParams = {
    sdp: SAMPLE_SDP,
    callId,
    signer: { pkcs8: b64(caller.pkcs8), cert: b64(caller.cert) },
    callee: { pkcs8: b64(callee.pkcs8), cert: b64(callee.cert) },
    proxies: proxies.map((p) => b64(p.cert)),
    caCert: b64(ca.cert),
    readerCounts: READER_COUNTS,
    warmup: WARMUP,
    batches: BATCHES,
    batch: BATCH,
  };
  const notes: string[] = [];

  console.log('Node…');
  const node = await runEnvelopeBench(params);
  const cpu = await nodeCpu(params);

  let chromium: { version: string; results: EnvelopeBenchResult[] } | null = null;
  if (!SKIP.has('chromium')) {
    console.log('Chromium…');
    try {
      chromium = await inChromium(params);
    } catch (err) {
      notes.push(`Chromium was not measured: ${(err as Error).message.split('\n')[0]}`);
      console.error(`Chromium: ${(err as Error).message}`);
    }
  } else notes.push('Chromium was not measured (--skip chromium).');

  let openssl: { version: string; results: OpensslResult[]; startMs: number; startCpuMs: number } | null = null;
  if (!SKIP.has('openssl')) {
    console.log('OpenSSL…');
    const dir = mkdtempSync(join(tmpdir(), 'keyhop-envelope-bench-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), toPem(ca.cert, 'CERTIFICATE'));
      for (const [name, u] of [['caller', caller], ['callee', callee]] as const) {
        writeFileSync(join(dir, `${name}.crt`), toPem(u.cert, 'CERTIFICATE'));
        writeFileSync(join(dir, `${name}.key`), toPem(u.pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
      }
      proxies.forEach((p, i) => writeFileSync(join(dir, `proxy${i + 1}.crt`), toPem(p.cert, 'CERTIFICATE')));
      openssl = { version: opensslVersion(), ...inOpenssl(dir, SAMPLE_SDP) };
    } catch (err) {
      notes.push(`OpenSSL was not measured: ${(err as Error).message.split('\n')[0]}`);
      console.error(`OpenSSL: ${(err as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else notes.push('OpenSSL was not measured (--skip openssl).');

  const command = benchmarkCommand(import.meta.url);
  const text = section({ command, started, node, cpu, chromium, openssl, notes, sdpBytes: new TextEncoder().encode(SAMPLE_SDP).length, load: { before: loadBefore, after: loadAverage() } });
  console.log(`\n${text}\n`);
  if (WRITE) publishBenchmarkSection(SECTION, text);
}

interface SectionInput {
  command: string;
  started: Date;
  node: EnvelopeBenchResult[];
  cpu: Array<{ readers: number; sealCpuMs: number; openCpuMs: number }>;
  chromium: { version: string; results: EnvelopeBenchResult[] } | null;
  openssl: { version: string; results: OpensslResult[]; startMs: number; startCpuMs: number } | null;
  notes: string[];
  sdpBytes: number;
  load: { before: string; after: string };
}

function section(s: SectionInput): string {
  const m = machineInfo();
  const rates: string[] = [
    '| Readers | Sealed size | Keyhop Node seal/s | Keyhop Node open/s | Keyhop Chromium seal/s | Keyhop Chromium open/s | `openssl cms` seal/s | `openssl cms` open/s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const cpu: string[] = [
    '| Readers | Keyhop Node seal | Keyhop Node open | `openssl cms` seal (2 processes) | `openssl cms` open (2 processes) | `openssl cms` seal − 2 starts | `openssl cms` open − 2 starts |',
    '|---|---|---|---|---|---|---|',
  ];
  const net = (v: number) => (s.openssl && v - 2 * s.openssl.startCpuMs > 0 ? ms(v - 2 * s.openssl.startCpuMs) : '—');
  for (const n of READER_COUNTS) {
    const nd = s.node.find((r) => r.readers === n)!;
    const nc = s.cpu.find((r) => r.readers === n)!;
    const ch = s.chromium?.results.find((r) => r.readers === n);
    const os = s.openssl?.results.find((r) => r.readers === n);
    const perSec = (v: number[]) => rate(1000 / median(v));
    rates.push(
      `| ${n} | ${nd.sealedBytes} B | ${rate(median(nd.sealPerSec))} | ${rate(median(nd.openPerSec))} | ${ch ? rate(median(ch.sealPerSec)) : '—'} | ${ch ? rate(median(ch.openPerSec)) : '—'} | ${os ? perSec(os.sealMs) : '—'} | ${os ? perSec(os.openMs) : '—'} |`,
    );
    cpu.push(`| ${n} | ${ms(nc.sealCpuMs)} | ${ms(nc.openCpuMs)} | ${os ? ms(os.sealCpuMs) : '—'} | ${os ? ms(os.openCpuMs) : '—'} | ${os ? net(os.sealCpuMs) : '—'} | ${os ? net(os.openCpuMs) : '—'} |`);
  }
  const start = s.openssl ? ` One \`openssl version\` process (the start-up alone) takes ${ms(s.openssl.startMs)} of wall time (median) and ${ms(s.openssl.startCpuMs)} of CPU here.` : '';
  return `## ${SECTION}

Command: \`${s.command}\`, run ${s.started.toISOString().replace(/:\d\d\.\d+Z$/, '')} UTC.

What one operation is (bench/envelope-flow.ts, the same code in Node and in the Chromium page): **seal** = \`sealSdp\` of a
${s.sdpBytes}-byte WebRTC SDP by the caller: ECDSA P-256/SHA-256 signature with the signed readers list and the Call-ID, AES-256-GCM
under a fresh content key, and per reader an ephemeral-static ECDH P-256 agreement, X9.63 KDF (SHA-256) and AES-256 key wrap.
The readers are the callee, then up to three proxies. **Open** = \`openSdp\` by the callee: ECDH and unwrap, decrypt, verify the
signature, the signer's certificate against the CA, the readers list and the Call-ID. Node and Chromium use WebCrypto for the
primitives and TypeScript (\`@peculiar\` ASN.1) for the CMS structures. Keyhop rates: median over ${BATCHES} batches of ${BATCH}
operations one after another, after ${WARMUP} warm-up operations, wall time.

OpenSSL does the same work with its command-line tool: seal = \`openssl cms -sign -binary -nodetach -md sha256\` piped into
\`openssl cms -encrypt -binary -aes-256-gcm -recip … -keyopt ecdh_kdf_md:sha256\` (one \`-recip\` per reader); open =
\`openssl cms -decrypt -recip callee.crt -inkey callee.key\` piped into \`openssl cms -verify -CAfile ca.crt\`, the output
checked against the SDP; ${OPENSSL_RUNS} runs per reader count. The command line does one operation per process and has no batch mode,
so every OpenSSL operation includes two process starts (loading the library and its configuration, reading the PEM files):
the rates below are per operation *with* those starts (wall time, median). Because that is unfair to OpenSSL, the second table
compares CPU time (user + system) per operation instead, which the machine's other work disturbs less than wall time: Keyhop's from
\`process.cpuUsage()\` (all threads of the Node process, ${BATCHES * BATCH} operations), OpenSSL's from the ended children's
\`cutime + cstime\` in \`/proc/self/stat\` (10 ms ticks, averaged over the runs), and OpenSSL's minus twice the CPU of an
\`openssl version\` process, an estimate of the library's own work ("—" when the difference is within the tick resolution).${start}

Machine: ${describeMachine(m)}; Node ${m.node}; Chromium ${s.chromium?.version ?? 'not measured'};
${s.openssl?.version ?? 'OpenSSL not measured'}. Load average ${s.load.before} before the run, ${s.load.after} after: the machine was busy with
other work during the run, so the wall-time rates are low and noisy; compare the columns of one run rather than runs with each other.

Operations per second (wall time):

${rates.join('\n')}

CPU time per operation:

${cpu.join('\n')}
${s.notes.length ? `\n${s.notes.join(' ')}\n` : ''}`;
}

runBenchmark('bench/envelope.ts', main, []);
