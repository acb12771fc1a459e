/** `;name=value` parameter lists as used by URIs, name-addrs and Via (RFC 3261 §25.1). */

export type Params = Map<string, string | null>;

/** Parses `;a=1;b;c="x"` (leading `;` optional). Names are lower-cased; a flag parameter has value null. */
export function parseParams(text: string): Params {
  const params: Params = new Map();
  for (const part of splitOutsideQuotes(text, ';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params.set(p.toLowerCase(), null);
    else params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  return params;
}

export function formatParams(params: Params): string {
  let s = '';
  for (const [k, v] of params) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

/**
 * Positions of `sep` that are outside quoted strings (RFC 3261 §25.1 quoted-string, with escapes)
 * and, when `angles` is set, outside `<…>`. The one scanner behind every quote-aware split here.
 */
export function separatorsOutsideQuotes(text: string, sep: string, angles = false): number[] {
  const at: number[] = [];
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (angles && ch === '<') depth++;
    else if (angles && ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === sep && depth === 0) at.push(i);
  }
  return at;
}

/** Splits on `sep` where it is not inside a quoted string (or, with `angles`, inside `<…>`). */
export function splitOutsideQuotes(text: string, sep: string, angles = false): string[] {
  const out: string[] = [];
  let start = 0;
  for (const i of separatorsOutsideQuotes(text, sep, angles)) {
    out.push(text.slice(start, i));
    start = i + 1;
  }
  out.push(text.slice(start));
  return out;
}

export function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1).replace(/\\(.)/g, '$1');
  return s;
}

export function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}
