/**
 * A reader proxy (seed 003 ¶0025–0026, embodiment 2): for a request or response with sealed SDP
 * that names this proxy in `SDP-Readers` and holds a recipient info for its certificate, the proxy
 * opens the envelope with its own key, checks the signer against the deployment CA and the header
 * against the signed readers list, and records the media addresses of the SDP as pinholes of the
 * dialog (pinholes/pinhole-table.ts). Opening runs beside forwarding: the message goes on at once
 * and unchanged. A failure is logged with its reason and nothing is recorded; the endpoints, not
 * the proxy, decide whether to refuse. A proxy not named, or not a recipient, never opens anything.
 * Pinholes close on BYE, CANCEL, or when the call fails: for a forked INVITE, only once every
 * branch has failed (pinholes/invite-outcome.ts).
 *
 * Also the `faults.alterBody` test switch: flips one ciphertext byte of every sealed body this
 * proxy forwards, so that the peer's check can be seen to fail.
 */
import { checkReaderHeader, EnvelopeError, isAddressedTo, openSdp, parseReaderHeader, SDP_READERS_HEADER, type IdentityKeys } from '../../envelope/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../sip/message.js';
import { parseNameAddr } from '../../sip/name-addr.js';
import { aor } from '../../sip/uri.js';
import { InviteOutcomes } from '../pinholes/invite-outcome.js';
import { mediaStreams } from '../pinholes/media-streams.js';
import type { PinholeTable } from '../pinholes/pinhole-table.js';
import { isSealedBody, sealedBodyDer, withAlteredCiphertext } from '../pinholes/sealed-body.js';
import type { ProxyExtension } from './extension.js';

/** Requests whose body may carry an offer or an answer (RFC 3261 §13, RFC 3262, RFC 3311). */
const SDP_METHODS = new Set(['INVITE', 'ACK', 'UPDATE', 'PRACK']);

export interface SdpReaderOptions {
  domain: string;
  /** This proxy's certificate (DER) and key: the one it is sealed for. */
  cert: Uint8Array;
  keys: IdentityKeys;
  /** The deployment CA (DER): signers of SDP must chain to it. */
  caCert: Uint8Array;
  table: PinholeTable;
  /** Envelopes being opened at once; beyond it a message is not read (and an event says so). */
  maxPending: number;
  /** `faults.alterBody` names this proxy. */
  alterBody: boolean;
}

interface Party {
  uri: string;
  tag: string | null;
}

function party(value: string | undefined): Party | null {
  if (!value) return null;
  try {
    const n = parseNameAddr(value);
    return { uri: aor(n.uri), tag: n.params.get('tag') ?? null };
  } catch {
    return null;
  }
}

export class SdpReader implements ProxyExtension {
  private pending = 0;
  private readonly invites: InviteOutcomes;

  constructor(private readonly o: SdpReaderOptions) {
    this.invites = new InviteOutcomes(o.table.maxDialogs);
  }

  onRequest(req: SipRequest): null {
    this.o.table.touch(req.callId);
    const initial = !party(req.get('To'))?.tag;
    if (req.method === 'BYE') this.closeCall(req.callId, 'BYE', 'BYE');
    else if (req.method === 'CANCEL') this.closeCall(req.callId, 'CANCEL', 'CANCEL');
    else if (SDP_METHODS.has(req.method)) this.read(req, req.method, initial ? 'caller' : null);
    return null;
  }

  beforeForward(fwd: SipRequest): void {
    if (fwd.method === 'INVITE' && !party(fwd.get('To'))?.tag) this.invites.forked(fwd);
    if (this.o.alterBody) this.alter(fwd);
  }

  onResponse(res: SipResponse, forwarded: SipRequest): void {
    this.o.table.touch(res.callId);
    const method = res.cseq.method;
    const initialInvite = method === 'INVITE' && !party(forwarded.get('To'))?.tag;
    // A fork's failure may lose to another fork's 2xx: only the outcome of every branch counts.
    if (initialInvite && res.status >= 200 && this.invites.final(res, forwarded)) {
      this.closeCall(res.callId, `the call failed (${res.status} ${res.reason})`, `${res.status} INVITE`);
    } else if (SDP_METHODS.has(method) && res.status >= 180 && res.status < 300) {
      this.read(res, `${res.status} ${method}`, 'callee');
    }
    if (this.o.alterBody) this.alter(res);
  }

