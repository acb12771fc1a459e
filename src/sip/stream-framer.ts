/**
 * Cuts SIP messages out of a byte stream (TCP, TLS) using Content-Length (RFC 3261 §18.3), and
 * recognises the CRLF keep-alive ping (RFC 5626 §3.5.1).
 */
import { DEFAULT_LIMITS, findHeaderEnd, type ParseLimits } from './parser.js';

export type Frame =
  /** `lengthMissing`: the message had no Content-Length, which RFC 3261 §18.3 requires on streams. */
  | { kind: 'message'; bytes: Uint8Array; lengthMissing?: true }
  | { kind: 'ping' }
  /** The stream cannot be framed any further; `bytes` holds what was read of the bad message. */
  | { kind: 'fatal'; reason: string; bytes: Uint8Array };

const decoder = new TextDecoder();

export class StreamFramer {
  private buf = new Uint8Array(0);
  private failed = false;

  constructor(private readonly limits: ParseLimits = DEFAULT_LIMITS) {}

  push(chunk: Uint8Array): Frame[] {
    if (this.failed) return [];
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    const frames: Frame[] = [];
    for (;;) {
      const f = this.next();
      if (!f) break;
      frames.push(f);
      if (f.kind === 'fatal') {
        this.failed = true;
        this.buf = new Uint8Array(0);
        break;
      }
    }
    return frames;
  }

  private next(): Frame | null {
    let start = 0;
    let crlfs = 0;
    while (start + 1 < this.buf.length && this.buf[start] === 0x0d && this.buf[start + 1] === 0x0a) {
      start += 2;
      crlfs++;
    }
    if (crlfs >= 2) {
      this.buf = this.buf.subarray(start);
      return { kind: 'ping' };
    }
    if (start === this.buf.length) return null;
    const startLine = this.checkStartLine(start);
    if (startLine) return startLine;
    const end = findHeaderEnd(this.buf, start);
    if ((end ? end[0] : this.buf.length) - start > this.limits.maxHeaderBytes) {
      return { kind: 'fatal', reason: `Header section too large (limit ${this.limits.maxHeaderBytes} bytes)`, bytes: this.buf.subarray(start) };
    }
    if (!end) return null;
    const head = decoder.decode(this.buf.subarray(start, end[0]));
    const m = /(?:^|\n)(?:Content-Length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
    const headerOnly = this.buf.subarray(start, end[1]);
    if (!m) {
      this.buf = this.buf.subarray(end[1]);
      return { kind: 'message', bytes: headerOnly.slice(), lengthMissing: true };
    }
    const value = m[1]!.trim();
    if (!/^\d{1,10}$/.test(value)) return { kind: 'fatal', reason: `Invalid Content-Length "${value.slice(0, 20)}"`, bytes: headerOnly };
    const length = Number(value);
    if (length > this.limits.maxBodyBytes) {
      return { kind: 'fatal', reason: `Body too large (${length} bytes, limit ${this.limits.maxBodyBytes})`, bytes: headerOnly };
    }
    if (this.buf.length < end[1] + length) return null;
    const bytes = this.buf.slice(start, end[1] + length);
    this.buf = this.buf.subarray(end[1] + length);
    return { kind: 'message', bytes };
  }

  /**
   * Gives up on a stream at once when its first line cannot start a SIP message (binary garbage,
   * another protocol), instead of buffering up to the header limit waiting for a blank line.
   */
  private checkStartLine(start: number): Frame | null {
    const lf = this.buf.indexOf(0x0a, start);
    const lineEnd = lf < 0 ? this.buf.length : lf;
    if (lineEnd - start > MAX_START_LINE) return { kind: 'fatal', reason: 'Start line too long', bytes: this.buf.subarray(start) };
    if (lf < 0) return null;
    const line = decoder.decode(this.buf.subarray(start, lineEnd)).replace(/\r$/, '');
    if (hasControlChars(line) || !line.includes('SIP/')) {
      return { kind: 'fatal', reason: 'Not a SIP message', bytes: this.buf.subarray(start) };
    }
    return null;
  }
}

/** Longest start line accepted; real ones are well under 1 KiB. */
const MAX_START_LINE = 8192;

function hasControlChars(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}
