/**
 * Registrar (RFC 3261 §10.3) for an authenticated identity: binds contacts of the identity's own
 * AOR to the connection the REGISTER came over (seeds 001/002 R4, R5).
 */
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { formatParams } from '../../sip/params.js';
import { parseNameAddr } from '../../sip/name-addr.js';
import { createResponse, randomToken } from '../../sip/response.js';
import { aor as aorOf, formatUri, parseUri } from '../../sip/uri.js';
import { SipParseError } from '../../sip/errors.js';
import type { Flow } from '../transport/flow.js';
import type { LocationService } from './location.js';

export interface RegistrarSettings {
  defaultExpires: number;
  minExpires: number;
  maxExpires: number;
}

export function register(req: SipRequest, flow: Flow, identity: string, location: LocationService, s: RegistrarSettings): SipResponse {
  const reply = (status: number, reason?: string) => createResponse(req, status, reason, randomToken(6));
  let to: string;
  let from: string;
  try {
    to = aorOf(parseNameAddr(req.get('To')!).uri);
    from = aorOf(parseNameAddr(req.get('From')!).uri);
  } catch (e) {
    return reply(400, e instanceof SipParseError ? e.reason : 'Invalid To or From');
  }
  if (flow.peer.kind !== 'user') return reply(403, 'Only user agents register here');
  if (to !== identity || from !== identity) return reply(403, `Not allowed to register ${to !== identity ? to : from} as ${identity}`);
  const domain = parseUri(req.uri).host;
  if (!identity.endsWith(`@${domain}`)) return reply(403, `${identity} is not an address of ${domain}`);

  const headerExpires = req.get('Expires');
  if (headerExpires !== undefined && !/^\d{1,10}$/.test(headerExpires.trim())) return reply(400, 'Invalid Expires');
  const contacts = req.getAll('Contact');
  const callId = req.callId;
  const cseq = req.cseq.seq;

  if (contacts.length === 1 && contacts[0] === '*') {
    if (headerExpires?.trim() !== '0') return reply(400, 'Contact * requires Expires: 0');
    location.removeAll(identity);
    return withBindings(reply(200), location, identity);
  }
  const parsed = [];
  for (const c of contacts) {
    try {
      parsed.push(parseNameAddr(c));
    } catch (e) {
      return reply(400, e instanceof SipParseError ? e.reason : 'Invalid Contact');
    }
  }
  for (const c of parsed) {
    const raw = c.params.get('expires') ?? headerExpires?.trim() ?? String(s.defaultExpires);
    if (!/^\d{1,10}$/.test(raw)) return reply(400, 'Invalid expires parameter');
    const requested = Number(raw);
    if (requested !== 0 && requested < s.minExpires) {
      const r = reply(423);
      r.set('Min-Expires', String(s.minExpires));
      return r;
    }
  }
  for (const c of parsed) {
    const contact = formatUri(c.uri);
    const existing = location.find(identity, contact);
    if (existing && existing.callId === callId && cseq <= existing.cseq) return reply(400, 'Out-of-order REGISTER (CSeq not increasing)');
    const requested = Number(c.params.get('expires') ?? headerExpires?.trim() ?? s.defaultExpires);
    if (requested === 0) location.remove(identity, contact);
    else location.upsert(identity, contact, flow, Math.min(requested, s.maxExpires), callId, cseq);
  }
  return withBindings(reply(200), location, identity);
}

/** The 200 lists every current binding with its remaining lifetime (§10.3 step 8). */
function withBindings(res: SipResponse, location: LocationService, identity: string): SipResponse {
  for (const b of location.lookup(identity)) {
    const params = new Map<string, string | null>([['expires', String(Math.max(0, Math.round((b.expiresAt - Date.now()) / 1000)))]]);
    res.append('Contact', `<${b.contact}>${formatParams(params)}`);
  }
  res.append('Date', new Date().toUTCString());
  return res;
}
