/**
 * The thin layer between the Kerberos message codecs and the `asn1js` library: building DER
 * elements from plain values, parsing DER into a tree, and reading that tree with precise,
 * typed errors. Every decoding failure is a `KrbError` with code 'malformed'.
 *
 * Decoding policy (RFC 4120 §5.1): definite lengths only (indefinite BER lengths are refused),
 * no constructed string encodings, context-tagged fields must appear in ascending tag order,
 * unknown higher-numbered fields are skipped (§5.1.4), trailing bytes after the message are
 * refused.
 */
import * as asn1js from 'asn1js';
import { KrbError, malformed } from '../errors';

/** A parsed or to-be-encoded ASN.1 element. */
export type Node = asn1js.BaseBlock;

/** Reads one ASN.1 element into a value; `what` names the element in error messages. */
export type Read<T> = (node: Node, what: string) => T;

const UNIVERSAL = 1;
const APPLICATION = 2;
const CONTEXT = 3;

const TAG_INTEGER = 2;
const TAG_BIT_STRING = 3;
const TAG_OCTET_STRING = 4;
const TAG_SEQUENCE = 16;
const TAG_GENERALIZED_TIME = 24;
const TAG_GENERAL_STRING = 27;

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const UINT32_MAX = 0xffff_ffff;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

// ---------------------------------------------------------------------------------------------
// Encoding

/** DER bytes of an element. */
export function toDer(node: Node): Uint8Array {
  return new Uint8Array(node.toBER(false));
}

/** `[n] EXPLICIT inner` (context-specific, constructed). */
export function explicit(tag: number, inner: Node): Node {
  return new asn1js.Constructed({ idBlock: { tagClass: CONTEXT, tagNumber: tag }, value: [inner] });
}

/** `[APPLICATION n] inner`. */
export function application(tag: number, inner: Node): Node {
  return new asn1js.Constructed({ idBlock: { tagClass: APPLICATION, tagNumber: tag }, value: [inner] });
}

/**
 * A SEQUENCE of explicitly tagged fields. `fields[i]` is `[tag, element]`; an undefined element
 * is an absent OPTIONAL field.
 */
export function sequence(fields: ReadonlyArray<readonly [number, Node | undefined]>): Node {
  const value: Node[] = [];
  for (const [tag, element] of fields) if (element !== undefined) value.push(explicit(tag, element));
  return new asn1js.Sequence({ value });
}

/** SEQUENCE OF, each item encoded by `encode`. */
export function sequenceOf<T>(items: readonly T[], encode: (item: T) => Node): Node {
  return new asn1js.Sequence({ value: items.map(encode) });
}

/** Encodes `value` with `encode` unless it is undefined (an absent OPTIONAL field). */
export function opt<T>(value: T | undefined, encode: (v: T) => Node): Node | undefined {
  return value === undefined ? undefined : encode(value);
}

function integerIn(min: number, max: number, kind: string) {
  return (n: number): Node => {
    if (!Number.isSafeInteger(n) || n < min || n > max) throw malformed(`cannot encode ${n} as ${kind}`);
    return new asn1js.Integer({ value: n });
  };
}

/** Int32 ::= INTEGER (-2147483648..2147483647) */
export const int32 = integerIn(INT32_MIN, INT32_MAX, 'Int32');
/** UInt32 ::= INTEGER (0..4294967295) */
export const uint32 = integerIn(0, UINT32_MAX, 'UInt32');
/** Microseconds ::= INTEGER (0..999999) */
export const microseconds = integerIn(0, 999_999, 'Microseconds');

/** OCTET STRING */
export function octets(bytes: Uint8Array): Node {
  return new asn1js.OctetString({ valueHex: bytes });
}

/** KerberosString ::= GeneralString (IA5String); non-ASCII text is sent as UTF-8 (RFC 4120 §5.2.1). */
export function kerberosString(text: string): Node {
  return new asn1js.GeneralString({ valueHex: utf8.encode(text) });
}

/** KerberosTime ::= GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 4120 §5.2.3); milliseconds are dropped. */
export function kerberosTime(date: Date): Node {
  return new asn1js.GeneralizedTime({ value: formatKerberosTime(date) });
}

