/**
 * Driving and timing pages for the UI benchmark: the JavaScript a page loads, a cold load's time
 * to interactive, and a call's setup from the "Call" click to audio on both sides. The timing
 * itself happens in the pages (bench/ui-probe.ts); this side arms it and reads it back.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { PhonePage } from '../e2e/support/phone-page.js';
import type { ProbeHook, ProbeState, SipEvent } from './ui-probe.js';

/** Time to interactive needs this long without a long task after "Sign in" is usable. */
export const QUIET_MS = 500;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let probeSource: Promise<string> | undefined;

/**
 * Installs bench/ui-probe.ts in every page of `target` before the page's own code. The probe is
 * bundled with esbuild rather than passed as a function, whose source under tsx would call
 * helpers that exist only in Node.
 */
async function installProbe(target: BrowserContext | Page, hook: ProbeHook): Promise<void> {
  probeSource ??= build({
    entryPoints: [join(fileURLToPath(new URL('.', import.meta.url)), 'ui-probe.ts')],
    bundle: true,
    format: 'iife',
    globalName: '__uiProbeModule',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]!.text);
  await target.addInitScript({ content: `${await probeSource}\n__uiProbeModule.uiProbe(${JSON.stringify(hook)});` });
}

export interface ScriptLoad {
  url: string;
  /** Body as served (the server sends it uncompressed). */
  bytes: number;
  /** Body compressed with gzip level 9 (node:zlib). */
  gzip: number;
}

function isScript(r: Response): boolean {
  return r.request().resourceType() === 'script' || /javascript|ecmascript/.test(r.headers()['content-type'] ?? '');
}

/** Every JavaScript response a page receives, each URL once, with its body's size raw and gzipped. */
export class ScriptLog {
  private readonly byUrl = new Map<string, ScriptLoad>();
  private pending: Array<Promise<void>> = [];

  constructor(page: Page) {
    page.on('response', (r) => {
      if (isScript(r)) this.pending.push(this.add(r));
    });
  }

