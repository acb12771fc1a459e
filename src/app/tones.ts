/** Sounds the page makes itself with Web Audio: the ringtone and the dial-pad feedback. */

const DTMF: Record<string, readonly [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

let shared: AudioContext | null = null;

function context(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  shared ??= new AudioContext();
  if (shared.state === 'suspended') void shared.resume().catch(() => undefined);
  return shared;
}

function beep(ctx: AudioContext, freqs: readonly number[], start: number, length: number, volume: number): void {
  const gain = ctx.createGain();
  gain.gain.setValueAtTime(0, start);
  gain.gain.linearRampToValueAtTime(volume, start + 0.01);
  gain.gain.setValueAtTime(volume, start + length - 0.02);
  gain.gain.linearRampToValueAtTime(0, start + length);
  gain.connect(ctx.destination);
  for (const f of freqs) {
    const osc = ctx.createOscillator();
    osc.frequency.value = f;
    osc.connect(gain);
    osc.start(start);
    osc.stop(start + length);
  }
}

/** A short local tone for a pressed dial-pad key, so the person hears the press. */
export function keyFeedback(key: string): void {
  const freqs = DTMF[key.toUpperCase()];
  const ctx = context();
  if (!freqs || !ctx) return;
  beep(ctx, freqs, ctx.currentTime, 0.12, 0.08);
}

/** Rings (two short bursts every three seconds) until `stop()` is called. */
export function startRingtone(): { stop(): void } {
  const ctx = context();
  if (!ctx) return { stop: () => undefined };
  const ring = () => {
    const t = ctx.currentTime;
    beep(ctx, [440, 480], t, 0.4, 0.15);
    beep(ctx, [440, 480], t + 0.6, 0.4, 0.15);
  };
  ring();
  const id = setInterval(ring, 3000);
  return { stop: () => clearInterval(id) };
}
