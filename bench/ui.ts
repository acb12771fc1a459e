/**
 * The web app in Chromium: initial JavaScript, time to interactive, and call setup through both
 * Keyhop proxies against a plain JsSIP page calling through Kamailio's WebSocket module.
 *
 *   npx tsx bench/ui.ts [--loads 5] [--calls 5] [--warmup 1] [--out-dir <dir>] [--no-write]
 *
 * In one run:
 *  1. Builds the app with Vite into --out-dir (default a temp directory, removed at the end) and
 *     starts Keyhop in a child process (bench/ui-keyhop.ts) serving it.
 *  2. Cold loads: each in a fresh browser context; the JavaScript it receives before anyone signs
 *     in (gzip -9 of every script body) and its time to interactive (bench/ui-probe.ts).
 *  3. Call setup: alice@a.keyhop.test and bob@b.keyhop.test sign in through the app's form; alice
 *     fills "Call to", clicks "Call", bob's page clicks "Answer" the moment it appears; timed from
 *     the click to inbound audio packets on both pages. The same with two plain JsSIP pages
 *     (bench/ui-plain/page.ts) registered with Kamailio over WebSocket, alternating call by call.
 * Medians and 90th percentiles; results and the machine description go to docs/benchmarks.md
 * unless --no-write. Everything runs on loopback and is stopped at the end, also on error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../e2e/support/chromium.js';
import { kamailioVersion, startKamailio } from '../test/support/kamailio.js';
import { benchmarkCommand, median, p90, producedBy, publishBenchmarkSection, ratio, REPO_ROOT } from './benchmarks-doc.js';
import { startKeyhopChild } from './keyhop-child.js';
import { describeMachine, integerOption, loadAverage, machineInfo, runBenchmark, type Cleanup } from './proc.js';
import { startPlainPageServer } from './ui-plain-server.js';
import { coldLoad, gzipTotal, openBenchPhone, QUIET_MS, rawTotal, timedCall, type BenchPhone, type CallTiming, type ColdLoad, type ScriptLoad } from './ui-pages.js';

const SECTION = 'Web app: JavaScript, time to interactive and call setup';
const PLAIN_DOMAIN = 'plain.test';
/** The issue's aims: initial JavaScript under 200 kB gzip; call setup within 10 % of plain JsSIP. */
const JS_AIM = 200_000;
const SETUP_AIM = 1.1;

