/**
 * Test hook for the end-to-end tests: lets a test driving the browser read the active call's
 * RTCPeerConnection (for `getStats()`) and count incoming invitations. It exposes nothing a page
 * script could not already reach, and changes nothing.
 */
export interface KeyhopTestHook {
  /** The RTCPeerConnection of the call in progress, or null. */
  pc(): RTCPeerConnection | null;
  /** How many incoming invitations the signed-in phone has seen. */
  incomingCalls(): number;
}

declare global {
  interface Window {
    __keyhop?: KeyhopTestHook;
  }
}

export function installTestHook(hook: KeyhopTestHook): void {
  if (typeof window !== 'undefined') window.__keyhop = hook;
}
