/**
 * The reference phone for the UI benchmark: JsSIP alone, no Keyhop code. One user agent per page,
 * registered over SIP over WebSocket (RFC 7118) as soon as the page loads, with the same visible
 * controls the benchmark drives in Keyhop's app ("Call to", "Call", "Answer", "Hang up", a `status`
 * region reading "Registered") and the same media options (audio only, no STUN or TURN).
 *
 * URL parameters: `user`, `domain`, `ws` (the registrar's WebSocket URL).
 */
import { UA, WebSocketInterface, debug } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';

const params = new URLSearchParams(location.search);
const user = params.get('user') ?? 'alice';
const domain = params.get('domain') ?? 'plain.test';
const wsUrl = params.get('ws') ?? '';
const media = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };

debug.disable();

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const status = element('p', 'Connecting', { role: 'status' });
const target = element('input', '', { 'aria-label': 'Call to', type: 'text' });
const call = element('button', 'Call', { type: 'button' });
const answer = element('button', 'Answer', { type: 'button' });
const hangUp = element('button', 'Hang up', { type: 'button' });
const controls = element('div', '');
document.body.append(element('h1', `Plain JsSIP: ${user}@${domain}`), status, target, controls);

let session: RTCSession | null = null;

/** Only the controls that apply are in the document, as in Keyhop's app. */
function show(): void {
  const incoming = session !== null && session.direction === 'incoming' && !session.isEstablished() && !session.isEnded();
  controls.replaceChildren(...(session === null ? [call] : incoming ? [answer, hangUp] : [hangUp]));
}

function track(s: RTCSession): void {
  session = s;
  const done = (): void => {
    if (session === s) session = null;
    show();
  };
  s.on('confirmed', show);
  s.on('ended', done);
  s.on('failed', done);
  show();
}

const ua = new UA({
  sockets: [new WebSocketInterface(wsUrl)],
  uri: `sip:${user}@${domain}`,
  register: true,
  session_timers: false,
});
ua.on('registered', () => (status.textContent = 'Registered'));
ua.on('registrationFailed', (e) => (status.textContent = `Registration failed: ${e.cause ?? ''}`));
ua.on('newRTCSession', (e: { session: RTCSession; originator: string }) => {
  if (e.originator === 'remote') track(e.session);
});

call.addEventListener('click', () => track(ua.call(`sip:${target.value}`, media)));
answer.addEventListener('click', () => session?.answer(media));
hangUp.addEventListener('click', () => session?.terminate());

(window as unknown as { __plainPhone: { pc(): RTCPeerConnection | null } }).__plainPhone = {
  pc: () => (session && !session.isEnded() ? session.connection ?? null : null),
};

show();
ua.start();
