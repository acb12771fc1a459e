/**
 * Runs Keyhop's proxies in a process of their own for bench/proxy.ts, so that the proxy
 * does not share an event loop with the benchmark driver.
 *
 *   node --import tsx bench/keyhop-proxy.ts <dataDir> [maxSeconds]
 *
 * Prints one line `KEYHOP_READY {"host":…,"port":…}` (proxy A's TCP listener) once
 * listening, then serves until SIGTERM/SIGINT, until stdin closes (the driver went away)
 * or until maxSeconds (default 900) have passed, whichever comes first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKeyhop } from '../src/server/keyhop.js';
import { serveUntilStopped } from './keyhop-child.js';

const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'keyhop-bench-'));
  const maxSeconds = Number(process.argv[3] ?? 900);
  const k = await startKeyhop({
    dataDir,
    logLevel: 'warn',
    http: { host: HOST, port: 0 },
    sip: { host: HOST },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
    kdc: { port: 0 },
    trustedPeers: [HOST],
  });

  serveUntilStopped(k, maxSeconds, k.proxies.a.tcp);
}

main().catch((err: unknown) => {
  process.stderr.write(`keyhop-proxy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
