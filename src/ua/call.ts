import type { RTCSession, EndEvent, HoldEvent, MediaStreamTypes, PeerConnectionEvent } from 'jssip/lib/RTCSession';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import { byeLateAnswer, cancelUnansweredInvite } from './auth/cancel-invite.js';
import { Emitter } from './emitter.js';
import { mediaOptions } from './media.js';
import { callEndOutcome, callFailureOutcome, type SessionEnd } from './reasons.js';
import { refusalOutcome } from './route-security/refusal.js';
import { undecipherableOutcome } from './envelope/undecipherable.js';
import { isCallOver, type CallDirection, type CallSnapshot, type RouteSecurityView, type SdpProtectionView } from './states.js';

interface CallEvents {
  change: CallSnapshot;
}

/** Status codes a callee may use to turn a call down. */
export type DeclineCode = 486 | 603;

function sessionEnd(event: EndEvent): SessionEnd {
  const message = event.message as Partial<IncomingResponse> | null | undefined;
  const statusCode = typeof message?.status_code === 'number' ? message.status_code : null;
  const reasonPhrase = typeof message?.reason_phrase === 'string' ? message.reason_phrase : null;
  return { originator: String(event.originator), cause: String(event.cause), statusCode, reasonPhrase };
}

/**
 * One call, incoming or outgoing: wraps a JsSIP RTCSession and reports its progress as
 * immutable snapshots through `change` events.
 */
export class Call extends Emitter<CallEvents> {
  readonly #session: RTCSession;
  #snapshot: CallSnapshot;
  #connection: RTCPeerConnection | null = null;

