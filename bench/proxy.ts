/**
 * Proxy call-rate benchmark: Keyhop's proxy A against Kamailio in the same role.
 *
 *   npx tsx bench/proxy.ts [--proxies keyhop,kamailio] [--step-seconds 10] [--start-rate 100]
 *                          [--max-rate 12800] [--bisect 3] [--budget-seconds 210] [--no-write]
 *
 * SIPp UAC → proxy → SIPp UAS over TCP on loopback (INVITE/100/180/200/ACK/BYE/200; the UAC's
 * address is a trusted peer, so there is no authentication). For each proxy the call rate is
 * doubled step by step, each step placing rate × step-seconds calls, until a step has a failed
 * or unanswered call or SIPp cannot keep the rate; the gap to the last clean rate is then
 * bisected a few times (--budget-seconds bounds this search per proxy). Then each proxy is started
 * afresh and given one step at half the lower of the maxima, for memory: RSS from /proc/<pid>/status,
 * summed over all of Kamailio's processes, with PSS alongside. Reported: the highest rate with zero
 * failures, CPU per call, and memory under equal load.
 * Results and the machine description go to docs/benchmarks.md unless --no-write.
 * BENCH_VERBOSE=1 prints SIPp's counters for failing steps; BENCH_KEEP=1 keeps Keyhop's data and log.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureKamailio, kamailioVersion, startKamailio } from '../test/support/kamailio.js';
import type { KamailioInstance } from '../test/support/kamailio.js';
import {
  UAC_TCP_SCENARIO,
  UAS_TCP_SCENARIO,
  describeSippResult,
  ensureSipp,
  freePort,
  sippVersion,
  sleep,
  startSipp,
  waitForTcpListen,
} from '../test/support/sipp.js';
import type { SippProcess, SippResult } from '../test/support/sipp.js';
import { MemorySampler, cpuMs, describeMachine, loadAverage, machineInfo, measuredPids, mib, runBenchmark, treeMemory } from './proc.js';
import type { Cleanup, ProcessFilter, TreeMemory } from './proc.js';
import { benchmarkCommand, producedBy, publishBenchmarkSection, REPO_ROOT } from './benchmarks-doc.js';
import { startKeyhopChild as startChild } from './keyhop-child.js';

const HOST = '127.0.0.1';
const SECTION = 'Proxy call rate: Keyhop vs Kamailio';

// ───────────────────────────── options ─────────────────────────────

const { values: opts } = parseArgs({
  options: {
    proxies: { type: 'string', default: 'keyhop,kamailio' },
    'step-seconds': { type: 'string', default: '10' },
    'start-rate': { type: 'string', default: '100' },
    'max-rate': { type: 'string', default: '12800' },
    bisect: { type: 'string', default: '3' },
    'budget-seconds': { type: 'string', default: '210' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

function positive(name: string, value: string | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}], got ${value}`);
  return n;
}

const STEP_SECONDS = positive('step-seconds', opts['step-seconds'], 1, 60);
const START_RATE = positive('start-rate', opts['start-rate'], 1, 100_000);
const MAX_RATE = positive('max-rate', opts['max-rate'], 1, 100_000);
const BISECT = positive('bisect', opts.bisect, 0, 10);
const BUDGET_MS = positive('budget-seconds', opts['budget-seconds'], 10, 600) * 1000;
const WRITE = !opts['no-write'];
/** A step only counts if SIPp created calls at least this close to the target rate. */
const RATE_TOLERANCE = 0.9;
/** An awaited response that takes longer than this fails the call. */
const RECV_TIMEOUT_MS = 5_000;
const PAUSE_BETWEEN_STEPS_MS = 2_000;
/** The memory run uses this share of the lower of the proxies' maximum rates, well inside both. */
const COMMON_RATE_SHARE = 0.5;

// ───────────────────────────── proxies ─────────────────────────────

interface RunningProxy {
  name: string;
  host: string;
  port: number;
  /** Root of the proxy's process tree (memory and CPU are summed over the tree). */
  pid: number;
  /** Which processes of the tree are the proxy. */
  include: ProcessFilter;
  alive(): boolean;
  describe(): string;
  stop(): Promise<void>;
}

