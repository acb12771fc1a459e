/**
 * A proxy's SIP over TCP and TLS listeners and its outbound connection pool. TLS is mutual between
 * deployment proxies: a peer presenting a certificate from the deployment CA is known by the
 * dNSName in it; a trusted-peer address is a trunk; anyone else is a user agent.
 */
import { createServer as createTcpServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { SipMessage } from '../../sip/message.js';
import type { Logger } from '../log.js';
import type { Target } from '../proxy/proxy.js';
import type { Flow, PeerKind } from './flow.js';
import { normalizeAddress, StreamFlow } from './stream-flow.js';

export interface ListenerOptions {
  host: string;
  tcpPort: number;
  tlsPort: number;
  tls: { cert: string; key: string; ca: string };
  trustedPeers: Set<string>;
  sink: (flow: Flow, msg: SipMessage) => void;
  log: Logger;
}

const CONNECT_TIMEOUT_MS = 5000;

export class SipListeners {
  tcpPort = 0;
  tlsPort = 0;
  private tcpServer: Server | null = null;
  private tlsServer: Server | null = null;
  private readonly flows = new Set<Flow>();
  private readonly pool = new Map<string, Promise<Flow>>();

  constructor(private readonly o: ListenerOptions) {}

  async listen(): Promise<void> {
    this.tcpServer = createTcpServer((socket) => this.adopt(new StreamFlow(socket, 'tcp', this.classify(socket, false), this.o.sink, this.o.log)));
    this.tlsServer = createTlsServer(
      { cert: this.o.tls.cert, key: this.o.tls.key, ca: this.o.tls.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
      (socket) => this.adopt(new StreamFlow(socket, 'tls', this.classify(socket, true), this.o.sink, this.o.log)),
    );
    this.tlsServer.on('tlsClientError', (e) => this.o.log.debug(`TLS handshake failed: ${e.message}`));
    this.tcpPort = await listenOn(this.tcpServer, this.o.host, this.o.tcpPort);
    this.tlsPort = await listenOn(this.tlsServer, this.o.host, this.o.tlsPort);
  }

  /** An open flow to `target`: an existing one when there is one, else a new connection. */
  connect(target: Target): Promise<Flow> {
    const key = `${target.transport}:${target.host}:${target.port}`;
    const existing = this.pool.get(key);
    if (existing) return existing;
    const p = new Promise<Flow>((resolve, reject) => {
      const host = target.host.replace(/^\[|\]$/g, '');
      const onError = (e: Error) => reject(e);
      let socket: Socket | TLSSocket;
      if (target.transport === 'tls') {
        const s = tlsConnect({ host, port: target.port, cert: this.o.tls.cert, key: this.o.tls.key, ca: this.o.tls.ca, checkServerIdentity: () => undefined, minVersion: 'TLSv1.2' });
        s.once('secureConnect', () => {
          const domain = certDomain(s);
          if (!domain) {
            s.destroy();
            reject(new Error(`${key} presented no deployment proxy certificate`));
            return;
          }
          resolve(this.adopt(new StreamFlow(s, 'tls', { kind: 'proxy', domain }, this.o.sink, this.o.log)));
        });
        socket = s;
      } else {
        const s = tcpConnect({ host, port: target.port });
        s.once('connect', () => resolve(this.adopt(new StreamFlow(s, 'tcp', { kind: 'trusted' }, this.o.sink, this.o.log))));
        socket = s;
      }
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error('connection timed out')));
      socket.once('error', onError);
    });
    this.pool.set(key, p);
    p.then(
      (flow) => flow.onClose(() => this.pool.get(key) === p && this.pool.delete(key)),
      () => this.pool.delete(key),
    );
    return p;
  }

  async close(): Promise<void> {
    for (const f of this.flows) f.close();
    await Promise.all([this.tcpServer, this.tlsServer].map((s) => (s ? new Promise((r) => s.close(() => r(null))) : null)));
  }

  private adopt(flow: Flow): Flow {
    this.flows.add(flow);
    flow.onClose(() => this.flows.delete(flow));
    this.o.log.debug(`${flow.id} open from ${flow.remote.address}:${flow.remote.port} (${flow.peer.kind})`);
    return flow;
  }

  private classify(socket: Socket | TLSSocket, tls: boolean): PeerKind {
    if (tls) {
      const s = socket as TLSSocket;
      const domain = s.authorized ? certDomain(s) : null;
      if (domain) return { kind: 'proxy', domain };
    }
    if (this.o.trustedPeers.has(normalizeAddress(socket.remoteAddress))) return { kind: 'trusted' };
    return { kind: 'user' };
  }
}

/** The proxy domain named by the peer's certificate (its first dNSName), if the chain verified. */
function certDomain(s: TLSSocket): string | null {
  if (!s.authorized) return null;
  const san = s.getPeerCertificate()?.subjectaltname ?? '';
  const m = /DNS:([^,\s]+)/.exec(san);
  return m ? m[1]!.toLowerCase() : null;
}

function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