  constructor(session: RTCSession, direction: CallDirection, peer: string, peerName: string | null) {
    super();
    this.#session = session;
    this.#snapshot = {
      id: session.id,
      direction,
      peer,
      peerName,
      phase: direction === 'incoming' ? 'incoming' : 'calling',
      muted: false,
      onHold: false,
      remoteHold: false,
      renegotiating: false,
      establishedAt: null,
      outcome: null,
      remoteStream: null,
      routeSecurity: null,
      sdp: null,
    };
    this.#listen();
    // An outgoing session creates its peer connection before handing the session out.
    const existing = (session as { connection?: RTCPeerConnection | null }).connection;
    if (existing) this.#attach(existing);
  }

  get id(): string {
    return this.#snapshot.id;
  }

  get snapshot(): CallSnapshot {
    return this.#snapshot;
  }

  get isOver(): boolean {
    return isCallOver(this.#snapshot.phase);
  }

  /** The call's RTCPeerConnection, once there is one (for an incoming call: after Answer). */
  peerConnection(): RTCPeerConnection | null {
    return this.#connection;
  }

  answer(): void {
    if (this.#snapshot.phase !== 'incoming') return;
    this.#update({ phase: 'connecting' });
    try {
      this.#session.answer(mediaOptions());
    } catch (error) {
      this.#finish('failed', {
        text: `The call could not be answered (${error instanceof Error ? error.message : String(error)})`,
        alert: true,
        statusCode: null,
      });
    }
  }

  /** Turns an incoming call down: 486 Busy Here by default, 603 Decline to refuse outright. */
  decline(code: DeclineCode = 486): void {
    if (this.#snapshot.phase !== 'incoming') return;
    this.#terminate({ status_code: code });
  }

  /** Ends the call in whatever state it is: cancels, declines or hangs up. */
  hangUp(): void {
    if (this.isOver) return;
    if (this.#snapshot.direction === 'incoming' && this.#snapshot.phase === 'incoming') {
      this.decline(603);
      return;
    }
    const unanswered = this.#isUnansweredOutgoing();
    this.#terminate({});
    if (unanswered) byeLateAnswer(this.#session);
  }

  mute(): void {
    if (this.#snapshot.phase === 'established' && !this.#snapshot.muted) this.#session.mute({ audio: true });
  }

  unmute(): void {
    if (this.#snapshot.muted) this.#session.unmute({ audio: true });
  }

  /** Puts the call on hold (a re-INVITE offering `sendonly`). Returns false when not possible now. */
  hold(): boolean {
    if (this.#snapshot.phase !== 'established' || this.#snapshot.onHold || this.#snapshot.renegotiating) return false;
    const sent = this.#session.hold({}, () => this.#update({ renegotiating: false }));
    if (sent) this.#update({ renegotiating: true });
    return sent;
  }

  /** Takes the call off hold. Returns false when not possible now. */
  unhold(): boolean {
    if (this.#snapshot.phase !== 'established' || !this.#snapshot.onHold || this.#snapshot.renegotiating) return false;
    const sent = this.#session.unhold({}, () => this.#update({ renegotiating: false }));
    if (sent) this.#update({ renegotiating: true });
    return sent;
  }

  /**
   * Ends the call because a message about it failed its security check (e.g. the proxy's
   * signature on the answer): CANCEL or BYE as the state requires, and `reason` is what the
   * person is told.
   */
  failSecurity(reason: string): void {
    if (this.isOver) return;
    const unanswered = this.#isUnansweredOutgoing();
    this.#finish(this.#snapshot.phase === 'established' ? 'ended' : 'failed', { text: reason, alert: true, statusCode: null });
    this.#terminate({});
    if (unanswered) {
      cancelUnansweredInvite(this.#session);
      byeLateAnswer(this.#session);
    }
  }

  /** The Route-Security stage checked a chain of this call. */
  setRouteSecurity(view: RouteSecurityView): void {
    this.#update({ routeSecurity: view });
  }

  /** The envelope stage sealed or opened an SDP of this call. */
  setSdpProtection(view: SdpProtectionView): void {
    this.#update({ sdp: view });
  }

  /**
   * Sends dial-pad tones (0-9, *, #, A-D) as RFC 4733 telephone-events in the call's audio RTP,
   * through the peer connection's RTCDTMFSender. Returns false when the call cannot carry them now.
   */
  sendDtmf(tones: string): boolean {
    if (this.#snapshot.phase !== 'established' || !/^[0-9A-D#*]+$/i.test(tones)) return false;
    const sender = this.#connection?.getSenders().find((s) => s.track?.kind === 'audio');
    if (!sender?.dtmf?.canInsertDTMF) return false;
    try {
      this.#session.sendDTMF(tones, { transportType: 'RFC2833' as DTMF_TRANSPORT, duration: 160, interToneGap: 70 });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Switches the microphone: the new device's track replaces the one being sent, on the same
   * call and without renegotiation; mute carries over.
   */
  async setInputDevice(deviceId: string): Promise<void> {
    const sender = this.#connection?.getSenders().find((s) => s.track?.kind === 'audio');
    if (!sender || this.isOver) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false });
    const track = stream.getAudioTracks()[0];
    if (!track) throw new Error('The microphone gave no audio');
    if (this.isOver) {
      track.stop();
      return;
    }
    track.enabled = !this.#snapshot.muted;
    const old = sender.track;
    await sender.replaceTrack(track);
    old?.stop();
  }

  /** An outgoing call no final answer has reached yet: ending it means a CANCEL. */
  #isUnansweredOutgoing(): boolean {
    const { direction, phase } = this.#snapshot;
    return direction === 'outgoing' && (phase === 'calling' || phase === 'ringing');
  }

  #terminate(options: { status_code?: number }): void {
    try {
      if (!this.#session.isEnded()) this.#session.terminate(options);
    } catch {
      // The session moved on (e.g. the peer hung up at the same moment); its own events tell the rest.
    }
  }

  #listen(): void {
    const s = this.#session;
    s.on('peerconnection', (e: PeerConnectionEvent) => this.#attach(e.peerconnection));
    s.on('progress', (e: { originator: unknown }) => {
      if (this.#snapshot.direction === 'outgoing' && String(e.originator) === 'remote' && this.#snapshot.phase === 'calling') {
        this.#update({ phase: 'ringing' });
      }
    });
    s.on('accepted', () => {
      if (!this.isOver) this.#update({ phase: 'connecting' });
    });
    s.on('confirmed', () => {
      if (!this.isOver) this.#update({ phase: 'established', establishedAt: Date.now() });
      this.#collectRemoteTracks();
    });
    s.on('ended', (e: EndEvent) => {
      this.#finish('ended', callEndOutcome(sessionEnd(e), this.#snapshot));
    });
    s.on('failed', (e: EndEvent) => {
      this.#finish('failed', refusalOutcome(e.message) ?? undecipherableOutcome(e.message) ?? callFailureOutcome(sessionEnd(e), this.#snapshot));
    });
    s.on('hold', (e: HoldEvent) => {
      this.#update(String(e.originator) === 'remote' ? { remoteHold: true } : { onHold: true });
    });
    s.on('unhold', (e: HoldEvent) => {
      this.#update(String(e.originator) === 'remote' ? { remoteHold: false } : { onHold: false });
    });
    s.on('muted', (e: MediaStreamTypes) => {
      if (e.audio) this.#update({ muted: true });
    });
    s.on('unmuted', (e: MediaStreamTypes) => {
      if (e.audio) this.#update({ muted: false });
    });
  }

  #attach(pc: RTCPeerConnection): void {
    if (this.#connection === pc) return;
    this.#connection = pc;
    pc.addEventListener('track', (e: RTCTrackEvent) => this.#addRemoteTrack(e.track));
  }

  #collectRemoteTracks(): void {
    const pc = this.#connection;
    if (!pc) return;
    for (const receiver of pc.getReceivers()) {
      if (receiver.track.kind === 'audio') this.#addRemoteTrack(receiver.track);
    }
  }

  #addRemoteTrack(track: MediaStreamTrack): void {
    if (track.kind !== 'audio') return;
    const current = this.#snapshot.remoteStream;
    if (current?.getTrackById(track.id)) return;
    // A fresh stream object each time, so a renderer notices the change.
    this.#update({ remoteStream: new MediaStream([...(current?.getTracks() ?? []), track]) });
  }

  #finish(phase: 'ended' | 'failed', outcome: CallSnapshot['outcome']): void {
    if (this.isOver) return;
    this.#update({ phase, outcome, renegotiating: false, remoteStream: null });
  }

  #update(patch: Partial<CallSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.emit('change', this.#snapshot);
  }
}