/** KerberosFlags ::= BIT STRING (SIZE (32..MAX)), always sent as exactly 32 bits (RFC 4120 §5.2.8). */
export function kerberosFlags(flags: number): Node {
  if (!Number.isInteger(flags) || flags < INT32_MIN || flags > UINT32_MAX) throw malformed(`cannot encode ${flags} as KerberosFlags`);
  const v = flags >>> 0;
  const bytes = new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 0 });
}

/** Formats a Date as a KerberosTime string, whole seconds, UTC. */
export function formatKerberosTime(date: Date): string {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw malformed('cannot encode an invalid Date as KerberosTime');
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw malformed(`cannot encode year ${year} as KerberosTime`);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
}

/** Parses a KerberosTime string: exactly "YYYYMMDDHHMMSSZ", UTC, no fractional seconds. */
export function parseKerberosTime(text: string, what = 'KerberosTime'): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw malformed(`${what}: "${text.slice(0, 40)}" is not YYYYMMDDHHMMSSZ`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  if (
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    throw malformed(`${what}: "${text}" is not a valid date and time`);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Parses exactly one DER element filling all of `bytes` and applies `read` to it. Any failure,
 * including an unexpected exception inside the library, becomes a 'malformed' KrbError.
 */
export function decodeDer<T>(bytes: Uint8Array, what: string, read: Read<T>): T {
  try {
    return read(parseDer(bytes, what), what);
  } catch (e) {
    if (e instanceof KrbError) throw e;
    throw malformed(what, e);
  }
}

/** Parses exactly one DER element filling all of `bytes`. */
export function parseDer(bytes: Uint8Array, what: string): Node {
  if (!(bytes instanceof Uint8Array)) throw malformed(`${what}: expected a Uint8Array`);
  if (bytes.length === 0) throw malformed(`${what}: empty input`);
  let parsed: asn1js.FromBerResult;
  try {
    parsed = asn1js.fromBER(bytes, { parseEmbedded: false, copyInput: false });
  } catch (e) {
    throw malformed(`${what}: not valid DER`, e);
  }
  if (parsed.offset === -1 || parsed.result.error) {
    throw malformed(`${what}: not valid DER (${parsed.result.error || 'truncated'})`);
  }
  if (parsed.offset !== bytes.length) throw malformed(`${what}: ${bytes.length - parsed.offset} trailing bytes after the message`);
  checkTree(parsed.result, what);
  return parsed.result;
}

/** Refuses library-reported errors, indefinite lengths and constructed primitive types anywhere in the tree. */
function checkTree(node: Node, what: string): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.error || n.idBlock.error || n.lenBlock.error || n.valueBlock.error) {
      throw malformed(`${what}: not valid DER (${n.error || n.idBlock.error || n.lenBlock.error || n.valueBlock.error})`);
    }
    if (n.lenBlock.isIndefiniteForm) throw malformed(`${what}: indefinite-length encoding is not DER`);
    if (!n.idBlock.isConstructed) continue;
    if (n.idBlock.tagClass === UNIVERSAL && n.idBlock.tagNumber !== TAG_SEQUENCE && n.idBlock.tagNumber !== 17) {
      throw malformed(`${what}: constructed encoding of universal type ${n.idBlock.tagNumber} is not DER`);
    }
    // asn1js tolerates a declared length that disagrees with the children it holds; DER does not.
    const kids = children(n);
    const inner = kids.reduce((sum, c) => sum + c.blockLength, 0);
    if (inner !== n.lenBlock.length) throw malformed(`${what}: length ${n.lenBlock.length} of a constructed value does not match its ${inner} bytes of content`);
    for (const child of kids) stack.push(child);
  }
}

function children(node: Node): Node[] {
  const value = (node.valueBlock as { value?: unknown }).value;
  return Array.isArray(value) ? (value as Node[]) : [];
}

function describe(node: Node): string {
  const { tagClass, tagNumber } = node.idBlock;
  const cls = ['?', 'UNIVERSAL', 'APPLICATION', '', 'PRIVATE'][tagClass] ?? '?';
  return cls ? `[${cls} ${tagNumber}]` : `[${tagNumber}]`;
}