interface ProxyKind {
  name: string;
  available(): string | undefined;
  start(): Promise<RunningProxy>;
}

const cleanups = new Set<Cleanup>();

async function startKeyhopChild(): Promise<RunningProxy> {
  const child = await startChild<{ host: string; port: number }>('keyhop-proxy.ts', [String(Math.ceil(BUDGET_MS / 1000) + 120)], 'keyhop-bench');
  const { pid, ready, stop } = child;
  return {
    name: 'Keyhop',
    host: ready.host,
    port: ready.port,
    pid,
    // tsx keeps an esbuild service process next to Node for on-the-fly TypeScript; it is not the proxy.
    include: (_pid, cmd) => !/\besbuild\b/.test(cmd.split(' ')[0] ?? ''),
    alive: child.alive,
    describe: () => `Keyhop proxy A (Node ${process.version}, own process, pid ${pid})`,
    stop,
  };
}

async function startKamailioProxy(): Promise<RunningProxy> {
  // 256 MB of shared memory so that transactions lingering in tm's wait timer never run out.
  const k: KamailioInstance = await startKamailio({ host: HOST, children: 2, shmMb: 256, pkgMb: 8, logLevel: 1 });
  return {
    name: 'Kamailio',
    host: k.host,
    port: k.port,
    pid: k.pid,
    include: () => true,
    alive: k.alive,
    describe: () => `Kamailio (${k.pids().length} processes, children=2, tcp_children=2, -m 256 -M 8)`,
    stop: () => k.stop(),
  };
}