  private async add(r: Response): Promise<void> {
    try {
      const body = await r.body();
      this.byUrl.set(r.url(), { url: r.url(), bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
    } catch {
      // a redirect or a page that went away: no body to count
    }
  }

  /** The scripts received so far, once their bodies have been read. */
  async settled(): Promise<ScriptLoad[]> {
    await Promise.all(this.pending);
    return [...this.byUrl.values()];
  }
}

export const gzipTotal = (s: readonly ScriptLoad[]): number => s.reduce((n, x) => n + x.gzip, 0);
export const rawTotal = (s: readonly ScriptLoad[]): number => s.reduce((n, x) => n + x.bytes, 0);

function probe(page: Page): Promise<Pick<ProbeState, 'signInReadyAt' | 'longTasks' | 'callClickAt' | 'answerClickAt' | 'audioAt' | 'sip'> & { now: number }> {
  return page.evaluate(() => {
    const s = (window as unknown as { __uiBench: ProbeState }).__uiBench;
    return { signInReadyAt: s.signInReadyAt, longTasks: s.longTasks, callClickAt: s.callClickAt, answerClickAt: s.answerClickAt, audioAt: s.audioAt, sip: s.sip, now: performance.now() };
  });
}

export interface ColdLoad {
  /** Navigation start → "Sign in" visible and enabled, ms. */
  signInReady: number;
  /** Navigation start → "Sign in" usable and the main thread free of long tasks for QUIET_MS, ms. */
  tti: number;
  longTasks: number;
  scripts: ScriptLoad[];
}

/** One load of `url` in a fresh browser context (empty cache), until it is interactive and the network is idle. */
export async function coldLoad(browser: Browser, url: string, timeoutMs = 30_000): Promise<ColdLoad> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await installProbe(page, '__keyhop');
    const scripts = new ScriptLog(page);
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await probe(page);
      if (s.signInReadyAt !== null) {
        const tti = Math.max(s.signInReadyAt, ...s.longTasks.map((t) => t[1]));
        // a little beyond the window, since long-task entries arrive after the task
        if (s.now - tti >= QUIET_MS + 100) {
          await page.waitForLoadState('networkidle', { timeout: timeoutMs }).catch(() => undefined);
          return { signInReady: s.signInReadyAt, tti, longTasks: s.longTasks.length, scripts: await scripts.settled() };
        }
      }
      if (Date.now() > deadline) throw new Error(`${url}: no usable "Sign in" button and quiet main thread within ${timeoutMs} ms`);
      await sleep(50);
    }
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** Ms from `t0` to the first matching SIP message after it, or NaN. */
function firstSip(events: readonly SipEvent[], t0: number, sent: boolean, start: string, cseq: string): number {
  const e = events.find((x) => x.at >= t0 && x.sent === sent && x.start === start && x.cseq === cseq);
  return e ? e.at - t0 : NaN;
}

/** A phone page with the probe installed and its scripts logged from the first load. */
export interface BenchPhone {
  phone: PhonePage;
  scripts: ScriptLog;
}

export async function openBenchPhone(browser: Browser, url: string, name: string, hook: ProbeHook): Promise<BenchPhone> {
  const phone = await PhonePage.open(browser, url, name);
  await installProbe(phone.context, hook);
  const scripts = new ScriptLog(phone.page);
  // Loaded again so the probe runs before the page's own code; the scripts come from the cache.
  await phone.page.reload({ waitUntil: 'load' });
  return { phone, scripts };
}

export interface CallTiming {
  /** "Call" click → inbound audio packets > 0 on both pages, ms. */
  setup: number;
  /** Click → the callee's "Answer" button appeared (and was clicked). */
  ringing: number;
  /** Click → inbound audio on the caller's page. */
  callerAudio: number;
  /** Click → inbound audio on the callee's page. */
  calleeAudio: number;
  /** Click → messages on the caller's and the callee's WebSockets (NaN when not seen). */
  signalling: { lookupSent: number; lookupAnswered: number; inviteSent: number; inviteArrived: number; answerSent: number; ringing: number; answered: number };
}

/** One call: the caller dials, the callee's probe answers at once; timed until both receive audio, then hung up. */
export async function timedCall(callerPhone: BenchPhone, calleePhone: BenchPhone, target: string, timeoutMs = 30_000): Promise<CallTiming> {
  const caller = callerPhone.phone;
  const callee = calleePhone.phone;
  const arm = (p: PhonePage, autoAnswer: boolean): Promise<void> => p.page.evaluate((a) => (window as unknown as { __uiBench: ProbeState }).__uiBench.arm(a), autoAnswer);
  const disarm = (p: PhonePage): Promise<void> => p.page.evaluate(() => (window as unknown as { __uiBench: ProbeState }).__uiBench.disarm()).catch(() => undefined);
  await arm(callee, true);
  await arm(caller, false);
  try {
    await caller.dial(target);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [a, b] = await Promise.all([probe(caller.page), probe(callee.page)]);
      if (a.callClickAt !== null && a.audioAt !== null && b.audioAt !== null && b.answerClickAt !== null) {
        const t0 = a.callClickAt;
        return {
          signalling: {
            lookupSent: firstSip(a.sip, t0, true, 'OPTIONS', 'OPTIONS'),
            lookupAnswered: firstSip(a.sip, t0, false, '200', 'OPTIONS'),
            inviteSent: firstSip(a.sip, t0, true, 'INVITE', 'INVITE'),
            inviteArrived: firstSip(b.sip, t0, false, 'INVITE', 'INVITE'),
            answerSent: firstSip(b.sip, t0, true, '200', 'INVITE'),
            ringing: firstSip(a.sip, t0, false, '180', 'INVITE'),
            answered: firstSip(a.sip, t0, false, '200', 'INVITE'),
          },
          setup: Math.max(a.audioAt, b.audioAt) - a.callClickAt,
          ringing: b.answerClickAt - a.callClickAt,
          callerAudio: a.audioAt - a.callClickAt,
          calleeAudio: b.audioAt - a.callClickAt,
        };
      }
      if (Date.now() > deadline) {
        throw new Error(`${caller.name} → ${target}: no audio both ways within ${timeoutMs} ms (clicked: ${a.callClickAt !== null}, answered: ${b.answerClickAt !== null}, caller audio: ${a.audioAt !== null}, callee audio: ${b.audioAt !== null})`);
      }
      await sleep(25);
    }
  } finally {
    await Promise.all([disarm(caller), disarm(callee)]);
    if ((await caller.button('Hang up').count()) > 0) await caller.button('Hang up').click().catch(() => undefined);
    await caller.waitIdle();
    await callee.waitIdle();
  }
}
