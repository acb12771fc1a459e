/**
 * The three MS-SIPAE header forms for the Kerberos scheme ([MS-SIPAE] §2.2, §3.2.5, §3.3.5):
 * the challenge (`Proxy-Authenticate`), the client's credentials and signature
 * (`Proxy-Authorization`) and the server's signature (`Proxy-Authentication-Info`).
 */
import { formatAuthValue, parseAuthValue } from '../sip/auth-params.js';
import { SipParseError } from '../sip/errors.js';

export const SCHEME = 'Kerberos';

export interface Challenge {
  realm: string;
  /** `sip/<proxy fqdn>`: the service principal, with its `sip/` prefix (§3.2.5.2). */
  targetname: string;
  version: number;
  /** Present when the challenge answers credentials that were rejected. */
  opaque?: string;
  gssapiData?: string;
}

export interface Credentials {
  realm: string;
  targetname: string;
  opaque?: string;
  version?: number;
  /** Base64 GSS initial context token (AP-REQ), on the message that establishes the association. */
  gssapiData?: string;
  crand?: string;
  cnum?: string;
  /** Hex of the RFC 4121 MIC token over the signature buffer. */
  response?: string;
}

export interface AuthInfo {
  realm: string;
  targetname: string;
  opaque: string;
  /** Hex of the server's MIC token; on the first response it follows the AP-REP (see docs/protocol.md). */
  rspauth: string;
  srand: string;
  snum: string;
  gssapiData?: string;
}

const BARE = new Set(['version']);

export function formatChallenge(c: Challenge): string {
  const p: Array<[string, string]> = [['realm', c.realm], ['targetname', c.targetname], ['version', String(c.version)]];
  if (c.opaque) p.push(['opaque', c.opaque]);
  if (c.gssapiData) p.push(['gssapi-data', c.gssapiData]);
  return formatAuthValue(SCHEME, p, BARE);
}

export function formatCredentials(c: Credentials): string {
  const p: Array<[string, string]> = [['qop', 'auth']];
  if (c.opaque) p.push(['opaque', c.opaque]);
  p.push(['realm', c.realm], ['targetname', c.targetname]);
  if (c.gssapiData) p.push(['gssapi-data', c.gssapiData]);
  if (c.version !== undefined) p.push(['version', String(c.version)]);
  if (c.crand !== undefined) p.push(['crand', c.crand], ['cnum', c.cnum ?? ''], ['response', c.response ?? '']);
  return formatAuthValue(SCHEME, p, BARE);
}

export function formatAuthInfo(a: AuthInfo): string {
  const p: Array<[string, string]> = [['rspauth', a.rspauth], ['srand', a.srand], ['snum', a.snum], ['opaque', a.opaque], ['qop', 'auth'], ['targetname', a.targetname], ['realm', a.realm]];
  if (a.gssapiData) p.push(['gssapi-data', a.gssapiData]);
  return formatAuthValue(SCHEME, p, BARE);
}

/** The Kerberos challenges among header values (other schemes are skipped). */
export function parseChallenges(values: string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const v of values) {
    const a = tryParse(v);
    if (!a) continue;
    const realm = a.get('realm');
    const targetname = a.get('targetname');
    if (realm === undefined || targetname === undefined) throw new SipParseError('Kerberos challenge lacks realm or targetname');
    out.push(omitUndefined({ realm, targetname, version: Number(a.get('version') ?? '3'), opaque: a.get('opaque'), gssapiData: a.get('gssapi-data') }));
  }
  return out;
}

export function parseCredentials(value: string): Credentials | null {
  const a = tryParse(value);
  if (!a) return null;
  const realm = a.get('realm');
  const targetname = a.get('targetname');
  if (realm === undefined || targetname === undefined) throw new SipParseError('Kerberos credentials lack realm or targetname');
  const version = a.get('version');
  return omitUndefined({
    realm, targetname, opaque: a.get('opaque'), version: version === undefined ? undefined : Number(version),
    gssapiData: a.get('gssapi-data'), crand: a.get('crand'), cnum: a.get('cnum'), response: a.get('response'),
  });
}

export function parseAuthInfo(value: string): AuthInfo | null {
  const a = tryParse(value);
  if (!a) return null;
  const get = (k: string) => {
    const v = a.get(k);
    if (v === undefined) throw new SipParseError(`Kerberos Proxy-Authentication-Info lacks ${k}`);
    return v;
  };
  return omitUndefined({ realm: get('realm'), targetname: get('targetname'), opaque: get('opaque'), rspauth: get('rspauth'), srand: get('srand'), snum: get('snum'), gssapiData: a.get('gssapi-data') });
}

function tryParse(value: string): Map<string, string> | null {
  const a = parseAuthValue(value);
  return a.scheme.toLowerCase() === SCHEME.toLowerCase() ? a.params : null;
}

function omitUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
