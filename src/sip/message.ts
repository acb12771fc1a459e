/** The SIP message model (RFC 3261 §7): an ordered header list and a byte body. */
import { SipParseError } from './errors.js';
import { canonicalName, isListHeader, splitList } from './headers.js';

export interface HeaderField {
  /** Canonical long-form name (compact forms expanded). */
  name: string;
  value: string;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

abstract class SipMessageBase {
  headers: HeaderField[] = [];
  body: Uint8Array = EMPTY;

  /** The first field value of a header, or undefined. */
  get(name: string): string | undefined {
    const n = canonicalName(name);
    return this.headers.find((h) => h.name === n)?.value;
  }

  /** Every value of a header, list headers split at top-level commas, in message order. */
  getAll(name: string): string[] {
    const n = canonicalName(name);
    const fields = this.headers.filter((h) => h.name === n).map((h) => h.value);
    return isListHeader(n) ? fields.flatMap(splitList) : fields;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every field of `name` with one field, keeping the position of the first. */
  set(name: string, value: string): this {
    const n = canonicalName(name);
    const i = this.headers.findIndex((h) => h.name === n);
    this.remove(n);
    if (i < 0) this.headers.push({ name: n, value });
    else this.headers.splice(i, 0, { name: n, value });
    return this;
  }

  append(name: string, value: string): this {
    this.headers.push({ name: canonicalName(name), value });
    return this;
  }

  /** Inserts a field before the first field of the same name (or at the end if there is none). */
  prepend(name: string, value: string): this {
    const n = canonicalName(name);
    const i = this.headers.findIndex((h) => h.name === n);
    if (i < 0) this.headers.push({ name: n, value });
    else this.headers.splice(i, 0, { name: n, value });
    return this;
  }

  remove(name: string): this {
    const n = canonicalName(name);
    this.headers = this.headers.filter((h) => h.name !== n);
    return this;
  }

  /** Removes the first value of a list header (the topmost Via or Route), returning it. */
  shift(name: string): string | undefined {
    const n = canonicalName(name);
    const i = this.headers.findIndex((h) => h.name === n);
    if (i < 0) return undefined;
    const [first, ...rest] = splitList(this.headers[i]!.value);
    if (rest.length === 0) this.headers.splice(i, 1);
    else this.headers[i] = { name: n, value: rest.join(', ') };
    return first;
  }

  setBody(body: Uint8Array | string, contentType?: string): this {
    this.body = typeof body === 'string' ? encoder.encode(body) : body;
    if (contentType) this.set('Content-Type', contentType);
    else if (this.body.length === 0) this.remove('Content-Type');
    return this;
  }

  bodyText(): string {
    return new TextDecoder().decode(this.body);
  }

  abstract startLine(): string;

  /** Wire form. Content-Length always reflects the body's length in bytes. */
  toBytes(): Uint8Array {
    let head = this.startLine() + '\r\n';
    for (const h of this.headers) if (h.name !== 'Content-Length') head += `${h.name}: ${h.value}\r\n`;
    head += `Content-Length: ${this.body.length}\r\n\r\n`;
    const headBytes = encoder.encode(head);
    const out = new Uint8Array(headBytes.length + this.body.length);
    out.set(headBytes);
    out.set(this.body, headBytes.length);
    return out;
  }

  toString(): string {
    return new TextDecoder().decode(this.toBytes());
  }

  get callId(): string {
    return this.get('Call-ID') ?? '';
  }

  get cseq(): CSeq {
    return parseCSeq(this.get('CSeq') ?? '');
  }

  protected copyInto<T extends SipMessageBase>(m: T): T {
    m.headers = this.headers.map((h) => ({ ...h }));
    m.body = this.body;
    return m;
  }
}

export class SipRequest extends SipMessageBase {
  readonly isRequest = true as const;
  constructor(
    public method: string,
    public uri: string,
  ) {
    super();
  }

  startLine(): string {
    return `${this.method} ${this.uri} SIP/2.0`;
  }

  clone(): SipRequest {
    return this.copyInto(new SipRequest(this.method, this.uri));
  }
}

export class SipResponse extends SipMessageBase {
  readonly isRequest = false as const;
  constructor(
    public status: number,
    public reason: string,
  ) {
    super();
  }

  startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }

  clone(): SipResponse {
    return this.copyInto(new SipResponse(this.status, this.reason));
  }
}

export type SipMessage = SipRequest | SipResponse;

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (!m || Number(m[1]) > 2 ** 31 - 1) throw new SipParseError(`Invalid CSeq "${value.slice(0, 60)}"`);
  return { seq: Number(m[1]), method: m[2]! };
}
