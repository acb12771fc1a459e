/**
 * Small byte helpers: copies into plain `Uint8Array`s backed by their own `ArrayBuffer` (what
 * WebCrypto and the ASN.1 library accept everywhere), comparison, hex and random bytes.
 */

/** A fresh `Uint8Array` over its own `ArrayBuffer`, copied from any buffer source. */
export function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(view.byteLength);
  out.set(view);
  return out;
}

/** The bytes as an `ArrayBuffer` of exactly their length (for the ASN.1 schema classes). */
export function toArrayBuffer(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  return toBytes(data).buffer;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

export function toHex(data: ArrayBuffer | ArrayBufferView): string {
  return [...toBytes(data)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * An INTEGER's content octets without redundant leading zero bytes, so serial numbers written with
 * and without a sign-padding zero compare equal.
 */
export function trimInteger(data: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  const b = toBytes(data);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.slice(i);
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** A 32-bit unsigned integer as 4 bytes, most significant first. */
export function uint32be(value: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or undefined for bytes that are not valid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return UTF8_STRICT.decode(bytes);
  } catch {
    return undefined;
  }
}

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}
