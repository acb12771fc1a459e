/**
 * Seed 004's bundled request as a socket stage (§7.1 UA-2, UA-5, UA-8): every REGISTER that
 * registers goes out carrying the device's PKCS#10 request (base64, `application/pkcs10`); a
 * de-registration goes out as it is and ends the certificate. The 200 OK's certs-only body is
 * checked and taken into the `CertificateStore`, then removed, so JsSIP sees the answer it expects.
 * A 200 without certificates to a REGISTER that asked for one means the registrar refused; its
 * `Warning` text becomes the store's problem. The certificate also ends when the connection does.
 * First stage out, last stage in (after signatures are checked).
 */
import { CERTS_ONLY_CONTENT_TYPE, CSR_CONTENT_TYPE, decodeCertsOnly } from '../../envelope/index.js';
import { splitList } from '../../sip/headers.js';
import { SipRequest, SipResponse, type SipMessage } from '../../sip/message.js';
import { fromBase64, parseRaw, toBase64, transactionKey } from '../auth/wire.js';
import type { SocketStage } from '../stage-socket.js';
import type { CertificateStore } from './certificate-store.js';

/** What was sent in a REGISTER transaction still waiting for its final answer. */
interface Sent {
  registering: boolean;
  withCsr: boolean;
}

export function certificateStage(store: CertificateStore): SocketStage {
  const pending = new Map<string, Sent>();
  return {
    name: 'certificates',
    async outgoing(raw) {
      if (!raw.startsWith('REGISTER ')) return raw;
      const msg = parseRaw(raw);
      const key = msg ? transactionKey(msg) : null;
      if (!(msg instanceof SipRequest) || !key) return raw;
      const registering = isRegistering(msg);
      if (!registering) {
        pending.set(key, { registering, withCsr: false });
        return raw;
      }
      try {
        const csr = await store.csr();
        msg.setBody(toBase64(csr), CSR_CONTENT_TYPE);
        msg.set('Content-Transfer-Encoding', 'base64');
      } catch (error) {
        // Registered without a certificate beats not registered at all.
        console.warn('Keyhop: could not make the certificate request; registering without it', error);
        pending.set(key, { registering, withCsr: false });
        return raw;
      }
      pending.set(key, { registering, withCsr: true });
      return msg.toString();
    },
    async incoming(raw) {
      if (!raw.startsWith('SIP/2.0 ')) return raw;
      const msg = parseRaw(raw);
      const key = msg ? transactionKey(msg) : null;
      const sent = key ? pending.get(key) : undefined;
      if (!(msg instanceof SipResponse) || !key || !sent || msg.status < 200) return raw;
      pending.delete(key);
      if (msg.status >= 300) return raw;
      if (!sent.registering) {
        store.end(null);
        return raw;
      }
      if (!isCertsOnly(msg)) {
        if (sent.withCsr) store.end(warningText(msg) ?? 'The registrar issued no certificate');
        return raw;
      }
      try {
        const der = fromBase64(msg.bodyText());
        if (!der) throw new Error('the certificates are not base64');
        await store.accept(decodeCertsOnly(der));
      } catch (error) {
        store.end(`The registrar's certificate could not be used: ${error instanceof Error ? error.message : String(error)}`);
      }
      msg.setBody('');
      msg.remove('Content-Transfer-Encoding');
      return msg.toString();
    },
    // The registrar ends the certificate with the connection; so does the device.
    reset() {
      pending.clear();
      store.end(null);
    },
  };
}

/** A REGISTER that adds or refreshes a binding (any Contact other than `*` with a non-zero expiry). */
function isRegistering(req: SipRequest): boolean {
  const header = req.get('Expires')?.trim();
  return req
    .getAll('Contact')
    .flatMap(splitList)
    .some((c) => {
      if (c.trim() === '*') return false;
      const gt = c.lastIndexOf('>');
      const param = /;\s*expires\s*=\s*(\d+)/i.exec(gt >= 0 ? c.slice(gt + 1) : c)?.[1];
      const expires = param ?? header;
      return expires === undefined || Number(expires) > 0;
    });
}

function isCertsOnly(msg: SipMessage): boolean {
  const type = (msg.get('Content-Type') ?? '').toLowerCase();
  return msg.body.length > 0 && type.split(';')[0]!.trim() === CERTS_ONLY_CONTENT_TYPE.split(';')[0] && /smime-type\s*=\s*"?certs-only/.test(type);
}

/** The text of the first `Warning` header (RFC 3261 §20.43), unquoted. */
function warningText(msg: SipMessage): string | null {
  const value = msg.get('Warning');
  const quoted = value ? /"((?:[^"\\]|\\.)*)"/.exec(value)?.[1] : undefined;
  return quoted === undefined ? null : quoted.replace(/\\(.)/g, '$1');
}
