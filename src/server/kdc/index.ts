/**
 * The Kerberos side of a Keyhop deployment: either the embedded KDC (principals database,
 * proxies' keytab, TCP listener) or, when `kdc.external` is set, an external KDC that the KKDCP
 * endpoint forwards to and whose keytab the proxies read.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyhopConfig } from '../config.js';
import type { Logger } from '../log.js';
import { DEMO_ACCOUNTS } from '../proxy/users.js';
import { principalForSipAddress } from './database.js';
import { KdcCore } from './kdc.js';
import { openKdcStore } from './store.js';
import { KdcTcpServer } from './tcp.js';

export { principalForSipAddress } from './database.js';
export { KdcCore } from './kdc.js';
export { kdcExchange, KdcBadReplyError, KdcUnreachableError } from './tcp.js';

export interface KdcService {
  realm: string;
  /** True when this process runs the KDC; false with `kdc.external`. */
  embedded: boolean;
  /** Where Kerberos requests go: the embedded listener, or the external KDC. */
  host: string;
  port: number;
  /** The keytab the proxies read their service keys from. */
  keytab: string;
  /** The service principal of each proxy, e.g. `sip/a.keyhop.test@KEYHOP.TEST`. */
  servicePrincipals: string[];
  close(): Promise<void>;
}

/** `host:port` or `[v6]:port`. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new RangeError(`"${text}" is not host:port`);
  return { host: (m[1] ?? m[2])!, port };
}

/** The KDC directory in the data directory. */
export function kdcDir(config: KeyhopConfig): string {
  return join(config.dataDir, 'kdc');
}

export async function startKdcService(config: KeyhopConfig, log: Logger): Promise<KdcService> {
  const realm = config.kdc.realm;
  const services = [config.proxies.a.domain, config.proxies.b.domain].map((d) => `sip/${d.toLowerCase()}`);
  const servicePrincipals = services.map((s) => `${s}@${realm}`);
  const defaultKeytab = join(kdcDir(config), 'proxies.keytab');

  if (config.kdc.external) {
    const target = parseHostPort(config.kdc.external);
    const keytab = config.kdc.keytab ?? defaultKeytab;
    if (!existsSync(keytab)) {
      log.warn(`kdc.external is set but the proxies' keytab ${keytab} does not exist: export ${servicePrincipals.join(' and ')} from the external KDC into it (kdc.keytab)`);
    }
    log.info(`Kerberos realm ${realm}: external KDC tcp/${target.host}:${target.port}, proxies' keytab ${keytab}`);
    return { realm, embedded: false, ...target, keytab, servicePrincipals, close: async () => undefined };
  }

  const store = openKdcStore({
    dir: kdcDir(config),
    realm,
    users: DEMO_ACCOUNTS.map((a) => ({ name: principalForSipAddress(a.aor, realm).split('@')[0]!, password: a.password })),
    services,
  });
  if (store.created.length) log.info(`Kerberos principals created in ${store.principalsPath}: ${store.created.join(', ')}`);
  const core = new KdcCore(store.db, { ticketLifetimeSec: config.kdc.ticketLifetimeSec });
  const server = new KdcTcpServer({ host: config.kdc.host, port: config.kdc.port, core, log });
  const port = await server.listen();
  log.info(`Kerberos realm ${realm}: embedded KDC on tcp/${config.kdc.host}:${port}`);
  return {
    realm,
    embedded: true,
    host: config.kdc.host,
    port,
    keytab: config.kdc.keytab ?? store.keytabPath,
    servicePrincipals,
    close: () => server.close(),
  };
}
