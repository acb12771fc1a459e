/**
 * Test hook for the end-to-end tests: lets a test driving the browser read the active call's
 * RTCPeerConnection (for `getStats()`) and count incoming invitations. It exposes nothing a page
 * script could not already reach, and changes nothing.
 */
import type { CertificateStatus } from './identity/index.js';

export interface KeyhopTestHook {
  /** The RTCPeerConnection of the call in progress, or null. */
  pc(): RTCPeerConnection | null;
  /** How many incoming invitations the signed-in phone has seen. */
  incomingCalls(): number;
  /** The signed-in phone's own certificate (seed 004): serial and end of validity, or why there is none. */
  certificate?(): CertificateStatus | null;
}

/** Set by the phone; read through `window.__keyhop.certificate()`. */
let certificateSource: (() => CertificateStatus) | null = null;

/** The phone whose certificate the hook reports (the latest one made). */
export function exposeCertificate(source: () => CertificateStatus): void {
  certificateSource = source;
}

declare global {
  interface Window {
    __keyhop?: KeyhopTestHook;
  }
}

export function installTestHook(hook: KeyhopTestHook): void {
  if (typeof window !== 'undefined') window.__keyhop = { certificate: () => certificateSource?.() ?? null, ...hook };
}
