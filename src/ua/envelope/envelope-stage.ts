/**
 * Sealed SDP below JsSIP (seed 003 §7; `../shared/spec/jssip-seams.md` §2–3): a `SocketStage`
 * that seals every outgoing `application/sdp` body (offer, answer, re-INVITE, UPDATE, ACK) for the
 * peer and the proxies the user chose, signed with the user's certificate key and bound to the
 * Call-ID, and opens every incoming sealed body back into plain SDP, so JsSIP and the
 * RTCPeerConnection only ever see plain SDP.
 *
 * A request whose envelope cannot be opened or verified is answered here with 493 and never reaches
 * JsSIP; a response (or ACK) that cannot be opened ends the call. Both say why in plain words.
 */
import {
  checkReaderHeader,
  EnvelopeError,
  normalizeAor,
  openSdp,
  readerHeaderFor,
  sameAor,
  sealSdp,
  SDP_READERS_HEADER,
  SEALED_SDP_CONTENT_TYPE,
  type OpenedSdp,
} from '../../envelope/index.js';
import { SipRequest, type SipMessage } from '../../sip/message.js';
import { parseNameAddr } from '../../sip/name-addr.js';
import { aor } from '../../sip/uri.js';
import { fromBase64, parseRaw, toBase64 } from '../auth/wire.js';
import type { CallSecuritySettings } from '../config.js';
import type { SocketStage, StageContext } from '../stage-socket.js';
import type { SdpProtectionView } from '../states.js';
import type { EnvelopeCertificates } from './certificates.js';
import { DEFAULT_KEY_RENEWAL, DialogKey, type KeyRenewal } from './dialog-key.js';
import { envelopeProblem, PLAIN_WHEN_SEALED, READER_HEADER_ALTERED, wrongSigner } from './problem-words.js';
import { undecipherableResponse } from './undecipherable.js';

/** How the stage reaches the calls and the person (the Phone implements it). */
export interface EnvelopeHooks {
  /** The SDP protection of the call with this Call-ID changed. */
  view(callId: string, view: SdpProtectionView): void;
  /** The call with this Call-ID must end: a message about it could not be sealed or opened. */
  fail(callId: string, reason: string): void;
  /** Asks the person whether to call `peer`, who has no certificate, with unencrypted SDP (call `callId`). */
  confirmPlain(peer: string, callId: string): Promise<boolean>;
}

export interface EnvelopeStageOptions {
  /** The user's own address of record, the Warning agent of a 493. */
  readonly self: string;
  readonly certificates: EnvelopeCertificates;
  readonly withoutCertificate: CallSecuritySettings['withoutCertificate'];
  readonly hooks: EnvelopeHooks;
  readonly renewal?: KeyRenewal;
  readonly now?: () => number;
}

/** What the Phone knows about an outgoing call before its INVITE exists. */
export interface OutgoingPlan {
  /** Proxy domains chosen as readers besides the peer. */
  readonly readers: readonly string[];
  /** The callee's certificate (DER), or null when the callee has none. */
  readonly peerCert: Promise<Uint8Array | null>;
}

interface Dialog {
  readonly peer: string;
  peerCert: Uint8Array | null;
  readonly readers: readonly string[];
  readonly key: DialogKey;
  readonly mode: 'sealed' | 'plain';
  peerSignature: SdpProtectionView['peerSignature'];
  problem: string | null;
}

const SDP = 'application/sdp';
/** Dialogs remembered at once; the oldest is forgotten beyond this (a phone has one call at a time). */
const MAX_DIALOGS = 32;

export class EnvelopeStage implements SocketStage {
  readonly name = 'SDP envelope';
  readonly #options: EnvelopeStageOptions;
  readonly #plans = new Map<string, OutgoingPlan>();
  readonly #dialogs = new Map<string, Dialog>();

  constructor(options: EnvelopeStageOptions) {
    this.#options = options;
  }

  /** Called by the Phone before the INVITE to `peer` is created; the stage uses it when that INVITE passes. */
  prepareCall(peer: string, plan: OutgoingPlan): void {
    this.#plans.set(peerKey(peer), plan);
  }