const { values: opts } = parseArgs({
  options: {
    loads: { type: 'string', default: '5' },
    calls: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    'out-dir': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

const LOADS = integerOption('loads', opts.loads, 1, 50);
const CALLS = integerOption('calls', opts.calls, 1, 30);
const WARMUP = integerOption('warmup', opts.warmup, 0, 5);
const WRITE = !opts['no-write'];

// ───────────────────────────── statistics and formatting ─────────────────────────────

const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');
const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

// ───────────────────────────── run ─────────────────────────────

const cleanups: Cleanup[] = [];

interface Phase {
  name: string;
  scripts: ScriptLoad[];
}

interface Results {
  loads: ColdLoad[];
  phases: Phase[];
  keyhop: CallTiming[];
  plain: CallTiming[];
  /** The uncounted first calls after sign-in: [Keyhop, plain]. */
  warmup: Array<[CallTiming, CallTiming]>;
  plainScript: { bytes: number; gzip: number };
  chromium: string;
  kamailio: string;
  notes: string[];
}

async function build(outDir: string): Promise<void> {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ root: REPO_ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

async function signedIn(browser: Browser, url: string, name: string, address: string, password: string): Promise<BenchPhone> {
  const p = await openBenchPhone(browser, url, name, '__keyhop');
  cleanups.push(() => p.phone.close());
  await p.phone.signIn(address, password);
  await p.phone.page.waitForLoadState('networkidle').catch(() => undefined);
  return p;
}

async function plainPhone(browser: Browser, pageUrl: string, wsUrl: string, user: string): Promise<BenchPhone> {
  const url = `${pageUrl}?${new URLSearchParams({ user, domain: PLAIN_DOMAIN, ws: wsUrl })}`;
  const p = await openBenchPhone(browser, url, `plain ${user}`, '__plainPhone');
  cleanups.push(() => p.phone.close());
  await p.phone.status().filter({ hasText: /Registered/ }).waitFor({ state: 'visible', timeout: 15_000 });
  return p;
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadAverage();
  const notes: string[] = [];

  let outDir = opts['out-dir'];
  if (!outDir) {
    const tmp = mkdtempSync(join(tmpdir(), 'keyhop-bench-ui-'));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    outDir = tmp;
  }
  console.log(`building the app into ${outDir}`);
  await build(outDir);

  const keyhop = await startKeyhopChild<{ httpUrl: string }>('ui-keyhop.ts', [outDir, '600'], 'keyhop-bench-ui');
  cleanups.push(() => keyhop.stop());
  const kamailio = await startKamailio({ websocket: { domain: PLAIN_DOMAIN } });
  cleanups.push(() => kamailio.stop());
  const plainServer = await startPlainPageServer();
  cleanups.push(() => plainServer.stop());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const url = keyhop.ready.httpUrl;

  // Cold loads, before anyone signs in.
  const loads: ColdLoad[] = [];
  for (let i = 0; i < LOADS; i++) {
    const l = await coldLoad(browser, url);
    loads.push(l);
    console.log(`cold load ${i + 1}: "Sign in" usable ${ms(l.signInReady)}, interactive ${ms(l.tti)}, ${l.longTasks} long task(s), ${l.scripts.length} script(s) ${kb(gzipTotal(l.scripts))} gzip`);
  }

  // Both phones signed in through the form; the plain pages register on load.
  const alice = await signedIn(browser, url, 'alice', 'alice@a.keyhop.test', 'alice-pass');
  const bob = await signedIn(browser, url, 'bob', 'bob@b.keyhop.test', 'bob-pass');
  const afterSignIn = await alice.scripts.settled();
  const plainWs = `ws://${kamailio.host}:${kamailio.port}/`;
  const plainAlice = await plainPhone(browser, plainServer.url, plainWs, 'alice');
  const plainBob = await plainPhone(browser, plainServer.url, plainWs, 'bob');

  // Calls, alternating Keyhop and plain so both see the same background load.
  const keyhopCalls: CallTiming[] = [];
  const plainCalls: CallTiming[] = [];
  const warmupCalls: Array<[CallTiming, CallTiming]> = [];
  const show = (who: string, i: number, t: CallTiming): void =>
    console.log(`${who} call ${i < WARMUP ? `warm-up ${i + 1}` : i - WARMUP + 1}: setup ${ms(t.setup)} (answer shown ${ms(t.ringing)}, audio at caller ${ms(t.callerAudio)}, at callee ${ms(t.calleeAudio)})`);
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const order: Array<'keyhop' | 'plain'> = i % 2 === 0 ? ['keyhop', 'plain'] : ['plain', 'keyhop'];
    const pair: Partial<Record<'keyhop' | 'plain', CallTiming>> = {};
    for (const who of order) {
      const t = who === 'keyhop' ? await timedCall(alice, bob, 'bob@b.keyhop.test') : await timedCall(plainAlice, plainBob, `bob@${PLAIN_DOMAIN}`);
      show(who === 'keyhop' ? 'Keyhop' : 'plain JsSIP', i, t);
      console.log(`  caller's SIP: ${JSON.stringify(Object.fromEntries(Object.entries(t.signalling).map(([k, v]) => [k, Math.round(v)])))}`);
      if (i >= WARMUP) (who === 'keyhop' ? keyhopCalls : plainCalls).push(t);
      pair[who] = t;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (i < WARMUP) warmupCalls.push([pair.keyhop!, pair.plain!]);
  }
  const afterCall = await alice.scripts.settled();
  for (const { phone: p } of [alice, bob, plainAlice, plainBob]) if (p.logs.length) notes.push(...p.logs.slice(0, 3));

  const results: Results = {
    loads,
    phases: [
      { name: 'before sign-in', scripts: loads[0]!.scripts },
      { name: 'after sign-in', scripts: afterSignIn },
      { name: 'after a call', scripts: afterCall },
    ],
    keyhop: keyhopCalls,
    plain: plainCalls,
    warmup: warmupCalls,
    plainScript: { bytes: Buffer.byteLength(plainServer.script), gzip: gzipSync(plainServer.script, { level: 9 }).length },
    chromium: browser.version(),
    kamailio: kamailioVersion(),
    notes,
  };
  const command = benchmarkCommand(import.meta.url);
  const text = section(results, { command, started, load: { before: loadBefore, after: loadAverage() } });
  console.log(`\n${text}`);
  if (WRITE) publishBenchmarkSection(SECTION, text);
}

// ───────────────────────────── report ─────────────────────────────

function chunkName(url: string): string {
  return new URL(url).pathname;
}

function section(r: Results, run: { command: string; started: Date; load: { before: string; after: string } }): string {
  const m = machineInfo();
  const busy = Number(run.load.before.split(' ')[0]) > m.cpus || Number(run.load.after.split(' ')[0]) > m.cpus;
  const initial = gzipTotal(r.phases[0]!.scripts);
  const kSetup = median(r.keyhop.map((t) => t.setup));
  const pSetup = median(r.plain.map((t) => t.setup));
  const lines: string[] = [];
  lines.push(`## ${SECTION}`, '');
  lines.push(producedBy(run.command, run.started), '');
  lines.push(
    `The app is built with Vite (production build, as \`npm run build\` makes it) and served by Keyhop from
\`http.staticDir\`; Chromium (playwright-core, Debian \`/usr/bin/chromium\`, fake audio devices) loads it over
loopback HTTP. Keyhop's server sends scripts uncompressed, so "gzip" is each script body as the browser received
it compressed with gzip level 9 (\`node:zlib\`); kB are 1000 bytes.

- **Initial JavaScript**: every script the page requests (Playwright \`response\` events of type script) from
  navigation until it is interactive and the network is idle, in a fresh browser context (empty cache), before
  anyone signs in. "After sign-in" adds what the page loads until the status reads "Registered"; "after a call"
  what it has loaded once it has placed and ended calls.
- **Time to interactive**: from navigation start to the first moment the "Sign in" button is in the document,
  visible and enabled (a MutationObserver on the whole document, installed before the page's own code) and the
  main thread has no long task (50 ms or more, Long Tasks API) for the following ${QUIET_MS} ms; i.e. the later of
  "Sign in usable" and the end of the last long task before such a quiet window. Median of ${r.loads.length} cold loads,
  each in a new browser context.
- **Call setup**: alice@a.keyhop.test and bob@b.keyhop.test signed in through the app's form (Kerberos through
  /KdcProxy, certificate at REGISTER), each in a browser context of its own. alice fills "Call to" and clicks
  "Call"; bob's page clicks "Answer" the moment it appears; the time runs from the click on "Call" (capture-phase
  listener in alice's page) to the first \`getStats()\` sample, polled every 10 ms in each page, with inbound
  audio packets > 0 on both pages. The path is browser → proxy A → proxy B → browser with Kerberos signatures,
  Route-Security, the certificate lookup and the sealed SDP. Times are wall-clock (\`performance.timeOrigin +
  performance.now()\`) so the two pages compare. Then alice hangs up and both pages return to idle.
- **Reference**: a plain JsSIP ${jssipVersion()} page (bench/ui-plain/page.ts, bundled with esbuild, no Keyhop code: one UA per
  page, same media options: audio only, no STUN or TURN) with two UAs registered with Kamailio ${r.kamailio.replace(/^kamailio\s+/i, '')} over
  WebSocket (xhttp + websocket modules, in-memory registrar, no authentication, one proxy), driven and timed by the
  same code through the same buttons. Keyhop and plain calls alternate; ${WARMUP} warm-up call(s) each are not counted.`,
    '',
  );
  lines.push(
    `Machine: ${describeMachine(m)}. Node ${m.node}; Chromium ${r.chromium}.
Keyhop, Kamailio, the browser and the driver share these CPUs (load average ${run.load.before} before the run, ${run.load.after} after).${
      busy
        ? `\n**The machine was busy with other work during this run** (load average above the CPU count): absolute times are inflated
and noisy; the Keyhop/plain ratio, measured call by call under the same load, is the figure to compare.`
        : ''
    }`,
    '',
  );

  lines.push('JavaScript loaded:', '');
  lines.push('| When | Scripts | Raw | gzip -9 | Aim |', '|---|---:|---:|---:|---|');
  for (const p of r.phases) {
    const aim = p.name === 'before sign-in' ? (gzipTotal(p.scripts) < JS_AIM ? `under ${kb(JS_AIM)}: met` : `under ${kb(JS_AIM)}: **missed**`) : '';
    lines.push(`| ${p.name} | ${p.scripts.length} | ${kb(rawTotal(p.scripts))} | ${kb(gzipTotal(p.scripts))} | ${aim} |`);
  }
  lines.push(`| plain JsSIP page (reference) | 1 | ${kb(r.plainScript.bytes)} | ${kb(r.plainScript.gzip)} | |`);
  lines.push('');
  lines.push('Chunks (the first phase in which each was loaded):', '');
  lines.push('| Chunk | Loaded | Raw | gzip -9 |', '|---|---|---:|---:|');
  const seen = new Set<string>();
  for (const p of r.phases) {
    for (const s of [...p.scripts].sort((a, b) => b.gzip - a.gzip)) {
      if (seen.has(s.url)) continue;
      seen.add(s.url);
      lines.push(`| \`${chunkName(s.url)}\` | ${p.name} | ${kb(s.bytes)} | ${kb(s.gzip)} |`);
    }
  }
  lines.push('');

  lines.push(`Cold loads (${r.loads.length}):`, '');
  lines.push('| Measure | Median | p90 | Fastest |', '|---|---:|---:|---:|');
  const ready = r.loads.map((l) => l.signInReady);
  const tti = r.loads.map((l) => l.tti);
  lines.push(`| "Sign in" usable | ${ms(median(ready))} | ${ms(p90(ready))} | ${ms(Math.min(...ready))} |`);
  lines.push(`| Time to interactive (+ ${QUIET_MS} ms without long tasks) | ${ms(median(tti))} | ${ms(p90(tti))} | ${ms(Math.min(...tti))} |`);
  lines.push(`| Long tasks per load | ${median(r.loads.map((l) => l.longTasks))} | ${p90(r.loads.map((l) => l.longTasks))} | ${Math.min(...r.loads.map((l) => l.longTasks))} |`);
  lines.push('');

  lines.push(`Call setup, click on "Call" → audio both ways (${r.keyhop.length} calls each):`, '');
  lines.push('| Phone | Path | Median | p90 | "Answer" shown (median) | Audio at caller (median) | Audio at callee (median) |', '|---|---|---:|---:|---:|---:|---:|');
  const row = (name: string, path: string, t: CallTiming[]): string =>
    `| ${name} | ${path} | ${ms(median(t.map((x) => x.setup)))} | ${ms(p90(t.map((x) => x.setup)))} | ${ms(median(t.map((x) => x.ringing)))} | ${ms(median(t.map((x) => x.callerAudio)))} | ${ms(median(t.map((x) => x.calleeAudio)))} |`;
  lines.push(row('Keyhop app', 'proxy A → proxy B', r.keyhop));
  lines.push(row('plain JsSIP', 'Kamailio (WebSocket)', r.plain));
  lines.push('');
  lines.push(
    `Where the time goes: SIP messages on the caller's and the callee's WebSockets, ms after the click (median of each
column on its own; recorded in the pages when \`WebSocket.send\` is called and when a message event arrives, i.e.
after and before the app's own processing; the certificate lookup is Keyhop's \`OPTIONS\` with
\`Accept: application/pkix-cert\`; "Answer" is clicked the moment it is shown):`,
    '',
  );
  lines.push(
    '| Phone | Lookup sent | Lookup answered | INVITE sent | INVITE at callee | "Answer" shown | 180 at caller | 200 sent by callee | 200 at caller | Audio both ways |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const step = (t: CallTiming[], k: keyof CallTiming['signalling']): string => {
    const v = t.map((x) => x.signalling[k]).filter(Number.isFinite);
    return v.length ? ms(median(v)) : '—';
  };
  for (const [name, t] of [['Keyhop app', r.keyhop], ['plain JsSIP', r.plain]] as const) {
    lines.push(
      `| ${name} | ${step(t, 'lookupSent')} | ${step(t, 'lookupAnswered')} | ${step(t, 'inviteSent')} | ${step(t, 'inviteArrived')} | ${ms(median(t.map((x) => x.ringing)))} | ${step(t, 'ringing')} | ${step(t, 'answerSent')} | ${step(t, 'answered')} | ${ms(median(t.map((x) => x.setup)))} |`,
    );
  }
  lines.push('');
  if (r.warmup.length) {
    lines.push(
      `First call after signing in (warm-up, not counted above): Keyhop ${r.warmup.map(([k]) => ms(k.setup)).join(', ')}; plain JsSIP ${r.warmup.map(([, p]) => ms(p.setup)).join(', ')}.`,
      '',
    );
  }
  lines.push(
    `Keyhop / plain, median setup: ${ratio(kSetup, pSetup)} (aim: within 10 %, i.e. at most ${SETUP_AIM.toFixed(2)}×: ${kSetup / pSetup <= SETUP_AIM ? 'met' : '**missed**'}). ` +
      `Initial JavaScript: ${kb(initial)} gzip (aim under ${kb(JS_AIM)}: ${initial < JS_AIM ? 'met' : '**missed**'}).`,
  );
  if (r.notes.length) lines.push('', `Browser console during the calls: ${r.notes.map((n) => `\`${n.replace(/`/g, "'").slice(0, 200)}\``).join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

function jssipVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'jssip', 'package.json'), 'utf8')) as { version: string }).version;
}

runBenchmark('bench/ui.ts', main, cleanups, 600_000);
