/**
 * Parses one complete SIP message (RFC 3261 §7, §25) from bytes. Stream transports cut messages
 * out first with `StreamFramer`; message transports (WebSocket, RFC 7118) hand each frame here.
 * Every failure is a `SipParseError` whose reason is fit for a 400's reason phrase.
 */
import { SipParseError } from './errors.js';
import { canonicalName, isToken } from './headers.js';
import { SipRequest, SipResponse, type SipMessage } from './message.js';
import { parseNameAddr } from './name-addr.js';
import { parseUri } from './uri.js';
import { parseVia } from './via.js';

export interface ParseLimits {
  /** Largest header section accepted, in bytes. */
  maxHeaderBytes: number;
  /** Largest body accepted, in bytes. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxHeaderBytes: 65536, maxBodyBytes: 65536 };

const REQUEST_MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards'];
const RESPONSE_MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/**
 * Finds the blank line that ends the header section: returns [headerEnd, bodyStart] or null.
 * `headerEnd` excludes the last header line's terminator, CR included.
 */
export function findHeaderEnd(bytes: Uint8Array, from = 0): [number, number] | null {
  for (let i = from; i < bytes.length - 1; i++) {
    if (bytes[i] !== 0x0a) continue;
    const headerEnd = i > from && bytes[i - 1] === 0x0d ? i - 1 : i;
    if (bytes[i + 1] === 0x0a) return [headerEnd, i + 2];
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return [headerEnd, i + 3];
  }
  return null;
}

export function parseMessage(bytes: Uint8Array, limits: ParseLimits = DEFAULT_LIMITS): SipMessage {
  const end = findHeaderEnd(bytes);
  const headBytes = end ? bytes.subarray(0, end[0]) : bytes;
  const body = end ? bytes.subarray(end[1]) : new Uint8Array(0);

  let head: string;
  let utf8Error = false;
  try {
    head = new TextDecoder('utf-8', { fatal: true }).decode(headBytes);
  } catch {
    head = new TextDecoder('utf-8').decode(headBytes);
    utf8Error = true;
  }
  const lines = unfold(head);
  const startLine = lines.shift() ?? '';
  const isRequest = !startLine.startsWith('SIP/');
  const fields: Array<[string, string]> = [];
  let badLine: string | null = null;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || !isToken(name)) {
      badLine ??= line;
      continue;
    }
    fields.push([canonicalName(name), line.slice(colon + 1).trim()]);
  }
  const fail = (reason: string): never => {
    throw new SipParseError(reason, { isRequest, headers: fields });
  };

  if (headBytes.length > limits.maxHeaderBytes) fail(`Header section too large (${headBytes.length} bytes, limit ${limits.maxHeaderBytes})`);
  if (utf8Error) fail('Invalid UTF-8 in header section');
  if (!end) fail('Truncated message: no empty line after the headers');
  if (badLine !== null) fail(`Malformed header line "${printable(badLine)}"`);

  const msg = parseStartLine(startLine, fail);
  for (const [name, value] of fields) msg.headers.push({ name, value });

  for (const name of msg.isRequest ? REQUEST_MANDATORY : RESPONSE_MANDATORY) {
    if (!msg.has(name)) fail(`Missing mandatory header ${name}`);
  }
  const check = <T>(what: () => T): T => {
    try {
      return what();
    } catch (e) {
      return fail(e instanceof SipParseError ? e.reason : String(e));
    }
  };
  check(() => parseVia(msg.getAll('Via')[0] ?? ''));
  check(() => parseNameAddr(msg.get('From')!));
  check(() => parseNameAddr(msg.get('To')!));
  const cseq = check(() => msg.cseq);
  if (msg.isRequest) {
    if (cseq.method !== msg.method) fail(`CSeq method ${cseq.method} does not match request method ${msg.method}`);
    const mf = msg.get('Max-Forwards')!;
    if (!/^\d{1,3}$/.test(mf) || Number(mf) > 255) fail(`Invalid Max-Forwards "${printable(mf)}"`);
  }

  const cl = msg.get('Content-Length');
  if (cl !== undefined) {
    if (!/^\d{1,10}$/.test(cl)) fail(`Invalid Content-Length "${printable(cl)}"`);
    const n = Number(cl);
    if (n > body.length) fail(`Content-Length ${n} exceeds the body's ${body.length} bytes`);
    if (n < body.length) fail(`Content-Length ${n} is less than the body's ${body.length} bytes`);
  }
  if (body.length > limits.maxBodyBytes) fail(`Body too large (${body.length} bytes, limit ${limits.maxBodyBytes})`);
  msg.remove('Content-Length');
  msg.body = body.slice();
  return msg;
}

function parseStartLine(line: string, fail: (reason: string) => never): SipRequest | SipResponse {
  if (line.startsWith('SIP/')) {
    const m = /^SIP\/(\d+\.\d+) ([1-6]\d\d) ([^\r\n]*)$/.exec(line);
    if (!m) fail(`Bad status line "${printable(line)}"`);
    if (m![1] !== '2.0') fail(`Unsupported SIP version ${m![1]}`);
    return new SipResponse(Number(m![2]), m![3]!);
  }
  const m = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/(\d+\.\d+)$/.exec(line);
  if (!m) fail(`Bad request line "${printable(line)}"`);
  if (m![3] !== '2.0') fail(`Unsupported SIP version ${m![3]}`);
  const uri = m![2]!;
  if (/^sips?:/i.test(uri)) {
    try {
      parseUri(uri);
    } catch (e) {
      fail(e instanceof SipParseError ? e.reason : 'Invalid Request-URI');
    }
  } else if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) fail(`Invalid Request-URI "${printable(uri)}"`);
  return new SipRequest(m![1]!.toUpperCase(), uri);
}

/** Splits the header section into lines and joins folded continuation lines (RFC 3261 §7.3.1). */
function unfold(head: string): string[] {
  const out: string[] = [];
  for (const raw of head.split(/\r?\n/)) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && out.length > 1) {
      out[out.length - 1] = out[out.length - 1]!.trimEnd() + ' ' + raw.trim();
    } else out.push(raw);
  }
  return out;
}

/** A short, printable excerpt for error messages. */
function printable(s: string): string {
  const cut = s.length > 60 ? s.slice(0, 60) + '…' : s;
  return cut.replace(/[^\x20-\x7e]/g, '?');
}
