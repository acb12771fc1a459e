/**
 * Settings: every one has a default, a key in the JSON config file and an environment variable.
 * Precedence: defaults < config file < environment < programmatic overrides (tests).
 * `docs/configuration.md` documents each entry of SETTINGS; a unit test keeps the two in step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogLevel } from './log.js';

export interface ProxySettings {
  domain: string;
  tcpPort: number;
  tlsPort: number;
  /** PEM files; when unset the proxy's certificate is issued by the deployment CA into the data directory. */
  tlsCert: string | null;
  tlsKey: string | null;
}

export interface KeyhopConfig {
  dataDir: string;
  logLevel: LogLevel;
  http: { host: string; port: number; tlsCert: string | null; tlsKey: string | null; staticDir: string | null };
  sip: { host: string };
  proxies: { a: ProxySettings; b: ProxySettings };
  usersFile: string | null;
  policyFile: string | null;
  routes: Record<string, string>;
  trustedPeers: string[];
  registrar: { defaultExpires: number; minExpires: number; maxExpires: number };
  timers: { transactionMs: number; inviteMs: number };
  pki: { caCert: string | null; caKey: string | null };
  kdc: { realm: string; host: string; port: number; ticketLifetimeSec: number; external: string | null; keytab: string | null };
  auth: { kerberos: 'off' | 'offer' | 'require'; challengeForeign: boolean };
  faults: { corruptRspauth: string[]; lieAboutLevel: string[]; stripEntryBelow: string[]; alterBody: string[] };
  routeSecurity: { mode: RouteSecurityMode };
  pinholes: { maxIdleSeconds: number; maxDialogs: number; maxEvents: number };
  admin: { token: string | null };
}

/** How a proxy treats a request whose Route-Security chain fails its checks (docs/protocol.md, Route-Security). */
export type RouteSecurityMode = 'strict' | 'lenient' | 'off';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

type Kind = 'string' | 'path' | 'port' | 'int' | 'level' | 'list' | 'routes' | 'hostport' | 'kerberos' | 'bool' | 'routeSecurityMode';

export interface Setting {
  key: string;
  env: string[];
  kind: Kind;
  default: unknown;
  doc: string;
  /** Smallest value an int setting accepts (default 0). */
  min?: number;
}

