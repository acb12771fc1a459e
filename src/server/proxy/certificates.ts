/**
 * Certificates issued with registration, and certificate lookup (seed 004 §7.2 P-1–P-9).
 *
 * REGISTER with an `application/pkcs10` body: once the registrar has accepted it for the
 * authenticated identity, the request is checked against that identity and a certificate is issued
 * for exactly the granted lifetime of the registering Contact (seed 004 【0022】). The 200 OK carries
 * it in a certs-only body with the CA certificate and every Keyhop proxy's certificate. A refused
 * request does not refuse the registration: the user stays reachable, the 200 has no body and a
 * `Warning: 399` says why, and any earlier certificate of that user ends (the user agent, seeing
 * no certificate in the answer, no longer has one either).
 *
 * The current certificate per AOR lives in memory until its registration ends: de-registration of
 * its Contact, expiry (its notAfter is the binding's expiry), or the connection closing. A REGISTER
 * without a request changes nothing, so Digest-only phones keep working as before.
 *
 * Lookup: `OPTIONS` with `Accept: application/pkix-cert` to a user of this domain, which the
 * connection policy allows, is answered here: 200 with the certificate, or exactly the 480 every
 * denied, unknown or offline callee gets (seeds 001/002 R10), so nothing is revealed.
 */
import {
  CERTIFICATE_CONTENT_TYPE,
  CERTS_ONLY_CONTENT_TYPE,
  CSR_CONTENT_TYPE,
  CertificateError,
  EnvelopeError,
  encodeCertsOnly,
  issueUserCertificate,
  type IssuingCa,
} from '../../envelope/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../sip/message.js';
import { parseNameAddr } from '../../sip/name-addr.js';
import { createResponse, randomToken } from '../../sip/response.js';
import { formatUri } from '../../sip/uri.js';
import type { Logger } from '../log.js';
import type { Flow } from '../transport/flow.js';
import type { ProxyExtension } from './extension.js';

export interface CertificateAuthorityOptions {
  /** This proxy's domain, the warn-agent of its Warning headers. */
  domain: string;
  /** The deployment CA with its key; null when the CA key is not available (no issuing then). */
  ca: IssuingCa | null;
  /** The deployment CA certificate (DER). */
  caCert: Uint8Array;
  /** Every Keyhop proxy's certificate (DER), handed to user agents to trust. */
  proxyCerts: Uint8Array[];
  log: Logger;
}

interface Current {
  cert: Uint8Array;
  /** The Contact (formatted URI) whose registration the certificate belongs to. */
  contact: string;
  flow: Flow;
  notAfter: number;
  stopWatching: () => void;
}

export class CertificateAuthority implements ProxyExtension {
  private readonly current = new Map<string, Current>();

  constructor(private readonly options: CertificateAuthorityOptions) {}

  /** The user's current certificate (DER), or null when none is valid now. */
  certificateOf(aor: string): Uint8Array | null {
    const c = this.current.get(aor);
    if (!c) return null;
    if (c.flow.closed || c.notAfter <= Date.now()) {
      this.end(aor);
      return null;
    }
    return c.cert;
  }

  async onRegistered(req: SipRequest, res: SipResponse, identity: string, flow: Flow): Promise<void> {
    const granted = grantedLifetimes(req, res);
    const mine = this.current.get(identity);
    if (mine && !granted.remaining.has(mine.contact)) this.end(identity);
    if (!isBodyOf(req, CSR_CONTENT_TYPE)) return;

    const registering = [...granted.requested].filter(([, seconds]) => seconds > 0);
    if (registering.length === 0) return;
    const [contact, lifetimeSeconds] = registering.reduce((a, b) => (b[1] > a[1] ? b : a));
    const refuse = (why: string) => {
      this.end(identity);
      this.options.log.info(`certificate request of ${identity} refused: ${why}`);
      res.append('Warning', `399 ${this.options.domain} "${quoted(`Certificate request refused: ${why}`)}"`);
    };
    if (!this.options.ca) return refuse('this registrar has no CA key and issues no certificates');
    let cert: Uint8Array;
    try {
      cert = await issueUserCertificate({ csr: bodyBytes(req), aor: identity, ca: this.options.ca, lifetimeSeconds });
    } catch (e) {
      if (e instanceof CertificateError || e instanceof EnvelopeError) return refuse(e.message);
      throw e;
    }
    if (flow.closed) return;
    this.end(identity);
    const notAfter = Date.now() + lifetimeSeconds * 1000;
    this.current.set(identity, { cert, contact, flow, notAfter, stopWatching: flow.onClose(() => this.end(identity)) });
    const body = encodeCertsOnly([cert, this.options.caCert, ...this.options.proxyCerts]);
    res.setBody(Buffer.from(body).toString('base64'), CERTS_ONLY_CONTENT_TYPE);
    res.set('Content-Transfer-Encoding', 'base64');
    this.options.log.info(`issued a certificate to ${identity} for ${lifetimeSeconds} s`);
  }

  answerFor(req: SipRequest, callee: string): SipResponse | null {
    if (req.method !== 'OPTIONS' || !accepts(req, CERTIFICATE_CONTENT_TYPE)) return null;
    const cert = this.certificateOf(callee);
    // The same answer as for a denied, unknown or offline callee (proxy.ts UNAVAILABLE).
    if (!cert) return createResponse(req, 480, 'Temporarily Unavailable', randomToken(6));
    const res = createResponse(req, 200, undefined, randomToken(6));
    res.setBody(Buffer.from(cert).toString('base64'), CERTIFICATE_CONTENT_TYPE);
    res.set('Content-Transfer-Encoding', 'base64');
    return res;
  }

  private end(aor: string): void {
    const c = this.current.get(aor);
    if (!c) return;
    c.stopWatching();
    this.current.delete(aor);
  }
}

/**
 * The REGISTER's own Contacts with the lifetime the 200 grants each (0 when it was removed), and
 * every Contact the 200 still lists for the AOR.
 */
function grantedLifetimes(req: SipRequest, res: SipResponse): { requested: Map<string, number>; remaining: Set<string> } {
  const listed = new Map<string, number>();
  for (const value of res.getAll('Contact')) {
    const c = parseNameAddr(value);
    listed.set(formatUri(c.uri), Number(c.params.get('expires') ?? 0));
  }
  const requested = new Map<string, number>();
  for (const value of req.getAll('Contact')) {
    if (value.trim() === '*') continue;
    const contact = formatUri(parseNameAddr(value).uri);
    requested.set(contact, listed.get(contact) ?? 0);
  }
  return { requested, remaining: new Set(listed.keys()) };
}

function mediaType(msg: SipMessage): string {
  return (msg.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function isBodyOf(msg: SipMessage, type: string): boolean {
  return msg.body.length > 0 && mediaType(msg) === type;
}

/** The body's DER, from base64 with or without whitespace (docs/protocol.md "Binary bodies"). */
function bodyBytes(msg: SipMessage): Uint8Array {
  return new Uint8Array(Buffer.from(msg.bodyText().replace(/\s+/g, ''), 'base64'));
}

function accepts(req: SipRequest, type: string): boolean {
  return req.getAll('Accept').flatMap((v) => v.split(',')).some((v) => v.split(';')[0]!.trim().toLowerCase() === type);
}

/** Text for a quoted-string (RFC 3261 §25.1): backslashes and quotes escaped, line breaks folded. */
function quoted(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/["\\]/g, (c) => `\\${c}`);
}
