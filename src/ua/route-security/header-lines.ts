/**
 * Editing the Route-Security fields of a raw SIP message in place: the rest of the text (as JsSIP
 * and the earlier stages wrote it) stays byte for byte, so nothing else is re-serialized.
 */
import { HEADER } from '../../hopsec/index.js';

const FIELD = new RegExp(`^${HEADER}[ \\t]*:`, 'i');

/**
 * `raw` without its Route-Security fields and with `values` (top entry first) as one field each,
 * right after the start line.
 */
export function withChain(raw: string, values: readonly string[]): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const rest = split < 0 ? '' : raw.slice(split);
  const eol = head.includes('\r\n') ? '\r\n' : '\n';
  const [start = '', ...fields] = unfoldedLines(head, eol);
  const kept = fields.filter((line) => !FIELD.test(line));
  return [start, ...values.map((v) => `${HEADER}: ${v}`), ...kept].join(eol) + rest;
}

/** Header lines with continuation lines (RFC 3261 §7.3.1) kept with the line they continue. */
function unfoldedLines(head: string, eol: string): string[] {
  const out: string[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length > 1) out[out.length - 1] += eol + line;
    else out.push(line);
  }
  return out;
}
