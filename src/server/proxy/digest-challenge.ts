/**
 * Server side of SIP Digest (RFC 3261 §22, RFC 8760): challenges offering SHA-256 and MD5, and
 * checking credentials against the users database. Nonces are stateless (timestamp + HMAC under a
 * per-process secret) and expire; each nonce count may be used once, so captured credentials
 * cannot be replayed.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { formatAuthValue, parseAuthValue } from '../../sip/auth-params.js';
import { digestResponse, type DigestAlgorithm } from '../../sip/digest.js';
import { SipParseError } from '../../sip/errors.js';
import type { UserDirectory } from './users.js';

const NONCE_TTL_MS = 5 * 60_000;
/** Order matters: JsSIP reads only the last challenge header, and it speaks only MD5. */
const OFFERED: DigestAlgorithm[] = ['SHA-256', 'MD5'];

export type DigestVerdict =
  | { ok: true; aor: string }
  | { ok: false; stale: boolean; reason: string };

export class DigestChallenger {
  private readonly secret = randomBytes(32);
  private readonly usedCounts = new Map<string, { nc: number; until: number }>();

  constructor(
    private readonly realm: string,
    private readonly users: UserDirectory,
  ) {}

  /** One header value per offered algorithm, strongest first. */
  challenges(stale = false): string[] {
    const nonce = this.makeNonce();
    return OFFERED.map((algorithm) =>
      formatAuthValue('Digest', [
        ['realm', this.realm],
        ['nonce', nonce],
        ['algorithm', algorithm],
        ['qop', 'auth'],
        ...(stale ? ([['stale', 'true']] as const) : []),
      ], new Set(['algorithm', 'stale'])),
    );
  }

  /** Checks every Digest credential for our realm among `headerValues`. */
  verify(method: string, headerValues: string[]): DigestVerdict | null {
    for (const value of headerValues) {
      let auth;
      try {
        auth = parseAuthValue(value);
      } catch (e) {
        return { ok: false, stale: false, reason: e instanceof SipParseError ? e.reason : 'Malformed credentials' };
      }
      if (auth.scheme.toLowerCase() !== 'digest' || auth.params.get('realm') !== this.realm) continue;
      return this.check(method, auth.params);
    }
    return null;
  }

  private check(method: string, p: Map<string, string>): DigestVerdict {
    const fail = (reason: string, stale = false): DigestVerdict => ({ ok: false, stale, reason });
    const username = p.get('username');
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    if (!username || !nonce || !uri || !response) return fail('Credentials lack username, nonce, uri or response');
    const algorithm = (p.get('algorithm') ?? 'MD5').toUpperCase() as DigestAlgorithm;
    if (!OFFERED.includes(algorithm)) return fail(`Unsupported Digest algorithm ${algorithm}`);
    const age = this.nonceAge(nonce);
    if (age === null) return fail('Unknown nonce');
    if (age > NONCE_TTL_MS) return fail('Nonce expired', true);

    const user = username.includes('@') ? username.slice(0, username.indexOf('@')) : username;
    const aor = `${user}@${this.realm}`;
    const record = this.users.get(aor);
    const ha1 = record?.ha1[algorithm];
    if (!ha1) return fail('Wrong user name or password');

    const qop = p.get('qop');
    let qopParams: { cnonce: string; nc: string } | undefined;
    if (qop !== undefined) {
      const cnonce = p.get('cnonce');
      const nc = p.get('nc');
      if (qop !== 'auth' || !cnonce || !nc || !/^[0-9a-fA-F]{8}$/.test(nc)) return fail('Invalid qop, cnonce or nc');
      qopParams = { cnonce, nc };
    }
    const expected = digestResponse(algorithm, ha1, { method, uri, nonce, ...(qopParams ? { qop: qopParams } : {}) });
    if (!timingSafeEqual(expected, response.toLowerCase())) return fail('Wrong user name or password');

    // Each nonce count is good once (RFC 2617 §3.2.2 replay protection); without qop, each nonce once.
    const nc = qopParams ? parseInt(qopParams.nc, 16) : 1;
    const seen = this.usedCounts.get(nonce);
    if (seen && nc <= seen.nc) return fail('Replayed credentials', true);
    this.sweep();
    this.usedCounts.set(nonce, { nc, until: Date.now() + NONCE_TTL_MS });
    return { ok: true, aor };
  }

  /** Time, a random part (two challenges in one millisecond must differ), and a MAC over both. */
  private makeNonce(): string {
    const stamp = `${Date.now().toString(16)}.${bytesToHex(randomBytes(8))}`;
    return `${stamp}.${this.mac(stamp)}`;
  }

  private nonceAge(nonce: string): number | null {
    const parts = nonce.split('.');
    const [ts, rand, mac] = parts;
    if (parts.length !== 3 || !ts || !rand || !mac || !/^[0-9a-f]+$/.test(ts)) return null;
    if (!timingSafeEqual(this.mac(`${ts}.${rand}`), mac)) return null;
    return Date.now() - parseInt(ts, 16);
  }

  private mac(stamp: string): string {
    return bytesToHex(hmac(sha256, this.secret, utf8ToBytes(`${stamp}:${this.realm}`))).slice(0, 32);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.usedCounts) if (v.until < now) this.usedCounts.delete(k);
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
