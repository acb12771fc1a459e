/**
 * Parsing and serialising through `@peculiar/asn1-schema`, with the failures of hostile input
 * turned into typed errors. No DER is taken apart by hand anywhere in this module.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { toArrayBuffer, toBytes } from './bytes.js';
import { EnvelopeError } from './errors.js';

/** Largest structure accepted from the wire. Sealed SDP bodies are a few kilobytes. */
export const MAX_DER_BYTES = 256 * 1024;

/** Parses `data` as `type`, or throws `EnvelopeError('malformed')` naming `what`. */
export function parseDer<T>(data: ArrayBuffer | ArrayBufferView, type: new () => T, what: string): T {
  if (data.byteLength === 0) throw new EnvelopeError('malformed', `${what} is empty`);
  if (data.byteLength > MAX_DER_BYTES) {
    throw new EnvelopeError('malformed', `${what} is ${data.byteLength} bytes, more than the ${MAX_DER_BYTES} accepted`);
  }
  try {
    return AsnConvert.parse(toArrayBuffer(data), type);
  } catch (e) {
    throw new EnvelopeError('malformed', `${what} is not valid DER: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function serialize(value: unknown): Uint8Array<ArrayBuffer> {
  return toBytes(AsnConvert.serialize(value));
}