function isUniversal(node: Node, tag: number, constructed: boolean): boolean {
  return node.idBlock.tagClass === UNIVERSAL && node.idBlock.tagNumber === tag && node.idBlock.isConstructed === constructed;
}

function primitiveBytes(node: Node, tag: number, typeName: string, what: string): Uint8Array {
  if (!isUniversal(node, tag, false)) throw malformed(`${what}: expected ${typeName}, found ${describe(node)}`);
  const bytes = (node.valueBlock as { valueHexView?: unknown }).valueHexView;
  if (!(bytes instanceof Uint8Array)) throw malformed(`${what}: unreadable ${typeName}`);
  return bytes;
}

/** The single element inside `[APPLICATION tag]`. */
export function readApplication(node: Node, tag: number, what: string): Node {
  const { tagClass, tagNumber, isConstructed } = node.idBlock;
  if (tagClass !== APPLICATION || tagNumber !== tag || !isConstructed) {
    throw malformed(`${what}: expected [APPLICATION ${tag}], found ${describe(node)}`);
  }
  const inner = children(node);
  if (inner.length !== 1) throw malformed(`${what}: [APPLICATION ${tag}] must hold exactly one element`);
  return inner[0] as Node;
}

/** The APPLICATION tag number of a parsed element (the Kerberos message type), or undefined. */
export function applicationTag(node: Node): number | undefined {
  return node.idBlock.tagClass === APPLICATION && node.idBlock.isConstructed ? node.idBlock.tagNumber : undefined;
}

/** Reads the explicitly tagged fields of a SEQUENCE by tag number. */
export class Fields {
  private readonly byTag = new Map<number, Node>();

  constructor(
    node: Node,
    private readonly what: string,
  ) {
    if (!isUniversal(node, TAG_SEQUENCE, true)) throw malformed(`${what}: expected SEQUENCE, found ${describe(node)}`);
    let last = -1;
    for (const child of children(node)) {
      const { tagClass, tagNumber, isConstructed } = child.idBlock;
      if (tagClass !== CONTEXT || !isConstructed) throw malformed(`${what}: expected a [n] tagged field, found ${describe(child)}`);
      if (tagNumber <= last) throw malformed(`${what}: field [${tagNumber}] repeated or out of order`);
      last = tagNumber;
      const inner = children(child);
      if (inner.length !== 1) throw malformed(`${what}: field [${tagNumber}] must hold exactly one element`);
      this.byTag.set(tagNumber, inner[0] as Node);
    }
  }

  /** A required field. */
  req<T>(tag: number, name: string, read: Read<T>): T {
    const node = this.byTag.get(tag);
    if (node === undefined) throw malformed(`${this.what}: missing ${name} [${tag}]`);
    return read(node, `${this.what}.${name}`);
  }

  /** An OPTIONAL field: undefined when absent. */
  opt<T>(tag: number, name: string, read: Read<T>): T | undefined {
    const node = this.byTag.get(tag);
    return node === undefined ? undefined : read(node, `${this.what}.${name}`);
  }
}

/** Reads `[APPLICATION tag] SEQUENCE { ... }` fields. */
export function applicationFields(node: Node, tag: number, what: string): Fields {
  return new Fields(readApplication(node, tag, what), what);
}

/** SEQUENCE OF, each item read with `read`. */
export function readSequenceOf<T>(read: Read<T>): Read<T[]> {
  return (node, what) => {
    if (!isUniversal(node, TAG_SEQUENCE, true)) throw malformed(`${what}: expected SEQUENCE OF, found ${describe(node)}`);
    return children(node).map((child, i) => read(child, `${what}[${i}]`));
  };
}

/** INTEGER as a JS number; refuses values beyond ±2^53 and non-minimal padding beyond 9 octets. */
export const readInteger: Read<number> = (node, what) => {
  const bytes = primitiveBytes(node, TAG_INTEGER, 'INTEGER', what);
  if (bytes.length === 0) throw malformed(`${what}: empty INTEGER`);
  if (bytes.length > 8) throw malformed(`${what}: INTEGER too large`);
  let v = BigInt.asIntN(8, BigInt(bytes[0] as number));
  for (let i = 1; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i] as number);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw malformed(`${what}: INTEGER too large`);
  return Number(v);
};

