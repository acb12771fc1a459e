/**
 * The in-page half of the UI benchmark, installed with `page.addInitScript(uiProbe, hook)` before
 * any of the page's own code runs, in Keyhop's app and in the plain JsSIP page alike, so both are
 * timed by the same code. It must stay self-contained: Playwright sends its source text.
 *
 * It records, on the page's own clock:
 *  - `signInReadyAt`: the first moment a visible, enabled "Sign in" button exists (ms since
 *    navigation start), seen by a MutationObserver on the whole document;
 *  - `longTasks`: every main-thread task of 50 ms or more (Long Tasks API), as [start, end];
 *  - `callClickAt`: when a click on the "Call" button reached the document (capture phase);
 *  - `answerClickAt`: when the probe itself clicked "Answer" (armed by `autoAnswer`), the moment the
 *    incoming call was shown;
 *  - `audioAt`: the first `getStats()` sample with inbound audio packets > 0 on the call's
 *    RTCPeerConnection, read through `window[hook].pc()` and polled every 10 ms once armed;
 *  - `sip`: every SIP message the page sends (`WebSocket.send`) or receives (a `message` listener
 *    added when the socket is made, so it runs before the page's own), since the last `arm`.
 * All but the first two are wall-clock milliseconds (`performance.timeOrigin + performance.now()`), so
 * the two pages of a call can be compared.
 */

/** One SIP message on the page's WebSocket. */
export interface SipEvent {
  at: number;
  sent: boolean;
  /** Request method or response status code. */
  start: string;
  /** Method of the CSeq header. */
  cseq: string;
}

export interface ProbeState {
  signInReadyAt: number | null;
  longTasks: Array<[number, number]>;
  callClickAt: number | null;
  answerClickAt: number | null;
  audioAt: number | null;
  sip: SipEvent[];
  autoAnswer: boolean;
  /** Forgets the last call's times and starts watching for audio and (if asked) answering. */
  arm(autoAnswer: boolean): void;
  disarm(): void;
}

export type ProbeHook = '__keyhop' | '__plainPhone';

export function uiProbe(hook: ProbeHook): void {
  const epoch = (): number => performance.timeOrigin + performance.now();
  const nameOf = (b: HTMLElement): string => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim();
  const usable = (name: string): HTMLButtonElement | undefined =>
    Array.from(document.querySelectorAll('button')).find((b) => !b.disabled && nameOf(b) === name && b.getClientRects().length > 0);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const state: ProbeState = {
    signInReadyAt: null,
    longTasks: [],
    callClickAt: null,
    answerClickAt: null,
    audioAt: null,
    sip: [],
    autoAnswer: false,
    arm(autoAnswer) {
      this.disarm();
      state.callClickAt = null;
      state.answerClickAt = null;
      state.audioAt = null;
      state.sip = [];
      state.autoAnswer = autoAnswer;
      const poll = async (): Promise<void> => {
        const pc = (window as unknown as Record<string, { pc(): RTCPeerConnection | null } | undefined>)[hook]?.pc() ?? null;
        if (pc) {
          let received = 0;
          (await pc.getStats()).forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
            if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.packetsReceived ?? 0;
          });
          if (received > 0) {
            state.audioAt = epoch();
            timer = undefined;
            return;
          }
        }
        if (timer !== undefined) timer = setTimeout(() => void poll(), 10);
      };
      timer = setTimeout(() => void poll(), 0);
      check();
    },
    disarm() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      state.autoAnswer = false;
    },
  };
  (window as unknown as { __uiBench: ProbeState }).__uiBench = state;

  function check(): void {
    if (state.signInReadyAt === null && usable('Sign in')) state.signInReadyAt = performance.now();
    if (state.autoAnswer) {
      const answer = usable('Answer');
      if (answer) {
        state.autoAnswer = false;
        state.answerClickAt = epoch();
        answer.click();
      }
    }
  }

  const record = (sent: boolean, data: unknown): void => {
    if (typeof data !== 'string') return;
    const at = epoch();
    const first = data.slice(0, data.indexOf('\r\n'));
    const start = /^SIP\/2\.0 (\d{3})/.exec(first)?.[1] ?? first.split(' ')[0] ?? '';
    state.sip.push({ at, sent, start, cseq: /^CSeq:\s*\d+\s+(\S+)/im.exec(data)?.[1] ?? '' });
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    record(true, data);
    send.call(this, data);
  };
  window.WebSocket = class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => record(false, e.data));
    }
  };

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push([e.startTime, e.startTime + e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no Long Tasks API: the quiet window is then measured from "Sign in" alone
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener(
    'click',
    (e) => {
      const b = e.target instanceof Element ? e.target.closest('button') : null;
      if (b && nameOf(b) === 'Call') state.callClickAt = epoch();
    },
    true,
  );
}