  /** The protection of the call whose JsSIP session id is `sessionId` (Call-ID + tag), if known yet. */
  viewFor(sessionId: string): SdpProtectionView | null {
    for (const [callId, dialog] of this.#dialogs) if (sessionId.startsWith(callId)) return view(dialog);
    return null;
  }

  outgoing(raw: string, context: StageContext): string | null | Promise<string | null> {
    const msg = parseRaw(raw);
    if (!msg) return raw;
    if (msg instanceof SipRequest && msg.method === 'BYE') this.#dialogs.delete(msg.callId);
    if (!hasSdp(msg, SDP)) return raw;
    const dialog = this.#dialogs.get(msg.callId);
    if (dialog) return dialog.mode === 'plain' ? raw : this.#seal(dialog, msg);
    if (isInitialInvite(msg)) {
      this.#placeCall(msg, raw, context);
      return null;
    }
    this.#options.hooks.fail(msg.callId, 'This phone has no key for the call\'s media description, so it was not sent');
    return null;
  }

  incoming(raw: string, context: StageContext): string | null | Promise<string | null> {
    const msg = parseRaw(raw);
    if (!msg) return raw;
    if (msg instanceof SipRequest && msg.method === 'BYE') this.#dialogs.delete(msg.callId);
    if (isSealed(msg)) return this.#open(msg, context);
    if (hasSdp(msg, SDP)) return this.#plain(msg, raw, context);
    return raw;
  }

  /**
   * The first INVITE of an outgoing call leaves the queue at once and is sent again through every
   * stage (`context.reply`) once sealed: the certificate lookup and the person's answer it waits for
   * travel on the same socket, and would otherwise queue behind it for ever (a challenged OPTIONS
   * is sent again, for instance).
   */
  #placeCall(msg: SipRequest, raw: string, context: StageContext): void {
    const callId = msg.callId;
    const peer = partyOf(msg, 'To');
    const plan = peer ? this.#plans.get(peerKey(peer)) : undefined;
    if (!peer || !plan) {
      this.#options.hooks.fail(callId, 'The call was not prepared for encrypting its media description');
      return;
    }
    this.#plans.delete(peerKey(peer));
    void (async () => {
      const peerCert = await plan.peerCert.catch(() => null);
      const out = peerCert
        ? await this.#seal(this.#remember(callId, { peer, peerCert, readers: [...plan.readers], mode: 'sealed' }), msg)
        : await this.#withoutCertificate(callId, peer, raw);
      if (out !== null) context.reply(out);
    })().catch((error: unknown) => {
      this.#options.hooks.fail(callId, `The call's media description could not be sealed (${error instanceof Error ? error.message : String(error)})`);
    });
  }

