/**
 * The embedded default: proxies A and B with their registrars, their TLS link, the web server
 * (SPA + SIP over WebSocket), the deployment CA, demo users and demo policy — one process.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type DeepPartial, type KeyhopConfig, type ProxySettings as ProxyConfig } from './config.js';
import { createKdcProxyHandler } from './kdc-proxy.js';
import { startKdcService, type KdcService } from './kdc/index.js';
import { createLogger } from './log.js';
import { ensureCa, ensureProxyCert, issuingCa, pemToDer } from './pki.js';
import { CertificateAuthority } from './proxy/certificates.js';
import { KerberosAuth, loadServiceKeys } from './proxy/kerberos-auth.js';
import { ConnectionPolicy } from './proxy/policy.js';
import { Proxy, type Target } from './proxy/proxy.js';
import { contactsExtension } from './proxy/contacts.js';
import { routeSecurityExtension } from './proxy/route-security.js';
import { entryCrypto } from './proxy/route-security-crypto.js';
import { DEMO_ACCOUNTS, UserDirectory } from './proxy/users.js';
import { SdpReader } from './proxy/sdp-reader.js';
import { createAdminHandler, ensureAdminToken } from './pinholes/admin.js';
import { PinholeTable } from './pinholes/pinhole-table.js';
import { importIdentityKeys } from '../envelope/index.js';
import { SipListeners } from './transport/sip-listeners.js';
import type { SipMessage } from '../sip/message.js';
import type { Flow } from './transport/flow.js';
import { WebServer } from './web.js';

export interface RunningProxy {
  domain: string;
  tcp: { host: string; port: number };
  tls: { host: string; port: number };
  /** The WebSocket URL browsers use for this proxy. */
  wsUrl: string;
  proxy: Proxy;
}

export interface RunningKeyhop {
  config: KeyhopConfig;
  httpUrl: string;
  proxies: { a: RunningProxy; b: RunningProxy };
  /** Kerberos: realm, where the KDC is (embedded or external), the proxies' keytab. */
  kdc: Omit<KdcService, 'close'>;
  /** Where the generated admin bearer token is kept (null when `admin.token` is set). */
  admin: { tokenFile: string | null };
  stop(): Promise<void>;
}

const STATIC_DIR = resolve(fileURLToPath(new URL('../../dist', import.meta.url)));

/**
 * Starts everything. Tests pass `overrides` only; `npm start` also passes the environment and the
 * config file (see docs/configuration.md).
 */