const KINDS: Record<string, ProxyKind> = {
  kamailio: {
    name: 'Kamailio',
    available: () => {
      try {
        ensureKamailio();
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
    start: startKamailioProxy,
  },
  keyhop: {
    name: 'Keyhop',
    available: () => (existsSync(join(REPO_ROOT, 'src', 'server', 'keyhop.ts')) ? undefined : 'src/server/keyhop.ts does not exist yet'),
    start: startKeyhopChild,
  },
};

// ───────────────────────────── one load step ─────────────────────────────

interface StepResult {
  rate: number;
  calls: number;
  pass: boolean;
  reason: string;
  uacOk: number;
  uacFailed: number;
  uasOk: number;
  uasFailed: number;
  /** Calls per second SIPp actually created. */
  achievedRate: number;
  /** Mean INVITE → 200 time seen by the UAC, ms. */
  setupMs: number;
  /** CPU time (user + system) the proxy used during the step, per call, ms. */
  cpuMsPerCall: number;
  durationMs: number;
  peak: TreeMemory;
}

/** SIPp prints durations as HH:MM:SS:micro. */
function sippDurationMs(text: string | undefined): number {
  const m = /^(\d+):(\d+):(\d+):(\d+)$/.exec((text ?? '').trim());
  if (!m) return NaN;
  return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 + Number(m[4]) / 1000;
}

async function runStep(proxy: RunningProxy, rate: number): Promise<StepResult> {
  const calls = Math.max(1, Math.round(rate * STEP_SECONDS));
  const dir = mkdtempSync(join(tmpdir(), `keyhop-bench-step-${rate}-`));
  const uasPort = await freePort(HOST);
  let uas: SippProcess | undefined;
  const sampler = new MemorySampler(proxy.pid, 500, proxy.include);
  try {
    uas = await startSipp({
      scenario: UAS_TCP_SCENARIO,
      label: 'uas',
      localHost: HOST,
      localPort: uasPort,
      timeoutMs: STEP_SECONDS * 3_000 + 60_000,
      recvTimeoutMs: RECV_TIMEOUT_MS * 2,
      workDir: dir,
    });
    await waitForTcpListen(HOST, uasPort, 10_000, uas.alive);
    sampler.start();
    const cpuBefore = cpuMs(measuredPids(proxy.pid, proxy.include));
    const uacProc = await startSipp({
      scenario: UAC_TCP_SCENARIO,
      label: 'uac',
      localHost: HOST,
      remote: `${HOST}:${uasPort}`,
      sendTo: `${proxy.host}:${proxy.port}`,
      service: 'service',
      calls,
      rate,
      limit: Math.max(100, Math.ceil(rate)),
      recvTimeoutMs: RECV_TIMEOUT_MS,
      timeoutMs: STEP_SECONDS * 3_000 + 20_000,
      workDir: dir,
    });
    const stopUac = async (): Promise<void> => void (await uacProc.stop(2_000));
    cleanups.add(stopUac);
    const uac: SippResult = await uacProc.result;
    cleanups.delete(stopUac);
    const cpuUsed = cpuMs(measuredPids(proxy.pid, proxy.include)) - cpuBefore;
    const uasResult = await uas.stop(5_000);
    const peak = sampler.stop();

    const s = uac.stats;
    const achievedRate = s.callRate;
    const setupMs = sippDurationMs(s.columns['ResponseTimesetup(C)']);
    const reasons: string[] = [];
    if (uac.killed) reasons.push('UAC had to be killed');
    if (s.successful !== calls) reasons.push(`UAC completed ${s.successful}/${calls}`);
    if (s.failed > 0) reasons.push(`UAC failed ${s.failed} (recv timeout ${s.failedTimeoutOnRecv}, unexpected ${s.failedUnexpectedMessage}, tcp ${s.failedTcpClosed + s.failedTcpConnect})`);
    if (uasResult.stats.failed > 0) reasons.push(`UAS failed ${uasResult.stats.failed}`);
    if (uasResult.stats.successful !== calls) reasons.push(`UAS completed ${uasResult.stats.successful}/${calls}`);
    if (achievedRate < rate * RATE_TOLERANCE) reasons.push(`SIPp reached only ${achievedRate.toFixed(0)} calls/s`);
    if (!proxy.alive()) reasons.push('proxy died');
    const pass = reasons.length === 0;
    if (!pass && process.env.BENCH_VERBOSE) {
      console.error(describeSippResult(uac));
      console.error(describeSippResult(uasResult));
    }
    return {
      rate,
      calls,
      pass,
      reason: pass ? 'ok' : reasons.join('; '),
      uacOk: s.successful,
      uacFailed: s.failed,
      uasOk: uasResult.stats.successful,
      uasFailed: uasResult.stats.failed,
      achievedRate,
      setupMs,
      cpuMsPerCall: cpuUsed / calls,
      durationMs: uac.durationMs,
      peak,
    };
  } finally {
    sampler.stop();
    if (uas?.alive()) await uas.stop(2_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ───────────────────────────── search ─────────────────────────────

interface ProxyResult {
  name: string;
  description: string;
  skipped?: string;
  error?: string;
  maxRate: number;
  best?: StepResult;
  idle?: TreeMemory;
  steps: StepResult[];
  elapsedMs: number;
  /** One step on a freshly started proxy at the rate common to all proxies, for memory. */
  memory?: { rate: number; idle: TreeMemory; step: StepResult; error?: string };
}

function round(rate: number): number {
  if (rate >= 1000) return Math.round(rate / 50) * 50;
  if (rate >= 100) return Math.round(rate / 10) * 10;
  return Math.max(1, Math.round(rate));
}

function fmtStep(s: StepResult): string {
  const setup = Number.isFinite(s.setupMs) ? `${s.setupMs.toFixed(1)} ms` : '-';
  return `${String(s.rate).padStart(6)} calls/s × ${STEP_SECONDS}s: ${s.pass ? 'PASS' : 'FAIL'}  achieved ${s.achievedRate.toFixed(0)}/s, setup ${setup}, proxy CPU ${s.cpuMsPerCall.toFixed(3)} ms/call, RSS peak ${mib(s.peak.rssKb)}${s.pass ? '' : ` — ${s.reason}`}`;
}

async function measure(kind: ProxyKind): Promise<ProxyResult> {
  const result: ProxyResult = { name: kind.name, description: kind.name, maxRate: 0, steps: [], elapsedMs: 0 };
  const why = kind.available();
  if (why) {
    result.skipped = why;
    console.log(`\n## ${kind.name}: skipped (${why})`);
    return result;
  }
  const started = Date.now();
  const proxy = await kind.start();
  const stopProxy = (): Promise<void> => proxy.stop();
  cleanups.add(stopProxy);
  result.description = proxy.describe();
  console.log(`\n## ${result.description} on ${proxy.host}:${proxy.port}`);
  try {
    await sleep(1_000);
    result.idle = treeMemory(proxy.pid, proxy.include);
    console.log(`idle: RSS ${mib(result.idle.rssKb)}, PSS ${mib(result.idle.pssKb)} over ${result.idle.pids.length} process(es)`);

    const stepCostMs = STEP_SECONDS * 1000 + RECV_TIMEOUT_MS + PAUSE_BETWEEN_STEPS_MS + 2_000;
    const haveTime = (): boolean => Date.now() - started + stepCostMs <= BUDGET_MS;
    const step = async (rate: number): Promise<StepResult> => {
      const s = await runStep(proxy, rate);
      result.steps.push(s);
      console.log(fmtStep(s));
      if (s.pass && s.rate > result.maxRate) {
        result.maxRate = s.rate;
        result.best = s;
      }
      await sleep(PAUSE_BETWEEN_STEPS_MS);
      return s;
    };

    let lastPass = 0;
    let firstFail: number | undefined;
    // Ramp: double until something fails (or the ceiling / time budget is reached).
    for (let rate = round(START_RATE); rate <= MAX_RATE && haveTime() && proxy.alive(); rate = round(rate * 2)) {
      const s = await step(rate);
      if (s.pass) lastPass = rate;
      else {
        firstFail = rate;
        break;
      }
    }
    // Nothing passed at the start rate: walk down.
    while (lastPass === 0 && firstFail !== undefined && firstFail > 1 && haveTime() && proxy.alive()) {
      const rate = round(firstFail / 2);
      if (rate >= firstFail) break;
      const s = await step(rate);
      if (s.pass) lastPass = rate;
      else firstFail = rate;
    }
    // Bisect between the last clean rate and the first failing one.
    for (let i = 0; i < BISECT && lastPass > 0 && firstFail !== undefined && haveTime() && proxy.alive(); i++) {
      const mid = round((lastPass + firstFail) / 2);
      if (mid <= lastPass || mid >= firstFail || firstFail - lastPass <= Math.max(10, lastPass * 0.05)) break;
      const s = await step(mid);
      if (s.pass) lastPass = mid;
      else firstFail = mid;
    }
    if (!proxy.alive()) result.error = 'the proxy process exited during the run';
  } catch (err) {
    result.error = (err as Error).message;
    console.error(`${kind.name}: ${result.error}`);
  } finally {
    await proxy.stop();
    cleanups.delete(stopProxy);
    result.elapsedMs = Date.now() - started;
  }
  return result;
}

/**
 * Memory under equal load: a fresh proxy, one step at `rate`. The search above runs steps
 * back to back, and state a proxy keeps for a while after each call (transactions waiting
 * out their timers) would otherwise carry over from step to step.
 */
async function measureMemory(kind: ProxyKind, result: ProxyResult, rate: number): Promise<void> {
  const proxy = await kind.start();
  const stopProxy = (): Promise<void> => proxy.stop();
  cleanups.add(stopProxy);
  try {
    await sleep(1_000);
    const idle = treeMemory(proxy.pid, proxy.include);
    const step = await runStep(proxy, rate);
    result.memory = { rate, idle, step };
    if (!step.pass) result.memory.error = step.reason;
    console.log(`${kind.name} fresh, idle RSS ${mib(idle.rssKb)} PSS ${mib(idle.pssKb)}; ${fmtStep(step)}, PSS peak ${mib(step.peak.pssKb)}`);
  } finally {
    await proxy.stop();
    cleanups.delete(stopProxy);
  }
}

// ───────────────────────────── report ─────────────────────────────

function ratio(a: number | undefined, b: number | undefined): string {
  if (!a || !b) return '-';
  return `${(a / b).toFixed(2)}×`;
}

function resultsTable(results: ProxyResult[]): string {
  const kam = results.find((r) => r.name === 'Kamailio');
  const rows = [
    '| Proxy | Max call rate with 0 failures (calls/s) | Rate vs Kamailio | Mean call setup at that rate | Proxy CPU per call at that rate |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    if (r.skipped || (!r.best && r.error)) {
      rows.push(`| ${r.name} | not measured: ${r.skipped ?? r.error} | | | |`);
      continue;
    }
    const b = r.best;
    rows.push(
      `| ${[
        r.name,
        `${r.maxRate || 'none'}${r.steps.some((s) => !s.pass) ? '' : ' (no step failed: the search stopped at the ceiling or time budget)'}${r.error ? ` (${r.error})` : ''}`,
        r === kam ? '1.00×' : ratio(r.maxRate, kam?.maxRate),
        b && Number.isFinite(b.setupMs) ? `${b.setupMs.toFixed(1)} ms` : '-',
        b ? `${b.cpuMsPerCall.toFixed(3)} ms` : '-',
      ].join(' | ')} |`,
    );
  }
  return rows.join('\n');
}

function memoryTable(results: ProxyResult[]): string {
  const measured = results.filter((r) => r.memory);
  if (measured.length === 0) return '';
  const kam = measured.find((r) => r.name === 'Kamailio')?.memory;
  const rows = [
    '| Proxy | Processes | Load (calls/s × s) | Achieved (calls/s) | Calls failed or unfinished | RSS idle | RSS peak under load | RSS vs Kamailio | PSS idle | PSS peak under load | PSS vs Kamailio |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of measured) {
    const m = r.memory!;
    const isKam = m === kam;
    rows.push(
      `| ${[
        r.name,
        String(m.step.peak.pids.length || m.idle.pids.length),
        `${m.rate} × ${STEP_SECONDS}`,
        m.step.achievedRate.toFixed(0),
        String(Math.max(0, m.step.calls - m.step.uacOk) + m.step.uasFailed),
        mib(m.idle.rssKb),
        mib(m.step.peak.rssKb),
        isKam ? '1.00×' : ratio(m.step.peak.rssKb, kam?.step.peak.rssKb),
        mib(m.idle.pssKb),
        mib(m.step.peak.pssKb),
        isKam ? '1.00×' : ratio(m.step.peak.pssKb, kam?.step.peak.pssKb),
      ].join(' | ')} |`,
    );
  }
  return rows.join('\n');
}

function stepsTable(results: ProxyResult[]): string {
  const rows = ['| Proxy | Target rate (calls/s) | Calls | Result | Achieved (calls/s) | Mean setup | Proxy CPU per call | RSS peak | Note |', '|---|---:|---:|---|---:|---:|---:|---:|---|'];
  for (const r of results) {
    for (const s of r.steps) {
      const setup = Number.isFinite(s.setupMs) ? `${s.setupMs.toFixed(1)} ms` : '-';
      rows.push(`| ${r.name} | ${s.rate} | ${s.calls} | ${s.pass ? 'pass' : 'fail'} | ${s.achievedRate.toFixed(0)} | ${setup} | ${s.cpuMsPerCall.toFixed(3)} ms | ${mib(s.peak.rssKb)} | ${s.pass ? '' : s.reason.replace(/\|/g, '/')} |`);
    }
  }
  return rows.join('\n');
}

/** Says whether failing steps lost calls or only fell behind the target rate. */
function failureSummary(results: ProxyResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const failed = r.steps.filter((s) => !s.pass);
    if (failed.length === 0) continue;
    const lost = failed.filter((s) => s.uacFailed > 0 || s.uasFailed > 0 || s.uacOk !== s.calls);
    lines.push(
      lost.length === 0
        ? `${r.name}: every call completed in every step; the failing steps only fell behind the target rate (the CPUs were saturated).`
        : `${r.name}: ${lost.length} of ${failed.length} failing step(s) lost or failed calls (see Note below).`,
    );
  }
  return lines.join('\n');
}

function section(results: ProxyResult[], command: string, versions: { sipp: string; kamailio?: string }, load: { before: string; after: string }): string {
  const m = machineInfo();
  return `## ${SECTION}

${producedBy(command, new Date())}

SIPp UAC → proxy → SIPp UAS over TCP on loopback: INVITE, 100 Trying, 180, 200, ACK, BYE, 200, with
no media and no authentication (SIPp's address is configured as a trusted peer of the proxy; Kamailio
runs a minimal transaction-stateful, record-routing config that relays to the Request-URI). Each SIPp
instance uses a single TCP connection (\`-t t1\`). For each proxy the call rate starts at
${round(START_RATE)} calls/s and doubles; each step places rate × ${STEP_SECONDS} calls. A step passes when
every call completes at both UAC and UAS with no failure, no response takes longer than
${RECV_TIMEOUT_MS / 1000} s, and SIPp creates calls at ≥ ${Math.round(RATE_TOLERANCE * 100)} % of the target rate. After the first failing step the
gap to the last passing rate is bisected (up to ${BISECT} times). Memory is sampled every 0.5 s from
\`/proc\`: RSS is \`VmRSS\` summed over the proxy's processes (Kamailio forks workers that share memory,
so its RSS sum counts shared pages several times; PSS splits them and is the fairer total). "Proxy CPU
per call" is the user + system CPU time the proxy's processes used during the step divided by its calls.
Keyhop runs in a Node process of its own (\`node --import tsx bench/keyhop-proxy.ts\`, log level warn);
its figures include the in-process TypeScript loader but not tsx's separate esbuild helper process.

Machine: ${describeMachine(m)}.
Node ${m.node}; ${versions.kamailio ? versions.kamailio.replace(/^kamailio\b/i, 'Kamailio') : 'Kamailio not measured'}; ${versions.sipp.replace(/\.+$/, '')}.
The SIPp UAC, the SIPp UAS and the proxy share these CPUs, so the numbers are for the whole
loopback setup, not for the proxy alone on dedicated cores; anything else running on the machine
shifts them too (load average ${load.before} before the run, ${load.after} after). Between runs the maximum
rates moved by up to about ±25 % here; compare ratios from the same run. CPU per call is the steadier
measure of the proxy's own cost.

Highest call rate with zero failures:

${resultsTable(results)}

Memory: each proxy freshly started, then one ${STEP_SECONDS} s step at the same rate for all
(${Math.round(COMMON_RATE_SHARE * 100)} % of the lower maximum above, well inside what every proxy handles):

${memoryTable(results)}

${failureSummary(results)}

All steps of the search (memory here accumulates over the run; see the table above for memory):

${stepsTable(results)}
`;
}


// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  ensureSipp();
  const names = (opts.proxies ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const n of names) if (!KINDS[n]) throw new Error(`unknown proxy "${n}" (known: ${Object.keys(KINDS).join(', ')})`);
  // Report Keyhop first, then the reference.
  const order = ['keyhop', 'kamailio'].filter((n) => names.includes(n));
  const versions: { sipp: string; kamailio?: string } = { sipp: sippVersion() };
  if (order.includes('kamailio') && !KINDS.kamailio!.available()) versions.kamailio = kamailioVersion();

  const loadBefore = loadAverage();
  console.log(`load average: ${loadBefore}`);
  const results: ProxyResult[] = [];
  for (const n of order) results.push(await measure(KINDS[n]!));

  const maxima = results.filter((r) => r.maxRate > 0).map((r) => r.maxRate);
  if (maxima.length > 0) {
    const common = round(Math.min(...maxima) * COMMON_RATE_SHARE);
    console.log(`\n## Memory at ${common} calls/s on fresh proxies`);
    for (const [i, n] of order.entries()) {
      const r = results[i]!;
      if (r.maxRate <= 0) continue;
      try {
        await measureMemory(KINDS[n]!, r, common);
      } catch (err) {
        console.error(`${r.name}: memory run failed: ${(err as Error).message}`);
      }
      await sleep(PAUSE_BETWEEN_STEPS_MS);
    }
  }

  const command = benchmarkCommand(import.meta.url);
  const text = section(results, command, versions, { before: loadBefore, after: loadAverage() });
  console.log(`\n${resultsTable(results)}\n\n${memoryTable(results)}\n`);
  if (WRITE) publishBenchmarkSection(SECTION, text);
}

runBenchmark('bench/proxy.ts', main, cleanups);
