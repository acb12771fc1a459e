/** `npm start`: runs the embedded default and says how to use it. */
import { ConfigError } from './config.js';
import { startKeyhop } from './keyhop.js';
import { DEMO_ACCOUNTS } from './proxy/users.js';

async function main(): Promise<void> {
  let k;
  try {
    k = await startKeyhop({}, { env: process.env });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') console.error(`Keyhop cannot start: a port is already in use (${err.message}). Set PORT, the proxy ports or KEYHOP_KDC_PORT (docs/configuration.md).`);
    else if (e instanceof ConfigError) console.error(`Keyhop cannot start: ${err.message}`);
    else console.error(`Keyhop cannot start: ${err.stack ?? err}`);
    process.exit(1);
  }
  const { a, b } = k.proxies;
  console.log(`
Keyhop is running.

  Open ${k.httpUrl} in two browser windows and sign in with two of the demo accounts:
${DEMO_ACCOUNTS.map((d) => `    ${d.aor.padEnd(22)} password ${d.password}`).join('\n')}
  The demo policy forbids carol -> bob.

  Proxy A (${a.domain}): WebSocket ${a.wsUrl}, TCP ${a.tcp.host}:${a.tcp.port}, TLS ${a.tls.host}:${a.tls.port}
  Proxy B (${b.domain}): WebSocket ${b.wsUrl}, TCP ${b.tcp.host}:${b.tcp.port}, TLS ${b.tls.host}:${b.tls.port}
  Kerberos realm ${k.kdc.realm}: ${k.kdc.embedded ? 'embedded' : 'external'} KDC at ${k.kdc.host}:${k.kdc.port}, KDC proxy ${k.httpUrl}/KdcProxy
  Data directory: ${k.config.dataDir}
  Admin: ${k.httpUrl}/admin/pinholes with "Authorization: Bearer <token>", the token ${k.admin.tokenFile ? `in ${k.admin.tokenFile}` : 'of the admin.token setting'} (docs/admin.md)

Press Ctrl+C to stop.
`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    k.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
