import { UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import type { RTCSessionEvent, UnRegisteredEvent } from 'jssip/lib/UA';
import type { SipAddress } from './address.js';
import { bindUa, kerberosStage, kerberosTicketSource, UaAuth, unbindUa, type AuthFailure } from './auth/index.js';
import type { Credentials } from '../krb/client/index.js';
import { Call } from './call.js';
import { StageSocket, type SocketStage } from './stage-socket.js';
import type { PhoneConfig } from './config.js';
import { Emitter } from './emitter.js';
import { mediaOptions } from './media.js';
import { CANNOT_REACH_SERVER, Cause, registrationFailureReason } from './reasons.js';
import { kerberosFailureReason, kerberosSignIn } from './kerberos-sign-in.js';
import type { KerberosIdentity, RegistrationState } from './states.js';

export interface CallOptions {
  readonly readers?: readonly string[];
}

interface PhoneEvents {
  registration: RegistrationState;
  /** A new incoming call that waits for Answer or Decline. */
  incoming: Call;
}

function peerOf(session: RTCSession): { aor: string; name: string | null } {
  const identity = session.remote_identity;
  const uri = identity.uri;
  const aor = uri.user ? `${uri.user}@${uri.host}` : uri.host;
  const name = identity.display_name ? String(identity.display_name) : null;
  return { aor, name };
}

/**
 * The signed-in phone: one JsSIP UA over a WebSocket, registered with the proxy that serves the
 * address's domain. It reports its registration state and hands out Call objects.
 */
export class Phone extends Emitter<PhoneEvents> {
  readonly config: PhoneConfig;
  #ua: UA | null = null;
  #state: RegistrationState = { kind: 'signed-out' };
  #stopped = false;
  #everConnected = false;
  readonly #calls = new Set<Call>();
  #incomingCount = 0;
  #starting = false;
  #kerberos: KerberosIdentity | null = null;
  #tgt: Credentials | null = null;
  #auth: UaAuth | null = null;

  constructor(config: PhoneConfig) {
    super();
    this.config = config;
  }

  get address(): SipAddress {
    return this.config.address;
  }

  get registration(): RegistrationState {
    return this.#state;
  }

  /** How many incoming invitations this phone has seen, declined ones included. */
  get incomingCount(): number {
    return this.#incomingCount;
  }

  /** The call in progress, if any (at most one is kept; further invitations are declined as busy). */
  get activeCall(): Call | null {
    for (const call of this.#calls) if (!call.isOver) return call;
    return null;
  }

  /** Signs in to Kerberos (when the server has a KDC), then connects and registers. */
  start(): void {
    if (this.#ua || this.#stopped || this.#starting) return;
    this.#starting = true;
    this.#setState({ kind: 'connecting' });
    void this.#signIn();
  }

  async #signIn(): Promise<void> {
    if (this.config.origin) {
      try {
        const session = await kerberosSignIn(this.config.origin, this.config.address, this.config.password);
        if (session) {
          this.#kerberos = { principal: session.principal, expires: session.credentials.endtime.getTime() };
          this.#tgt = session.credentials;
        }
      } catch (error) {
        if (this.#stopped) return;
        this.#stopped = true;
        this.#setState({ kind: 'failed', reason: kerberosFailureReason(error), retrying: false });
        return;
      }
    }
    if (this.#stopped) return;
    this.#startUa();
  }

  #startUa(): void {
    let ua: UA;
    try {
      const ws = new WebSocketInterface(this.config.webSocketUrl);
      // With a TGT from sign-in, proxies that challenge with Kerberos get MS-SIPAE v4 (src/ua/auth).
      const auth = this.#tgt && this.config.origin ? new UaAuth({ getTicket: kerberosTicketSource(this.config.origin, this.#tgt) }) : null;
      this.#auth = auth;
      const stages: SocketStage[] = [];
      if (auth) stages.push(kerberosStage(auth));
      const socket = new StageSocket(ws, stages);
      ua = new UA({
        sockets: [socket],
        uri: this.config.uri,
        password: this.config.password,
        authorization_user: this.config.authorizationUser,
        register: true,
        session_timers: false,
        user_agent: 'Keyhop',
        connection_recovery_min_interval: 2,
        connection_recovery_max_interval: 30,
      });
    } catch (error) {
      this.#setState({ kind: 'failed', reason: `The settings are not usable (${error instanceof Error ? error.message : String(error)})`, retrying: false });
      return;
    }
    this.#ua = ua;
    if (this.#auth) {
      bindUa(ua, this.#auth);
      this.#auth.on('change', () => {
        if (!this.#stopped && this.#state.kind === 'registered') this.#setState(this.#registeredState());
      });
      this.#auth.on('failure', (f) => this.#onAuthFailure(ua, f));
    }
    this.#wire(ua);
    this.#setState({ kind: 'connecting' });
    ua.start();
  }

  /** Hangs up, unregisters and disconnects. The phone cannot be started again. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const call of this.#calls) call.hangUp();
    this.#calls.clear();
    const ua = this.#ua;
    this.#ua = null;
    if (ua) {
      unbindUa(ua);
      try {
        ua.stop();
      } catch {
        // Already stopping.
      }
    }
    this.#setState({ kind: 'signed-out' });
    this.removeAllListeners();
  }

  /**
   * Places an audio call. Throws when not registered or when a call is already in progress.
   * `options.readers`: the proxies that may read this call's SDP (default: the settings').
   */
  call(target: SipAddress, _options: CallOptions = {}): Call {
    const ua = this.#ua;
    if (!ua || this.#state.kind !== 'registered') throw new Error('Not registered');
    if (this.activeCall) throw new Error('A call is already in progress');
    const session = ua.call(target.uri, mediaOptions());
    const call = new Call(session, 'outgoing', target.aor, null);
    this.#track(call);
    return call;
  }

  #track(call: Call): void {
    this.#calls.add(call);
    const off = call.on('change', (snapshot) => {
      if (snapshot.phase === 'ended' || snapshot.phase === 'failed') {
        off();
        this.#calls.delete(call);
      }
    });
  }

  #authProblem: string | null = null;

  #registeredState(): RegistrationState {
    const security = this.#auth?.status();
    return {
      kind: 'registered',
      ...(this.#kerberos ? { kerberos: this.#kerberos } : {}),
      ...(security && security.length ? { security } : {}),
    };
  }

  /**
   * A proxy's message failed its security check (it was dropped), or Kerberos could not be set up.
   * For REGISTER the registration fails with the reason; for a call, the call ends with it.
   */
  #onAuthFailure(ua: UA, f: AuthFailure): void {
    if (this.#stopped) return;
    if (f.method === 'REGISTER') {
      this.#authProblem = f.reason;
      // A refused challenge also reaches JsSIP (registrationFailed); a dropped answer never would.
      if (!f.dropped) return;
      this.#setState({ kind: 'failed', reason: f.reason, retrying: false });
      this.#stopped = true;
      this.#ua = null;
      unbindUa(ua);
      try {
        ua.stop();
      } catch {
        // Already stopping.
      }
      return;
    }
    if (!f.callId) return;
    for (const call of this.#calls) if (call.id.startsWith(f.callId)) call.failSecurity(f.reason);
  }

  #setState(state: RegistrationState): void {
    this.#state = state;
    this.emit('registration', state);
  }

  #wire(ua: UA): void {
    ua.on('connecting', () => {
      if (this.#stopped) return;
      // Keep showing a failure while reconnecting, so the status does not flicker.
      if (this.#state.kind === 'signed-out') this.#setState({ kind: 'connecting' });
    });
    ua.on('connected', () => {
      if (this.#stopped) return;
      this.#everConnected = true;
      if (this.#state.kind !== 'registered') this.#setState({ kind: 'connecting' });
    });
    ua.on('disconnected', () => {
      if (this.#stopped) return;
      const reason = this.#everConnected ? 'Lost the connection to the server; reconnecting' : CANNOT_REACH_SERVER;
      this.#setState({ kind: 'failed', reason, retrying: true });
    });
    ua.on('registered', () => {
      if (this.#stopped) return;
      this.#authProblem = null;
      this.#setState(this.#registeredState());
    });
    ua.on('registrationFailed', (e: UnRegisteredEvent) => {
      if (this.#stopped) return;
      const response = e.response as IncomingResponse | null;
      const status = response ? response.status_code : null;
      const cause = e.cause ? String(e.cause) : null;
      if (cause === Cause.CONNECTION_ERROR) {
        // The transport went away; JsSIP reconnects and registers again by itself.
        this.#setState({ kind: 'failed', reason: CANNOT_REACH_SERVER, retrying: true });
        return;
      }
      // Retrying would only repeat the refusal (or the silence); the person signs in again.
      const reason = this.#authProblem ?? registrationFailureReason(cause, status, response ? response.reason_phrase : null);
      this.#setState({ kind: 'failed', reason, retrying: false });
      this.#stopped = true;
      this.#ua = null;
      try {
        ua.stop();
      } catch {
        // Already stopping.
      }
    });
    ua.on('newRTCSession', (e: RTCSessionEvent) => {
      if (this.#stopped || String(e.originator) !== 'remote') return;
      this.#incomingCount += 1;
      const session = e.session;
      const peer = peerOf(session);
      const call = new Call(session, 'incoming', peer.aor, peer.name);
      if (this.activeCall) {
        call.decline(486);
        return;
      }
      this.#track(call);
      this.emit('incoming', call);
    });
  }
}
