/**
 * Runs Keyhop (proxies A and B, embedded KDC, /KdcProxy, the web app) in a process of its own for
 * bench/ui.ts, serving the app built into `staticDir`.
 *
 *   node --import tsx bench/ui-keyhop.ts <dataDir> <staticDir> [maxSeconds]
 *
 * Prints one line `KEYHOP_READY {"httpUrl":…}` once listening, then serves until SIGTERM/SIGINT,
 * until stdin closes or until maxSeconds (default 600) have passed.
 */
import { startKeyhop } from '../src/server/keyhop.js';
import { serveUntilStopped } from './keyhop-child.js';

const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const [dataDir, staticDir, maxText] = process.argv.slice(2);
  if (!dataDir || !staticDir) throw new Error('usage: ui-keyhop.ts <dataDir> <staticDir> [maxSeconds]');
  const k = await startKeyhop({
    dataDir,
    logLevel: 'warn',
    http: { host: HOST, port: 0, staticDir },
    sip: { host: HOST },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
    kdc: { port: 0 },
  });
  serveUntilStopped(k, Number(maxText ?? 600), { httpUrl: k.httpUrl });
}

main().catch((err: unknown) => {
  process.stderr.write(`ui-keyhop: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