  async #seal(dialog: Dialog, msg: SipMessage): Promise<string | null> {
    const callId = msg.callId;
    try {
      const certs = this.#options.certificates;
      const own = await certs.own();
      if (!own) throw new Error('You have no certificate yet (registration did not give one), so the media description cannot be signed');
      const readers: Array<{ cert: Uint8Array; name?: string }> = [{ cert: dialog.peerCert! }];
      for (const domain of dialog.readers) {
        const cert = await certs.proxyCert(domain);
        if (!cert) throw new Error(`There is no certificate for ${domain}, so it cannot be a reader of this call`);
        readers.push({ cert, name: domain });
      }
      const sealed = await sealSdp({
        sdp: msg.bodyText(),
        signer: { key: own.keys.signingKey, cert: own.cert },
        readers,
        contentKey: await dialog.key.forSealing(),
        context: callId,
        trust: { caCerts: [...(await certs.caCerts())] },
      });
      msg.setBody(toBase64(sealed.der), SEALED_SDP_CONTENT_TYPE);
      msg.set('Content-Transfer-Encoding', 'base64');
      const header = readerHeaderFor(sealed.readers);
      if (header) msg.set(SDP_READERS_HEADER, header);
      else msg.remove(SDP_READERS_HEADER);
      this.#show(callId, dialog);
      return msg.toString();
    } catch (error) {
      const reason = error instanceof EnvelopeError ? envelopeProblem(error).text : error instanceof Error ? error.message : String(error);
      dialog.problem = reason;
      this.#show(callId, dialog);
      this.#options.hooks.fail(callId, reason);
      return null;
    }
  }

  /**
   * No certificate for the callee: the person's setting decides between refusing and asking. The
   * lookup answers a callee the policy hides exactly like one without a certificate, so the
   * words cover both.
   */
  async #withoutCertificate(callId: string, peer: string, raw: string): Promise<string | null> {
    const ask = this.#options.withoutCertificate === 'ask';
    if (ask && (await this.#options.hooks.confirmPlain(peer, callId).catch(() => false))) {
      const dialog = this.#remember(callId, { peer, peerCert: null, readers: [], mode: 'plain' });
      dialog.problem = `No certificate could be found for ${peer}: this call's media description travels unencrypted, readable by every server on the way`;
      this.#show(callId, dialog);
      return raw;
    }
    this.#options.hooks.fail(
      callId,
      ask
        ? `Call cancelled: no certificate could be found for ${peer}, so the call's media description could not be encrypted`
        : `${peer} is not available, or has no certificate to encrypt the call's media description for; the call was not placed ("Callee without certificate" is set to refuse)`,
    );
    return null;
  }

  async #open(msg: SipMessage, context: StageContext): Promise<string | null> {
    const callId = msg.callId;
    const peer = partyOf(msg, msg instanceof SipRequest ? 'From' : 'To') ?? 'the other party';
    const certs = this.#options.certificates;
    let opened: OpenedSdp;
    try {
      const own = await certs.own();
      if (!own) return this.#refuse(msg, context, 'This phone has no certificate yet, so it cannot open an encrypted media description', false);
      const der = fromBase64(msg.bodyText());
      if (!der) throw new EnvelopeError('malformed', 'The body is not base64');
      opened = await openSdp(der, {
        recipient: { key: own.keys.agreementKey, cert: own.cert },
        trust: { caCerts: [...(await certs.caCerts())] },
        context: callId,
      });
    } catch (error) {
      const problem = envelopeProblem(error);
      return this.#refuse(msg, context, problem.text, problem.signature);
    }
    if (!opened.signerName || !sameAor(opened.signerName, peer)) {
      return this.#refuse(msg, context, wrongSigner(opened.signerName, peer), true);
    }
    const header = msg.getAll(SDP_READERS_HEADER);
    if (!checkReaderHeader(header.length ? header : undefined, opened).ok) return this.#refuse(msg, context, READER_HEADER_ALTERED, false);

    let dialog = this.#dialogs.get(callId);
    if (!dialog) {
      if (!isInitialInvite(msg)) return this.#refuse(msg, context, 'This phone has no call this encrypted media description belongs to', false);
      const readers = opened.readers.filter((r) => r.kind === 'proxy' && r.name).map((r) => r.name!);
      dialog = this.#remember(callId, { peer, peerCert: opened.signerCert, readers, mode: 'sealed' });
    } else if (dialog.mode === 'plain') {
      return this.#refuse(msg, context, 'The media description arrived encrypted in a call agreed to be unencrypted', false);
    }
    dialog.peerCert = opened.signerCert;
    dialog.peerSignature = 'verified';
    dialog.problem = null;
    await dialog.key.opened(opened.contentKey);
    msg.setBody(opened.sdp, SDP);
    msg.remove('Content-Transfer-Encoding');
    msg.remove(SDP_READERS_HEADER);
    this.#show(callId, dialog);
    return msg.toString();
  }

  /** Plain SDP arrived: fine in a call agreed to be unencrypted, refused where an envelope is expected. */
  #plain(msg: SipMessage, raw: string, context: StageContext): string | null {
    const callId = msg.callId;
    const dialog = this.#dialogs.get(callId);
    if (dialog?.mode === 'plain') return raw;
    if (!dialog && isInitialInvite(msg)) {
      const peer = partyOf(msg, 'From') ?? 'The caller';
      if (this.#options.withoutCertificate === 'refuse') {
        return this.#refuse(msg, context, 'This phone accepts only calls whose media description is encrypted, and this one was sent unencrypted', false);
      }
      const plain = this.#remember(callId, { peer, peerCert: null, readers: [], mode: 'plain' });
      plain.problem = `${peer} sent the media description unencrypted, readable by every server on the way`;
      this.#show(callId, plain);
      return raw;
    }
    return this.#refuse(msg, context, PLAIN_WHEN_SEALED, false);
  }

  /** A request is answered with 493 (the call goes on if there is one); a response or ACK ends the call. */
  #refuse(msg: SipMessage, context: StageContext, reason: string, signature: boolean): null {
    const callId = msg.callId;
    const dialog = this.#dialogs.get(callId);
    if (dialog) {
      dialog.problem = reason;
      if (signature) dialog.peerSignature = 'failed';
      this.#show(callId, dialog);
    }
    if (msg instanceof SipRequest && msg.method !== 'ACK') {
      context.reply(undecipherableResponse(msg, this.#options.self, reason));
      if (isInitialInvite(msg)) this.#dialogs.delete(callId);
    } else {
      this.#options.hooks.fail(callId, reason);
    }
    return null;
  }

  #remember(callId: string, d: Pick<Dialog, 'peer' | 'peerCert' | 'readers' | 'mode'>): Dialog {
    const dialog: Dialog = {
      ...d,
      key: new DialogKey(this.#options.renewal ?? DEFAULT_KEY_RENEWAL, this.#options.now ?? Date.now),
      peerSignature: 'none',
      problem: null,
    };
    this.#dialogs.set(callId, dialog);
    while (this.#dialogs.size > MAX_DIALOGS) this.#dialogs.delete(this.#dialogs.keys().next().value!);
    return dialog;
  }

  #show(callId: string, dialog: Dialog): void {
    this.#options.hooks.view(callId, view(dialog));
  }
}

function view(dialog: Dialog): SdpProtectionView {
  return { sealed: dialog.mode === 'sealed', readers: [...dialog.readers], peerSignature: dialog.peerSignature, problem: dialog.problem };
}

function contentType(msg: SipMessage): string {
  return (msg.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasSdp(msg: SipMessage, type: string): boolean {
  return msg.body.length > 0 && contentType(msg) === type;
}

function isSealed(msg: SipMessage): boolean {
  if (msg.body.length === 0 || contentType(msg) !== 'application/pkcs7-mime') return false;
  return /smime-type\s*=\s*"?authEnveloped-data/i.test(msg.get('Content-Type') ?? '');
}

/** An INVITE outside a dialog (no To tag). */
function isInitialInvite(msg: SipMessage): msg is SipRequest {
  return msg instanceof SipRequest && msg.method === 'INVITE' && !/;\s*tag=/i.test(msg.get('To') ?? '');
}

function partyOf(msg: SipMessage, header: 'From' | 'To'): string | null {
  try {
    return aor(parseNameAddr(msg.get(header) ?? '').uri);
  } catch {
    return null;
  }
}

function peerKey(peer: string): string {
  try {
    return normalizeAor(peer);
  } catch {
    return peer;
  }
}
