/** PEM (RFC 7468) text for DER certificates, requests and keys, through `@peculiar/x509`'s converter. */
import type { PemStruct } from '@peculiar/x509';
import { toArrayBuffer, toBytes } from './bytes.js';
import { x509Lib } from './crypto.js';
import { CertificateError } from './errors.js';

export type PemLabel = 'CERTIFICATE' | 'CERTIFICATE REQUEST' | 'PRIVATE KEY' | 'PUBLIC KEY' | 'CMS' | 'PKCS7';

export function toPem(der: Uint8Array | ArrayBuffer, label: PemLabel): string {
  return x509Lib().PemConverter.encode(toArrayBuffer(der), label) + '\n';
}

/**
 * Every PEM block in `text` with the given label, as DER. Throws `CertificateError('malformed')`
 * when there is none.
 */
export function fromPem(text: string, label: PemLabel): Uint8Array<ArrayBuffer>[] {
  let blocks: PemStruct[];
  try {
    blocks = x509Lib().PemConverter.decodeWithHeaders(text);
  } catch (e) {
    throw new CertificateError('malformed', 'Not PEM text', { cause: e });
  }
  const found = blocks.filter((b) => b.type === label).map((b) => toBytes(b.rawData));
  if (found.length === 0) throw new CertificateError('malformed', `No "${label}" PEM block found`);
  return found;
}

/** The single PEM block with the label; `malformed` when there is none or more than one. */
export function fromPemOne(text: string, label: PemLabel): Uint8Array<ArrayBuffer> {
  const blocks = fromPem(text, label);
  if (blocks.length !== 1) throw new CertificateError('malformed', `Expected one "${label}" PEM block, found ${blocks.length}`);
  return blocks[0]!;
}