export const SETTINGS: Setting[] = [
  { key: 'dataDir', env: ['KEYHOP_DATA_DIR'], kind: 'path', default: './data', doc: 'Directory for users, policy, CA and proxy keys and certificates. Created on first start.' },
  { key: 'logLevel', env: ['KEYHOP_LOG_LEVEL'], kind: 'level', default: 'info', doc: 'debug, info, warn, error or silent.' },
  { key: 'http.host', env: ['KEYHOP_HTTP_HOST'], kind: 'string', default: '127.0.0.1', doc: 'Address the web server (SPA and SIP over WebSocket) listens on.' },
  { key: 'http.port', env: ['PORT', 'KEYHOP_HTTP_PORT'], kind: 'port', default: 8080, doc: 'Port of the web server; 0 picks a free one.' },
  { key: 'http.tlsCert', env: ['KEYHOP_HTTP_TLS_CERT'], kind: 'path', default: null, doc: 'PEM certificate for HTTPS/WSS. With tlsKey set the web server speaks HTTPS and SIP over WSS.' },
  { key: 'http.tlsKey', env: ['KEYHOP_HTTP_TLS_KEY'], kind: 'path', default: null, doc: 'PEM private key for http.tlsCert.' },
  { key: 'http.staticDir', env: ['KEYHOP_STATIC_DIR'], kind: 'path', default: null, doc: 'Directory of the built web app to serve. Default: dist/ of the installation (what npm run build writes).' },
  { key: 'sip.host', env: ['KEYHOP_SIP_HOST'], kind: 'string', default: '127.0.0.1', doc: 'Address the SIP TCP and TLS listeners bind to and advertise in Via and Record-Route. Must be a concrete address.' },
  { key: 'proxies.a.domain', env: ['KEYHOP_PROXY_A_DOMAIN'], kind: 'string', default: 'a.keyhop.test', doc: 'SIP domain served by proxy A.' },
  { key: 'proxies.a.tcpPort', env: ['KEYHOP_PROXY_A_TCP_PORT'], kind: 'port', default: 5070, doc: 'Proxy A SIP over TCP port (trusted peers, third-party SIP).' },
  { key: 'proxies.a.tlsPort', env: ['KEYHOP_PROXY_A_TLS_PORT'], kind: 'port', default: 5071, doc: 'Proxy A SIP over TLS port (proxy-to-proxy, mutual TLS).' },
  { key: 'proxies.a.tlsCert', env: ['KEYHOP_PROXY_A_TLS_CERT'], kind: 'path', default: null, doc: 'Proxy A certificate (PEM). Default: issued by the deployment CA into {dataDir}/pki.' },
  { key: 'proxies.a.tlsKey', env: ['KEYHOP_PROXY_A_TLS_KEY'], kind: 'path', default: null, doc: 'Proxy A private key (PEM).' },
  { key: 'proxies.b.domain', env: ['KEYHOP_PROXY_B_DOMAIN'], kind: 'string', default: 'b.keyhop.test', doc: 'SIP domain served by proxy B.' },
  { key: 'proxies.b.tcpPort', env: ['KEYHOP_PROXY_B_TCP_PORT'], kind: 'port', default: 5080, doc: 'Proxy B SIP over TCP port.' },
  { key: 'proxies.b.tlsPort', env: ['KEYHOP_PROXY_B_TLS_PORT'], kind: 'port', default: 5081, doc: 'Proxy B SIP over TLS port.' },
  { key: 'proxies.b.tlsCert', env: ['KEYHOP_PROXY_B_TLS_CERT'], kind: 'path', default: null, doc: 'Proxy B certificate (PEM).' },
  { key: 'proxies.b.tlsKey', env: ['KEYHOP_PROXY_B_TLS_KEY'], kind: 'path', default: null, doc: 'Proxy B private key (PEM).' },
  { key: 'usersFile', env: ['KEYHOP_USERS'], kind: 'path', default: null, doc: 'Users database (JSON, Digest HA1 values only, never passwords). Default {dataDir}/users.json, created with the demo accounts.' },
  { key: 'policyFile', env: ['KEYHOP_POLICY'], kind: 'path', default: null, doc: 'Connection policy (allow/deny rules). Default {dataDir}/policy.txt, created with the demo policy.' },
  { key: 'routes', env: ['KEYHOP_ROUTES'], kind: 'routes', default: {}, doc: 'Extra inter-domain routes, `domain=tls:host:port` or `domain=tcp:host:port`, comma separated in the environment. The embedded proxies route to each other without this.' },
  { key: 'trustedPeers', env: ['KEYHOP_TRUSTED_PEERS'], kind: 'list', default: [], doc: 'IP addresses whose TCP/TLS connections are trusted peers (trunks, test tools): no authentication, no identity check; requests may be routed to them.' },
  { key: 'registrar.defaultExpires', env: ['KEYHOP_REGISTRAR_DEFAULT_EXPIRES'], kind: 'int', default: 600, doc: 'Registration lifetime in seconds when the REGISTER names none.' },
  { key: 'registrar.minExpires', env: ['KEYHOP_REGISTRAR_MIN_EXPIRES'], kind: 'int', default: 60, doc: 'Shortest registration accepted (shorter gets 423 Interval Too Brief).' },
  { key: 'registrar.maxExpires', env: ['KEYHOP_REGISTRAR_MAX_EXPIRES'], kind: 'int', default: 3600, doc: 'Longest registration granted; longer requests are shortened.' },
  { key: 'timers.transactionMs', env: ['KEYHOP_TIMER_TRANSACTION_MS'], kind: 'int', default: 32000, doc: 'Client transaction timeout (RFC 3261 Timer B/F, 64×T1). A hop that does not answer within it gets 408.' },
  { key: 'timers.inviteMs', env: ['KEYHOP_TIMER_INVITE_MS'], kind: 'int', default: 180000, doc: 'How long a ringing call may go unanswered (RFC 3261 Timer C) before the proxy cancels it with 408.' },
  { key: 'pki.caCert', env: ['KEYHOP_CA_CERT'], kind: 'path', default: null, doc: 'Deployment CA certificate (PEM). Default: created in {dataDir}/pki on first start.' },
  { key: 'pki.caKey', env: ['KEYHOP_CA_KEY'], kind: 'path', default: null, doc: 'Deployment CA private key (PEM), needed only to issue missing proxy certificates.' },
  { key: 'kdc.realm', env: ['KEYHOP_KDC_REALM'], kind: 'string', default: 'KEYHOP.TEST', doc: 'Kerberos realm. A SIP address maps to the principal of its user part in this realm: alice@a.keyhop.test is alice@KEYHOP.TEST.' },
  { key: 'kdc.host', env: ['KEYHOP_KDC_HOST'], kind: 'string', default: '127.0.0.1', doc: 'Address the embedded KDC listens on (Kerberos over TCP). Browsers reach it through POST /KdcProxy.' },
  { key: 'kdc.port', env: ['KEYHOP_KDC_PORT'], kind: 'port', default: 8888, doc: 'TCP port of the embedded KDC; 0 picks a free one.' },
  { key: 'kdc.ticketLifetimeSec', env: ['KEYHOP_KDC_TICKET_LIFETIME_SEC'], kind: 'int', default: 28800, doc: 'Longest lifetime of the tickets the embedded KDC issues, in seconds (8 hours).' },
  { key: 'kdc.external', env: ['KEYHOP_KDC'], kind: 'hostport', default: null, doc: 'An external KDC, `host:port` (TCP). When set the embedded KDC does not start, POST /KdcProxy forwards to this KDC, and the proxies read their keys from kdc.keytab.' },
  { key: 'kdc.keytab', env: ['KEYHOP_KDC_KEYTAB'], kind: 'path', default: null, doc: "Keytab with the proxies' service keys (`sip/<domain>@REALM`). Default {dataDir}/kdc/proxies.keytab, written by the embedded KDC." },
  { key: 'auth.kerberos', env: ['KEYHOP_AUTH_KERBEROS'], kind: 'kerberos', default: 'offer', doc: 'Kerberos (MS-SIPAE v4) for user agents: off (Digest only), offer (challenges carry Kerberos and Digest) or require (Kerberos only). Needs the keys of sip/<domain>@REALM in kdc.keytab: without them require refuses to start and offer falls back to Digest with a warning.' },
  { key: 'auth.challengeForeign', env: ['KEYHOP_AUTH_CHALLENGE_FOREIGN'], kind: 'bool', default: false, doc: "Each proxy also challenges, with Kerberos, requests that other domains' proxies relay from their users; the user agent then holds one security association per proxy." },
  { key: 'faults.corruptRspauth', env: ['KEYHOP_FAULT_CORRUPT_RSPAUTH'], kind: 'list', default: [], doc: 'Fault injection for tests, never for production: the proxies sign responses to these methods (e.g. INVITE) with a corrupted rspauth, which clients must refuse.' },
  { key: 'faults.lieAboutLevel', env: ['KEYHOP_FAULT_LIE_ABOUT_LEVEL'], kind: 'list', default: [], doc: 'Fault injection for tests, never for production: the proxies of these domains sign their Route-Security entry with the real level of the link but write level 3 in it.' },
  { key: 'faults.stripEntryBelow', env: ['KEYHOP_FAULT_STRIP_ENTRY_BELOW'], kind: 'list', default: [], doc: 'Fault injection for tests, never for production: the proxies of these domains delete the Route-Security entry directly below their own.' },
  { key: 'routeSecurity.mode', env: ['KEYHOP_ROUTE_SECURITY_MODE'], kind: 'routeSecurityMode', default: 'lenient', doc: 'What a proxy does with a request or response whose Route-Security chain fails its checks: strict refuses it, lenient records the problem (Warning header, unattested entry) and forwards it; off adds and checks no entries (benchmarks only).' },
  { key: 'faults.alterBody', env: ['KEYHOP_FAULT_ALTER_BODY'], kind: 'list', default: [], doc: 'Fault injection for tests, never for production: the proxies of these domains flip one byte of the ciphertext of every sealed SDP body they forward (requests and responses), so the receiving user agent refuses it (bad-ciphertext).' },
  { key: 'pinholes.maxIdleSeconds', env: ['KEYHOP_PINHOLES_MAX_IDLE_SECONDS'], kind: 'int', default: 7200, min: 1, doc: 'A reader proxy closes the pinholes of a dialog that has seen no SIP message for this long (a BYE that never came).' },
  { key: 'pinholes.maxDialogs', env: ['KEYHOP_PINHOLES_MAX_DIALOGS'], kind: 'int', default: 10000, doc: 'Most dialogs with open pinholes per proxy; when full, the dialog idle longest is closed to make room.' },
  { key: 'pinholes.maxEvents', env: ['KEYHOP_PINHOLES_MAX_EVENTS'], kind: 'int', default: 200, doc: 'Pinhole events (opened, closed, refused with the reason) each proxy keeps for GET /admin/pinholes; older ones are dropped (they are also in the log).' },
  { key: 'admin.token', env: ['KEYHOP_ADMIN_TOKEN'], kind: 'string', default: null, doc: 'Bearer token for the admin endpoints (GET /admin/pinholes, docs/admin.md). Default: a random token generated on first start into {dataDir}/admin-token (mode 0600).' },
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(opts: { env?: NodeJS.ProcessEnv; file?: string | null; overrides?: DeepPartial<KeyhopConfig> } = {}): KeyhopConfig {
  const env = opts.env ?? process.env;
  const cfg: Record<string, unknown> = {};
  for (const s of SETTINGS) setPath(cfg, s.key, structuredClone(s.default));

  const file = opts.file !== undefined ? opts.file : (env.KEYHOP_CONFIG ?? (existsSync('keyhop.json') ? 'keyhop.json' : null));
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`Cannot read config file ${file}: ${(e as Error).message}`);
    }
    for (const s of SETTINGS) {
      const v = getPath(parsed, s.key);
      if (v !== undefined) setPath(cfg, s.key, coerce(s, v, `${file}: ${s.key}`));
    }
  }
  for (const s of SETTINGS) {
    for (const name of s.env) {
      const v = env[name];
      if (v !== undefined && v !== '') setPath(cfg, s.key, coerce(s, v, `environment ${name}`));
    }
  }
  if (opts.overrides) {
    for (const s of SETTINGS) {
      const v = getPath(opts.overrides, s.key);
      if (v !== undefined) setPath(cfg, s.key, coerce(s, v, `override ${s.key}`));
    }
  }
  const out = cfg as unknown as KeyhopConfig;
  out.dataDir = resolve(out.dataDir);
  const { registrar } = out;
  if (registrar.minExpires > registrar.maxExpires) throw new ConfigError(`registrar.minExpires (${registrar.minExpires}) exceeds registrar.maxExpires (${registrar.maxExpires})`);
  return out;
}