function readIntegerIn(min: number, max: number, kind: string): Read<number> {
  return (node, what) => {
    const n = readInteger(node, what);
    if (n < min || n > max) throw malformed(`${what}: ${n} is out of range for ${kind}`);
    return n;
  };
}

/** Int32 */
export const readInt32 = readIntegerIn(INT32_MIN, INT32_MAX, 'Int32');

/**
 * UInt32. Some implementations historically sent nonces, sequence numbers and kvnos as negative
 * Int32 values; those are accepted and read as their unsigned 32-bit equivalent.
 */
export const readUInt32: Read<number> = (node, what) => readIntegerIn(INT32_MIN, UINT32_MAX, 'UInt32')(node, what) >>> 0;

/** Microseconds ::= INTEGER (0..999999) */
export const readMicroseconds = readIntegerIn(0, 999_999, 'Microseconds');

/** An INTEGER that must equal `expected` (pvno, msg-type, tkt-vno, authenticator-vno). */
export function readExactly(expected: number): Read<number> {
  return (node, what) => {
    const n = readInteger(node, what);
    if (n !== expected) throw malformed(`${what}: expected ${expected}, found ${n}`);
    return n;
  };
}

/** OCTET STRING (a copy, not sharing memory with the input). */
export const readOctets: Read<Uint8Array> = (node, what) => primitiveBytes(node, TAG_OCTET_STRING, 'OCTET STRING', what).slice();

/** KerberosString: GeneralString whose octets must be UTF-8 (ASCII in practice). */
export const readKerberosString: Read<string> = (node, what) => {
  const bytes = primitiveBytes(node, TAG_GENERAL_STRING, 'GeneralString', what);
  try {
    return utf8Strict.decode(bytes);
  } catch (e) {
    throw malformed(`${what}: GeneralString is not UTF-8`, e);
  }
};

/** KerberosString for free text (e-text): invalid UTF-8 becomes U+FFFD instead of an error. */
export const readKerberosText: Read<string> = (node, what) => utf8Lenient.decode(primitiveBytes(node, TAG_GENERAL_STRING, 'GeneralString', what));

/** KerberosTime */
export const readKerberosTime: Read<Date> = (node, what) => {
  const bytes = primitiveBytes(node, TAG_GENERALIZED_TIME, 'GeneralizedTime', what);
  return parseKerberosTime(String.fromCharCode(...bytes.subarray(0, 64)), what);
};

/**
 * KerberosFlags as an unsigned 32-bit number whose most significant bit is flag 0. Fewer than 32
 * bits are zero-extended; bits beyond 32 are ignored (RFC 4120 §5.2.8).
 */
export const readKerberosFlags: Read<number> = (node, what) => {
  const bytes = primitiveBytes(node, TAG_BIT_STRING, 'BIT STRING', what);
  const unused = (node.valueBlock as { unusedBits?: unknown }).unusedBits;
  if (typeof unused !== 'number' || unused < 0 || unused > 7 || (bytes.length === 0 && unused !== 0)) {
    throw malformed(`${what}: bad BIT STRING padding`);
  }
  let v = 0;
  for (let i = 0; i < 4; i++) v = (v << 8) | (bytes[i] ?? 0);
  const bitCount = bytes.length * 8 - unused;
  if (bitCount < 32) v &= bitCount === 0 ? 0 : ~0 << (32 - bitCount);
  return v >>> 0;
};

/** `obj` without its undefined-valued properties, so decoded absent OPTIONAL fields are simply missing. */
export function defined<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) if (obj[key] === undefined) delete obj[key];
  return obj;
}

/** The exact received DER bytes of an element (tag, length and contents), copied. */
export const readRaw: Read<Uint8Array> = (node, what) => {
  const raw = (node as { valueBeforeDecodeView?: unknown }).valueBeforeDecodeView;
  if (!(raw instanceof Uint8Array) || raw.length === 0) throw malformed(`${what}: raw encoding unavailable`);
  return raw.slice();
};
