import { UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import type { RTCSessionEvent, UnRegisteredEvent } from 'jssip/lib/UA';
import type { SipAddress } from './address.js';
import { bindUa, kerberosStage, kerberosTicketSource, UaAuth, unbindUa, type AuthFailure } from './auth/index.js';
import type { Credentials } from '../krb/client/index.js';
import { Call } from './call.js';
import { CertificateStore, certificateStage } from './identity/index.js';
import { exposeCertificate } from './test-hook.js';
import { requestContacts, type Contact } from './contacts.js';
import { ownLinkOf, RouteSecurityCalls, routeSecurityStage, type RefusedCall } from './route-security/index.js';
import { EnvelopeStage } from './envelope/index.js';
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
  /** The callee has no certificate: may the call go out with unencrypted SDP? (setting "ask") */
  'confirm-plain': PlainSdpQuestion;
  /** An incoming call was refused because its route is below the person's minimum (it never rang). */
  'route-refused': RefusedCall;
}

/** The question behind `confirm-plain`; `answer` once (unanswered, it counts as no after a minute). */
export interface PlainSdpQuestion {
  readonly peer: string;
  answer(ok: boolean): void;
}

/** How long a `confirm-plain` question waits before the call is cancelled. */
const PLAIN_SDP_QUESTION_MS = 60_000;

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
  /** This device's keys and certificate, the CA and proxy certificates, and certificate lookups (seed 004). */
  readonly certificates: CertificateStore;
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
    this.certificates = new CertificateStore(config.address.aor);
    exposeCertificate(() => this.certificates.status());
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
        const session = await kerberosSignIn(this.config.origin, this.config.address, this.config.password, undefined, { realm: this.config.realm, kdcProxy: this.config.kdcProxy });
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
      const stages: SocketStage[] = [certificateStage(this.certificates), this.#envelopeStage()];
      stages.push(
        routeSecurityStage({
          aor: this.config.address.aor,
          link: ownLinkOf({
            webSocketUrl: this.config.webSocketUrl,
            home: this.config.address.domain,
            registered: () => this.#state.kind === 'registered',
            ...(auth ? { associations: () => auth.status() } : {}),
          }),
          keys: (node) => this.certificates.proxyKey(node),
          minLevel: this.config.security.minHopLevel,
          onChecked: (checked) => void (!this.#stopped && this.#routeSecurity.onChecked(checked)),
        }),
      );
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
    this.certificates.attach(ua);
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
    this.certificates.attach(null);
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
  call(target: SipAddress, options: CallOptions = {}): Call {
    const ua = this.#ua;
    if (!ua || this.#state.kind !== 'registered') throw new Error('Not registered');
    if (this.activeCall) throw new Error('A call is already in progress');
    // The callee's certificate is looked up now; the envelope stage sends the INVITE, sealed, once it is known.
    this.#envelope?.prepareCall(target.aor, {
      readers: [...(options.readers ?? this.config.security.sdpReaders)],
      peerCert: this.certificates.lookup(target.aor),
    });
    const session = ua.call(target.uri, mediaOptions());
    const call = new Call(session, 'outgoing', target.aor, null);
    this.#track(call);
    return call;
  }

  /** The people this user may call, from the home proxy (only those the policy lets them reach). */
  contacts(): Promise<Contact[]> {
    const ua = this.#ua;
    if (!ua || this.#state.kind !== 'registered') return Promise.reject(new Error('Not registered'));
    return requestContacts(ua, this.config.address.domain);
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
  #envelope: EnvelopeStage | null = null;

  /** Seals and opens SDP for this phone's calls (seed 003), reporting onto the calls by Call-ID. */
  #envelopeStage(): EnvelopeStage {
    const forCall = (callId: string, act: (call: Call) => void): void => {
      if (this.#stopped) return;
      for (const call of this.#calls) if (call.id.startsWith(callId)) act(call);
    };
    this.#envelope = new EnvelopeStage({
      self: this.config.address.aor,
      certificates: this.certificates,
      withoutCertificate: this.config.security.withoutCertificate,
      hooks: {
        view: (callId, view) => forCall(callId, (call) => call.setSdpProtection(view)),
        fail: (callId, reason) => forCall(callId, (call) => call.failSecurity(reason)),
        confirmPlain: (peer, callId) => this.#confirmPlain(peer, callId),
      },
    });
    return this.#envelope;
  }

  /** Listens for `confirm-plain` questions (the store's hook). */
  onPlainSdpQuestion(listener: (question: PlainSdpQuestion) => void): () => void {
    return this.on('confirm-plain', listener);
  }

  #confirmPlain(peer: string, callId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), PLAIN_SDP_QUESTION_MS);
      this.emit('confirm-plain', {
        peer,
        answer: (ok) => {
          clearTimeout(timer);
          // A call hung up while the question was open stays unsent.
          resolve(ok && !this.#stopped && [...this.#calls].some((call) => call.id.startsWith(callId) && !call.isOver));
        },
      });
    });
  }
  /** Route-Security verdicts onto the calls they belong to. */
  readonly #routeSecurity = new RouteSecurityCalls(
    () => this.#calls,
    (refused) => this.emit('route-refused', refused),
  );

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
      this.#routeSecurity.adopt(call, e.request.getHeader('Call-ID'));
      const sdp = this.#envelope?.viewFor(call.id);
      if (sdp) call.setSdpProtection(sdp);
      this.emit('incoming', call);
    });
  }
}