function coerce(s: Setting, v: unknown, where: string): unknown {
  const bad = (what: string) => new ConfigError(`${where}: expected ${what}, got ${JSON.stringify(v)}`);
  switch (s.kind) {
    case 'string':
    case 'path':
      if (v === null && s.default === null) return null;
      if (typeof v !== 'string' || v === '') throw bad('a non-empty string');
      return v;
    case 'port':
    case 'int': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0 || (s.kind === 'port' && n > 65535)) throw bad(s.kind === 'port' ? 'a port number 0–65535' : 'a non-negative integer');
      if (s.min !== undefined && n < s.min) throw new ConfigError(`${where}: ${s.key} must be at least ${s.min}, got ${n}`);
      return n;
    }
    case 'hostport': {
      if (v === null) return null;
      const m = typeof v === 'string' ? /^(?:\[[^\]]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(v.trim()) : null;
      if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw bad('host:port');
      return (v as string).trim();
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw bad('true or false');
    case 'kerberos':
      if (!['off', 'offer', 'require'].includes(String(v))) throw bad('one of off, offer, require');
      return v;
    case 'routeSecurityMode':
      if (!['strict', 'lenient', 'off'].includes(String(v))) throw bad('one of strict, lenient, off');
      return v;
    case 'level':
      if (!['debug', 'info', 'warn', 'error', 'silent'].includes(String(v))) throw bad('one of debug, info, warn, error, silent');
      return v;
    case 'list':
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
      if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
      throw bad('a list of strings');
    case 'routes': {
      const entries: Array<[string, unknown]> =
        typeof v === 'string' ? v.split(',').filter((x) => x.trim()).map((x) => x.split('=', 2).map((y) => y.trim()) as [string, string])
        : v && typeof v === 'object' ? Object.entries(v) : [];
      if (typeof v !== 'string' && (!v || typeof v !== 'object')) throw bad('domain → "tls:host:port" entries');
      const out: Record<string, string> = {};
      for (const [domain, target] of entries) {
        if (typeof target !== 'string' || !/^(tls|tcp):[^:]+:\d{1,5}$/.test(target)) throw bad(`"tls:host:port" or "tcp:host:port" for ${domain}`);
        out[domain.toLowerCase()] = target;
      }
      return out;
    }
  }
}

function getPath(obj: unknown, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}
