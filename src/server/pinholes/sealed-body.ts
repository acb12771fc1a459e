/**
 * Sealed SDP bodies as they travel in SIP (docs/protocol.md "SDP envelopes (seed 003)"): the
 * AuthEnvelopedData in DER, base64-encoded (RFC 4648 §4) with `Content-Transfer-Encoding: base64`
 * because SIP over WebSocket uses text frames (RFC 7118 §5.1). Receivers also accept the base64
 * with whitespace, and raw DER when the message says `binary`.
 */
import { toBytes } from '../../envelope/bytes.js';
import { readEnvelope } from '../../envelope/envelope.js';
import { SEALED_SDP_CONTENT_TYPE } from '../../envelope/index.js';
import type { SipMessage } from '../../sip/message.js';

const SEALED_TYPE = mediaType(SEALED_SDP_CONTENT_TYPE);

/** Media type and `smime-type`, lowercased, so parameter order and spacing do not matter. */
function mediaType(value: string): string {
  const [type = '', ...params] = value.split(';').map((p) => p.trim().toLowerCase());
  const smime = params.find((p) => p.startsWith('smime-type='))?.slice('smime-type='.length).replace(/^"|"$/g, '');
  return `${type}; smime-type=${smime ?? ''}`;
}

export function isSealedBody(msg: SipMessage): boolean {
  const type = msg.get('Content-Type');
  return type !== undefined && msg.body.length > 0 && mediaType(type) === SEALED_TYPE;
}

/** The DER of a sealed body, or null when the transfer encoding cannot be decoded. */
export function sealedBodyDer(msg: SipMessage): Uint8Array | null {
  const cte = (msg.get('Content-Transfer-Encoding') ?? 'base64').trim().toLowerCase();
  if (cte === 'binary') return msg.body.slice();
  if (cte !== 'base64') return null;
  const text = new TextDecoder().decode(msg.body).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/**
 * The body with one byte of the ciphertext flipped, everything else byte-identical (the
 * `faults.alterBody` test switch): the peer's `openSdp` then fails with `bad-ciphertext`. Null
 * when the body is not a readable envelope.
 */
export function withAlteredCiphertext(msg: SipMessage): Uint8Array | null {
  const der = sealedBodyDer(msg);
  if (!der) return null;
  let ciphertext: Uint8Array;
  try {
    const value = readEnvelope(der).authEncryptedContentInfo.encryptedContent?.value;
    if (!value) return null;
    ciphertext = toBytes(value);
  } catch {
    return null;
  }
  const at = Buffer.from(der).indexOf(Buffer.from(ciphertext));
  if (ciphertext.length === 0 || at < 0) return null;
  const altered = der.slice();
  altered[at + (ciphertext.length >> 1)]! ^= 0x01;
  const cte = (msg.get('Content-Transfer-Encoding') ?? 'base64').trim().toLowerCase();
  return cte === 'binary' ? altered : new TextEncoder().encode(Buffer.from(altered).toString('base64'));
}
