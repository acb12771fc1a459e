/**
 * An incoming call rings (Web Audio) and, while the tab is hidden, shows a browser notification
 * that goes away once the call is answered. The page's own sound is observed by tapping what its
 * code connects to the speakers; the tab is "hidden" through the Page Visibility API the app reads.
 */
import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import { until } from './support/wait.js';

const { open } = browserHarness();

/** Installed before the app's code: a visibility switch, a notification recorder and a speaker tap. */
function instrument(): void {
  const w = window as unknown as { __test: { hidden: boolean; notes: Array<{ title: string; body: string; closed: boolean }>; ring: () => number } };
  const state = { hidden: false, notes: [] as Array<{ title: string; body: string; closed: boolean }>, ring: () => -Infinity };
  w.__test = state;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => state.hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (state.hidden ? 'hidden' : 'visible') });
  class RecordedNotification {
    static permission = 'granted';
    static requestPermission = () => Promise.resolve('granted');
    onclick: (() => void) | null = null;
    readonly record: { title: string; body: string; closed: boolean };
    constructor(title: string, options?: { body?: string }) {
      this.record = { title, body: options?.body ?? '', closed: false };
      state.notes.push(this.record);
    }
    close(): void {
      this.record.closed = true;
    }
  }
  Object.defineProperty(window, 'Notification', { configurable: true, value: RecordedNotification });
  // Everything the page connects to its speakers also feeds an analyser: the loudest level near
  // the ringtone's 440 and 480 Hz is what a person would hear ringing.
  const connect = AudioNode.prototype.connect as (this: AudioNode, ...args: unknown[]) => unknown;
  const analysers = new WeakMap<BaseAudioContext, AnalyserNode>();
  AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
    const target = args[0];
    if (target instanceof AudioDestinationNode) {
      let analyser = analysers.get(this.context);
      if (!analyser) {
        analyser = this.context.createAnalyser();
        analyser.fftSize = 4096;
        analyser.smoothingTimeConstant = 0;
        analysers.set(this.context, analyser);
        const data = new Float32Array(analyser.frequencyBinCount);
        const a = analyser;
        let loudest = -Infinity;
        setInterval(() => {
          a.getFloatFrequencyData(data);
          const width = a.context.sampleRate / a.fftSize;
          for (const f of [440, 480]) loudest = Math.max(loudest, data[Math.round(f / width)] ?? -Infinity);
        }, 20);
        state.ring = () => loudest;
      }
      connect.call(this, analyser);
    }
    return connect.apply(this, args) as AudioNode;
  } as typeof AudioNode.prototype.connect;
}

describe('an incoming call', () => {
  it('rings, and notifies while the tab is hidden; answering ends both', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await bob.page.addInitScript(instrument);
    await bob.page.reload();
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    const test = () => bob.page.evaluate(() => {
      const t = (window as unknown as { __test: { notes: Array<{ title: string; body: string; closed: boolean }>; ring: () => number } }).__test;
      return { notes: t.notes.map((n) => ({ ...n })), ring: t.ring() };
    });
    expect((await test()).ring).toBe(-Infinity);

    await bob.page.evaluate(() => {
      (window as unknown as { __test: { hidden: boolean } }).__test.hidden = true;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await alice.dial('bob@b.keyhop.test');
    const ringing = await until('the ringtone on bob\'s speakers', async () => {
      const t = await test();
      return t.ring > -60 ? t : undefined;
    });
    expect(ringing.notes).toEqual([{ title: 'Incoming call', body: 'alice@a.keyhop.test is calling you', closed: false }]);

    await bob.button('Answer').click();
    await until('the notification to close', async () => ((await test()).notes[0]?.closed ? true : undefined));
    for (const p of [alice, bob]) await p.page.getByText(/In call with/).waitFor();
    await alice.button('Hang up').click();
    await bob.waitIdle();
  }, 90_000);
});