  onLocalResponse(res: SipResponse, req: SipRequest): void {
    if (req.method === 'INVITE' && res.status >= 300 && !party(req.get('To'))?.tag) {
      this.closeCall(req.callId, `the call failed (${res.status} ${res.reason})`, `${res.status} INVITE`);
    }
  }

  private closeCall(callId: string, why: string, message: string): void {
    this.invites.forget(callId);
    this.o.table.close(callId, why, message);
  }

  /**
   * Starts reading `msg` if it is meant for this proxy. `side` is who sent it, when the message
   * alone tells (a re-INVITE may come from either end: the caller is the one named in the table).
   */
  private read(msg: SipMessage, label: string, side: 'caller' | 'callee' | null): void {
    if (!isSealedBody(msg)) return;
    const header = msg.getAll(SDP_READERS_HEADER);
    let named: boolean;
    try {
      named = parseReaderHeader(header).includes(this.o.domain);
    } catch {
      named = header.some((h) => h.toLowerCase().includes(this.o.domain));
    }
    if (!named) return;
    const callId = msg.callId;
    const der = sealedBodyDer(msg);
    const refuse = (code: string, detail: string) => this.o.table.refused(callId, label, code, detail);
    if (!der) return refuse('malformed', 'The sealed body is not valid base64');
    try {
      if (!isAddressedTo(der, this.o.cert)) return refuse('not-a-recipient', `SDP-Readers names ${this.o.domain}, but the envelope has no recipient info for its certificate`);
    } catch (e) {
      return refuse(e instanceof EnvelopeError ? e.code : 'malformed', (e as Error).message);
    }
    if (this.pending >= this.o.maxPending) return refuse('busy', `${this.o.maxPending} envelopes are already being opened; this one is not read`);
    const from = party(msg.get('From'));
    const to = party(msg.get('To'));
    if (!from || !to) return refuse('malformed', 'From or To cannot be parsed');
    const isRequest = msg.isRequest;
    const ticket = this.o.table.ticket();
    this.pending++;
    void this.open(der, callId, header)
      .then((sdp) => {
        const existing = this.o.table.find(callId);
        // A request comes from From's side; a response from To's. The caller is From of the initial INVITE.
        const sender = isRequest ? from : to;
        const caller = existing ? existing.caller : side === 'callee' ? to.uri : from.uri;
        const who = side ?? (sender.uri === caller ? 'caller' : 'callee');
        const dialog = existing
          ? { callId, fromTag: existing.fromTag, toTag: existing.toTag ?? (isRequest ? null : to.tag), caller: existing.caller, callee: existing.callee }
          : isRequest && who === 'callee'
            ? { callId, fromTag: to.tag ?? '', toTag: from.tag, caller: to.uri, callee: from.uri }
            : { callId, fromTag: from.tag ?? '', toTag: to.tag, caller: from.uri, callee: to.uri };
        this.o.table.record(ticket, dialog, who, mediaStreams(sdp), label);
      })
      .catch((e: unknown) => {
        if (e instanceof EnvelopeError) refuse(e.code, e.message);
        else if (e instanceof HeaderLie) refuse('reader-header', e.message);
        else refuse('internal', (e as Error).message);
      })
      .finally(() => this.pending--);
  }

  private async open(der: Uint8Array, callId: string, header: string[]): Promise<string> {
    const opened = await openSdp(der, {
      recipient: { key: this.o.keys.agreementKey, cert: this.o.cert },
      trust: { caCerts: [this.o.caCert] },
      context: callId,
    });
    const check = checkReaderHeader(header.length ? header : undefined, opened);
    if (!check.ok) throw new HeaderLie(check.message);
    return opened.sdp;
  }

  private alter(msg: SipMessage): void {
    if (!isSealedBody(msg)) return;
    const altered = withAlteredCiphertext(msg);
    // A new array: the received message shares its body with every forwarded copy.
    if (altered) msg.body = altered;
  }
}

/** `SDP-Readers` differs from the readers the sender signed. */
class HeaderLie extends Error {
  override readonly name = 'HeaderLie';
}
