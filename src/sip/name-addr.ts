/** name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route (RFC 3261 §20.10, §25.1). */
import { SipParseError } from './errors.js';
import { formatParams, parseParams, separatorsOutsideQuotes, splitOutsideQuotes, type Params } from './params.js';
import { formatUri, parseUri, type SipUri } from './uri.js';

export interface NameAddr {
  display: string | null;
  uri: SipUri;
  params: Params;
}

export function parseNameAddr(text: string): NameAddr {
  const s = text.trim();
  const lt = indexOutsideQuotes(s, '<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new SipParseError(`Unterminated "<" in "${s.slice(0, 80)}"`);
    const display = s.slice(0, lt).trim();
    return {
      display: display || null,
      uri: parseUri(s.slice(lt + 1, gt)),
      params: parseParams(s.slice(gt + 1)),
    };
  }
  // addr-spec form: parameters after the URI belong to the header, not the URI (RFC 3261 §20).
  const [uriText = '', ...rest] = splitOutsideQuotes(s, ';');
  return { display: null, uri: parseUri(uriText), params: parseParams(rest.join(';')) };
}

export function formatNameAddr(n: NameAddr): string {
  const display = n.display ? `${n.display} ` : '';
  return `${display}<${formatUri(n.uri)}>${formatParams(n.params)}`;
}

function indexOutsideQuotes(s: string, ch: string): number {
  return separatorsOutsideQuotes(s, ch)[0] ?? -1;
}
