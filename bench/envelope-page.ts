/**
 * Entry of the browser bundle for the SDP envelope benchmark (built with esbuild by
 * `bench/envelope.ts` and injected into a blank page): exposes `globalThis.keyhopEnvelopeBench(…)`.
 */
import { runEnvelopeBench } from './envelope-flow.js';

(globalThis as unknown as { keyhopEnvelopeBench: typeof runEnvelopeBench }).keyhopEnvelopeBench = runEnvelopeBench;
