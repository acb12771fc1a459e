import type { CallSnapshot, RegistrationState } from '../ua/index.js';

/** The text of the page's status line. Only the registered state contains the word "Registered". */
export function registrationText(state: RegistrationState, account: string | null): string {
  switch (state.kind) {
    case 'signed-out':
      return 'Signed out';
    case 'connecting':
      return account ? `Connecting as ${account}…` : 'Connecting…';
    case 'registered':
      return account ? `Registered as ${account}` : 'Registered';
    case 'failed':
      return state.retrying ? `${state.reason} (trying again)` : state.reason;
  }
}

/** One line describing where a call stands. */
export function callText(call: CallSnapshot): string {
  const who = call.peerName ? `${call.peerName} (${call.peer})` : call.peer;
  switch (call.phase) {
    case 'incoming':
      return `Incoming call from ${who}`;
    case 'calling':
      return `Calling ${who}…`;
    case 'ringing':
      return `Ringing ${who}…`;
    case 'connecting':
      return `Connecting to ${who}…`;
    case 'established':
      if (call.onHold && call.remoteHold) return `On hold on both sides with ${who}`;
      if (call.onHold) return `${who} is on hold`;
      if (call.remoteHold) return `${who} put you on hold`;
      return `In call with ${who}`;
    case 'ended':
    case 'failed':
      return call.outcome?.text ?? 'Call over';
  }
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
