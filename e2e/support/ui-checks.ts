/** Checks the UI end-to-end tests share: accessibility (axe-core), screenshots, what a call's audio carries. */
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/ui', import.meta.url));

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Runs axe-core on the page as it is now; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `accessibility violations on the ${screen} screen`).toEqual([]);
}

/** Saves `docs/ui/<name>-desktop.png` and `-phone.png`, then restores the desktop width. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  }
}

/** True when the page is no wider than the viewport (nothing to scroll sideways). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** The loudest inbound audio level (0–1) the page's call reports over `ms` of sampling. */
export async function loudestInbound(page: Page, ms: number): Promise<number> {
  return page.evaluate(async (ms) => {
    const pc = window.__keyhop?.pc();
    if (!pc) return -1;
    let max = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      (await pc.getStats()).forEach((s: { type: string; kind?: string; audioLevel?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') max = Math.max(max, s.audioLevel ?? 0);
      });
      await new Promise((r) => setTimeout(r, 100));
    }
    return max;
  }, ms);
}

/** The eight DTMF frequencies (RFC 4733 events 0–15 are played as these pairs). */
export const DTMF_FREQUENCIES = [697, 770, 852, 941, 1209, 1336, 1477, 1633] as const;

/**
 * Listens to the other party's audio as played on this page and keeps, per DTMF frequency, the
 * loudest level seen (dB). A receiver that gets RFC 4733 telephone-events plays them out as the
 * tone pair, so the pair stands out above everything else.
 */
export async function startToneListener(page: Page): Promise<void> {
  await page.evaluate((freqs) => {
    const pc = window.__keyhop?.pc();
    const track = pc?.getReceivers().find((r) => r.track.kind === 'audio')?.track;
    if (!track) throw new Error('no remote audio track');
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const data = new Float32Array(analyser.frequencyBinCount);
    const peaks: Record<number, number> = {};
    const binWidth = ctx.sampleRate / analyser.fftSize;
    setInterval(() => {
      analyser.getFloatFrequencyData(data);
      for (const f of freqs) {
        const bin = Math.round(f / binWidth);
        const v = Math.max(data[bin - 1] ?? -Infinity, data[bin] ?? -Infinity, data[bin + 1] ?? -Infinity);
        peaks[f] = Math.max(peaks[f] ?? -Infinity, v);
      }
    }, 20);
    (window as unknown as { __tones: { peaks: Record<number, number>; reset(): void } }).__tones = {
      peaks,
      reset: () => {
        for (const k of Object.keys(peaks)) delete peaks[Number(k)];
      },
    };
  }, [...DTMF_FREQUENCIES]);
}

export async function tonePeaks(page: Page): Promise<Record<number, number>> {
  return page.evaluate(() => ({ ...(window as unknown as { __tones: { peaks: Record<number, number> } }).__tones.peaks }));
}

export async function resetTones(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __tones: { reset(): void } }).__tones.reset());
}

/** Starts summing the page's layout shifts that no input caused (the Cumulative Layout Shift score). */
export async function watchLayoutShift(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __shift: number };
    w.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__shift += e.value;
    }).observe({ type: 'layout-shift' });
  });
}

export async function layoutShift(page: Page, reset = false): Promise<number> {
  return page.evaluate((reset) => {
    const w = window as unknown as { __shift: number };
    const v = w.__shift;
    if (reset) w.__shift = 0;
    return v;
  }, reset);
}
