/**
 * Runs Keyhop (proxies A and B, embedded KDC, /KdcProxy) in a process of its own for
 * bench/secure.ts, with extra users for the load generator.
 *
 *   node --import tsx bench/secure-proxy.ts <dataDir> <off|offer|require> <usersPerDomain> [maxSeconds] [strict|lenient|off]
 *
 * Users are ca1…caN@a.keyhop.test and cb1…cbN@b.keyhop.test, password `<user>-pass`, known to
 * both the registrar (Digest HA1) and the KDC (Kerberos keys). Prints one line
 * `KEYHOP_READY {"httpUrl":…,"wsA":…,"wsB":…}` once listening, then serves until SIGTERM/SIGINT,
 * until stdin closes or until maxSeconds (default 600) have passed. The last argument is
 * `routeSecurity.mode` (default lenient); `off` is the benchmark's baseline without Route-Security.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteSecurityMode } from '../src/server/config.js';
import { startKeyhop } from '../src/server/keyhop.js';
import { openKdcStore } from '../src/server/kdc/store.js';
import { DEMO_ACCOUNTS, userRecord } from '../src/server/proxy/users.js';
import { serveUntilStopped } from './keyhop-child.js';

const HOST = '127.0.0.1';
const REALM = 'KEYHOP.TEST';

/** The load generator's accounts: `n` callers on domain A and `n` callees on domain B. */
export function benchAccounts(n: number): { callers: Array<{ user: string; aor: string; password: string }>; callees: Array<{ user: string; aor: string; password: string }> } {
  const make = (prefix: string, domain: string) =>
    Array.from({ length: n }, (_, i) => {
      const user = `${prefix}${i + 1}`;
      return { user, aor: `${user}@${domain}`, password: `${user}-pass` };
    });
  return { callers: make('ca', 'a.keyhop.test'), callees: make('cb', 'b.keyhop.test') };
}

async function main(): Promise<void> {
  const [dataDir, mode, nText, maxText, rsText = 'lenient'] = process.argv.slice(2);
  if (!dataDir || (mode !== 'off' && mode !== 'offer' && mode !== 'require') || !nText || !isRouteSecurityMode(rsText)) {
    throw new Error('usage: secure-proxy.ts <dataDir> <off|offer|require> <usersPerDomain> [maxSeconds] [strict|lenient|off]');
  }
  const n = Number(nText);
  const maxSeconds = Number(maxText ?? 600);
  const { callers, callees } = benchAccounts(n);
  const accounts = [...DEMO_ACCOUNTS, ...callers, ...callees];

  mkdirSync(dataDir, { recursive: true });
  const usersFile = join(dataDir, 'users.json');
  writeFileSync(usersFile, JSON.stringify({ users: accounts.map((a) => userRecord(a.aor, a.password)) }));
  // Create the KDC's principals (and the proxies' keytab) before Keyhop opens them.
  openKdcStore({
    dir: join(dataDir, 'kdc'),
    realm: REALM,
    users: accounts.map((a) => ({ name: a.aor.split('@')[0]!, password: a.password })),
    services: ['sip/a.keyhop.test', 'sip/b.keyhop.test'],
  });

  const k = await startKeyhop({
    dataDir,
    usersFile,
    logLevel: 'warn',
    http: { host: HOST, port: 0 },
    sip: { host: HOST },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
    kdc: { port: 0, realm: REALM },
    auth: { kerberos: mode },
    routeSecurity: { mode: rsText },
  });

  serveUntilStopped(k, maxSeconds, { httpUrl: k.httpUrl, wsA: k.proxies.a.wsUrl, wsB: k.proxies.b.wsUrl });
}

export function isRouteSecurityMode(x: string): x is RouteSecurityMode {
  return x === 'strict' || x === 'lenient' || x === 'off';
}

if (process.argv[1] && /secure-proxy\.ts$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`secure-proxy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
