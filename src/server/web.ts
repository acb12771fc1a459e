/**
 * The web server: the built SPA from `dist/`, and SIP over WebSocket (RFC 7118) at
 * `/sip/<domain>`, one path per proxy, so a browser finds its proxy from the page's origin, and
 * the KDC proxy at `POST /KdcProxy` (kdc-proxy.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { extname, join, normalize, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { SipMessage } from '../sip/message.js';
import { isKdcProxyPath } from './kdc-proxy.js';
import type { Logger } from './log.js';
import { isAdminPath } from './pinholes/admin.js';
import type { Flow } from './transport/flow.js';
import { normalizeAddress } from './transport/stream-flow.js';
import { WsFlow } from './transport/ws-flow.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.map': 'application/json', '.woff2': 'font/woff2', '.wav': 'audio/wav', '.mp3': 'audio/mpeg',
};

/** A SIP message over WebSocket larger than this closes the connection. */
const MAX_WS_FRAME = 2 * 1024 * 1024;

export interface WebOptions {
  host: string;
  port: number;
  tls: { cert: string; key: string } | null;
  staticDir: string;
  /** Proxies by domain: where each WebSocket path delivers. */
  proxies: Map<string, (flow: Flow, msg: SipMessage) => void>;
  /** The KKDCP endpoint (`POST /KdcProxy`, see kdc-proxy.ts), when Kerberos is served. */
  kdcProxy?: (req: IncomingMessage, res: ServerResponse) => void;
  /** `/admin/*` (pinholes/admin.ts): the operator's endpoints, behind the admin bearer token. */
  admin?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Served as `/keyhop.json`: what a page needs beyond its origin (the Kerberos realm, the domains). */
  clientConfig?: Record<string, unknown>;
  log: Logger;
}

export class WebServer {
  port = 0;
  private server: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  private readonly flows = new Set<Flow>();

  constructor(private readonly o: WebOptions) {}

  get secure(): boolean {
    return this.o.tls !== null;
  }

  async listen(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      this.o.admin && isAdminPath(req.url) ? this.o.admin(req, res)
      : this.o.kdcProxy && isKdcProxyPath(req.url) ? this.o.kdcProxy(req, res) : this.serveStatic(req, res);
    this.server = this.o.tls ? createHttpsServer({ cert: this.o.tls.cert, key: this.o.tls.key }, handler) : createHttpServer(handler);
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.port = await new Promise<number>((res, rej) => {
      this.server!.once('error', rej);
      this.server!.listen(this.o.port, this.o.host, () => {
        const a = this.server!.address();
        res(typeof a === 'object' && a ? a.port : this.o.port);
      });
    });
  }

  async close(): Promise<void> {
    for (const f of this.flows) f.close();
    this.wss.close();
    if (this.server) {
      this.server.closeAllConnections?.();
      await new Promise((r) => this.server!.close(() => r(null)));
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const m = /^\/sip\/([A-Za-z0-9.-]+)\/?(?:\?.*)?$/.exec(req.url ?? '');
    const sink = m ? this.o.proxies.get(m[1]!.toLowerCase()) : undefined;
    const refuse = (status: string, text: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    if (!sink) return refuse('404 Not Found', `No SIP proxy at ${req.url}; use /sip/<domain>`);
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!protocols.includes('sip')) return refuse('400 Bad Request', 'WebSocket subprotocol "sip" is required (RFC 7118)');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const sock = req.socket;
      const flow = new WsFlow(
        ws,
        this.secure,
        { address: normalizeAddress(sock.remoteAddress), port: sock.remotePort ?? 0 },
        { address: normalizeAddress(sock.localAddress), port: sock.localPort ?? 0 },
        sink,
        this.o.log,
      );
      this.flows.add(flow);
      flow.onClose(() => this.flows.delete(flow));
      this.o.log.debug(`${flow.id} WebSocket from ${flow.remote.address}:${flow.remote.port} for ${m![1]}`);
    });
  }

  private serveStatic(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (this.o.clientConfig && (req.url ?? '').split('?')[0] === '/keyhop.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(this.o.clientConfig));
      return;
    }
    const root = resolve(this.o.staticDir);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The web app is not built: run "npm run build" (npm start does it for you).\n');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${join(root, 'assets')}`);
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  }
}