export async function startKeyhop(overrides: DeepPartial<KeyhopConfig> = {}, source: { env?: NodeJS.ProcessEnv; file?: string | null } = { env: {}, file: null }): Promise<RunningKeyhop> {
  const config = loadConfig({ env: source.env ?? {}, file: source.file ?? null, overrides });
  const log = createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const pkiDir = join(config.dataDir, 'pki');
  const ca = await ensureCa(pkiDir, config.pki.caCert, config.pki.caKey);
  const issuer = await issuingCa(ca);
  const proxyCerts: Uint8Array[] = [];
  /** Each proxy's certificate and key (PEM): Route-Security signs with the key and verifies with the certificates. */
  const proxyPems = new Map<string, { cert: string; key: string }>();
  /** Each proxy's pinholes (seed 003 embodiment 2), listed by GET /admin/pinholes. */
  const pinholeTables = new Map<string, PinholeTable>();
  const adminToken = ensureAdminToken(config.admin.token, config.dataDir);

  const usersPath = config.usersFile ?? join(config.dataDir, 'users.json');
  if (!config.usersFile) UserDirectory.createIfMissing(usersPath, DEMO_ACCOUNTS);
  const users = UserDirectory.load(usersPath);
  const policyPath = config.policyFile ?? join(config.dataDir, 'policy.txt');
  if (!config.policyFile) ConnectionPolicy.createIfMissing(policyPath);
  const policy = ConnectionPolicy.load(policyPath);

  const kdc = await startKdcService(config, log.child('kdc'));
  const trusted = new Set(config.trustedPeers);
  const sinks = new Map<string, (flow: Flow, msg: SipMessage) => void>();
  const web = new WebServer({
    host: config.http.host,
    port: config.http.port,
    tls: config.http.tlsCert && config.http.tlsKey ? { cert: readText(config.http.tlsCert), key: readText(config.http.tlsKey) } : null,
    staticDir: config.http.staticDir ?? STATIC_DIR,
    proxies: sinks,
    kdcProxy: createKdcProxyHandler({ realm: kdc.realm, target: kdc, log: log.child('kkdcp') }),
    admin: createAdminHandler(adminToken.token, pinholeTables),
    clientConfig: { realm: kdc.realm, kdcProxy: '/KdcProxy', domains: [config.proxies.a.domain, config.proxies.b.domain] },
    log: log.child('web'),
  });

  const built: Array<{ id: 'a' | 'b'; cfg: ProxyConfig; listeners: SipListeners; routes: Map<string, Target>; proxy?: Proxy }> = [];
  for (const id of ['a', 'b'] as const) {
    const cfg = config.proxies[id];
    const pair = await ensureProxyCert(pkiDir, ca, cfg.domain, config.sip.host, { cert: cfg.tlsCert, key: cfg.tlsKey });
    proxyCerts.push(pemToDer(pair.cert, `${cfg.domain} certificate`));
    proxyPems.set(cfg.domain, pair);
    const plog = log.child(id);
    const routes = new Map<string, Target>();
    const entry: (typeof built)[number] = {
      id,
      cfg,
      routes,
      listeners: new SipListeners({
        host: config.sip.host,
        tcpPort: cfg.tcpPort,
        tlsPort: cfg.tlsPort,
        tls: { cert: pair.cert, key: pair.key, ca: ca.cert },
        trustedPeers: trusted,
        sink: (flow, msg) => entry.proxy!.receive(flow, msg),
        log: plog,
      }),
    };
    await entry.listeners.listen();
    built.push(entry);
  }
  await web.listen();

  const proxyCertPems = new Map([...proxyPems].map(([domain, pem]) => [domain, pem.cert]));
  const routeSecurity = (domain: string, kerberos: KerberosAuth | null, id: string) => {
    const mode = config.routeSecurity.mode;
    if (mode === 'off') return [];
    return [
      routeSecurityExtension({
        domain,
        mode,
        crypto: entryCrypto(proxyPems.get(domain)!.key, proxyCertPems),
        isSigned: (flow) => kerberos?.isBound(flow) ?? false,
        lieAboutLevel: config.faults.lieAboutLevel.includes(domain),
        stripEntryBelow: config.faults.stripEntryBelow.includes(domain),
        log: log.child(`${id}-rs`),
      }),
    ];
  };

  const sdpReader = async (domain: string, id: string) => {
    const table = new PinholeTable({ maxDialogs: config.pinholes.maxDialogs, idleMs: config.pinholes.maxIdleSeconds * 1000, maxEvents: config.pinholes.maxEvents, log: log.child(`${id}-sdp`) });
    pinholeTables.set(domain, table);
    const pem = proxyPems.get(domain)!;
    return new SdpReader({
      domain,
      cert: pemToDer(pem.cert, `${domain} certificate`),
      keys: await importIdentityKeys(pemToDer(pem.key, `${domain} key`)),
      caCert: pemToDer(ca.cert, 'CA certificate'),
      table,
      maxPending: 32,
      alterBody: config.faults.alterBody.includes(domain),
    });
  };

  for (const e of built) {
    for (const other of built) if (other !== e) e.routes.set(other.cfg.domain, { transport: 'tls', host: config.sip.host, port: other.listeners.tlsPort });
    for (const [domain, spec] of Object.entries(config.routes)) {
      const [transport, host, port] = spec.split(':') as ['tls' | 'tcp', string, string];
      e.routes.set(domain, { transport, host, port: Number(port) });
    }
    const listeners = e.listeners;
    const mode = config.auth.kerberos;
    let kerberos: KerberosAuth | null = null;
    if (mode !== 'off') {
      let keytab = null;
      try {
        keytab = loadServiceKeys(kdc.keytab, e.cfg.domain, kdc.realm);
      } catch (err) {
        // Kerberos only: no way to authenticate anyone, so refuse to start. Offered: Digest carries on.
        if (mode === 'require') {
          for (const b of built) await b.listeners.close();
          await web.close();
          await kdc.close();
          throw err;
        }
        log.warn(`${(err as Error).message} Proxy ${e.id} offers Digest only until then.`);
      }
      if (keytab) kerberos = new KerberosAuth({ mode, realm: kdc.realm, domain: e.cfg.domain, keytab, log: log.child(`${e.id}-krb`), corruptRspauthFor: config.faults.corruptRspauth });
    }
    e.proxy = new Proxy(
      {
        id: e.id,
        domain: e.cfg.domain,
        sipHost: config.sip.host,
        tcpPort: listeners.tcpPort,
        tlsPort: listeners.tlsPort,
        routes: e.routes,
        trustedPeers: trusted,
        registrar: config.registrar,
        timers: config.timers,
        challengeForeign: config.auth.challengeForeign,
      },
      users,
      policy,
      {
        connect: (t) => listeners.connect(t),
        sentBy: (flow) =>
          flow.transport === 'tcp' ? { transport: 'TCP', host: config.sip.host, port: listeners.tcpPort }
          : flow.transport === 'tls' ? { transport: 'TLS', host: config.sip.host, port: listeners.tlsPort }
          : { transport: flow.transport.toUpperCase(), host: config.http.host, port: web.port },
      },
      log.child(e.id),
      kerberos,
      [
        contactsExtension(e.cfg.domain, [config.proxies.a.domain, config.proxies.b.domain], users, policy),
        new CertificateAuthority({ domain: e.cfg.domain, ca: issuer, caCert: pemToDer(ca.cert, 'CA certificate'), proxyCerts, log: log.child(`${e.id}-cert`) }),
        ...routeSecurity(e.cfg.domain, kerberos, e.id),
        await sdpReader(e.cfg.domain, e.id),
      ],
    );
    sinks.set(e.cfg.domain, (flow, msg) => e.proxy!.receive(flow, msg));
  }

  const scheme = web.secure ? 'https' : 'http';
  const hostForUrl = config.http.host === '127.0.0.1' || config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  const httpUrl = `${scheme}://${hostForUrl}:${web.port}`;
  const running = (e: (typeof built)[number]): RunningProxy => ({
    domain: e.cfg.domain,
    tcp: { host: config.sip.host, port: e.listeners.tcpPort },
    tls: { host: config.sip.host, port: e.listeners.tlsPort },
    wsUrl: `${web.secure ? 'wss' : 'ws'}://${hostForUrl}:${web.port}/sip/${e.cfg.domain}`,
    proxy: e.proxy!,
  });
  return {
    config,
    httpUrl,
    proxies: { a: running(built[0]!), b: running(built[1]!) },
    kdc: { realm: kdc.realm, embedded: kdc.embedded, host: kdc.host, port: kdc.port, keytab: kdc.keytab, servicePrincipals: kdc.servicePrincipals },
    admin: { tokenFile: adminToken.file },
    async stop() {
      for (const e of built) e.proxy?.close();
      for (const t of pinholeTables.values()) t.stop();
      await web.close();
      await Promise.all(built.map((e) => e.listeners.close()));
      await kdc.close();
    },
  };
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
