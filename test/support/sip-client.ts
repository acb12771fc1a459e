/** A raw SIP client over WebSocket or TCP for tests: sends bytes, queues what it receives. */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { computeDigest, type DigestAlgorithm } from '../../src/sip/digest.js';
import { parseAuthValue } from '../../src/sip/auth-params.js';
import { SipRequest, type SipMessage, type SipResponse } from '../../src/sip/message.js';
import { parseNameAddr } from '../../src/sip/name-addr.js';
import { formatUri } from '../../src/sip/uri.js';
import { parseMessage } from '../../src/sip/parser.js';
import { createResponse, randomToken } from '../../src/sip/response.js';
import { StreamFramer } from '../../src/sip/stream-framer.js';
import { addEntry, copyChain, verifyChain, type ChainReport, type Level, type Transport, type VerifyOptions } from '../../src/hopsec/index.js';
import { rawPublicKeyOfCertificate } from '../../src/server/proxy/route-security-keys.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class RawSipClient {
  readonly received: SipMessage[] = [];
  readonly raw: Uint8Array[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  private constructor(
    private readonly sendBytes: (b: Uint8Array) => void,
    private readonly closeFn: () => void,
    readonly transport: 'WS' | 'TCP' | 'TLS',
    readonly local: { host: string; port: number },
  ) {
    this.closedPromise = new Promise((r) => (this.resolveClosed = r));
  }

  static ws(url: string): Promise<RawSipClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'sip');
      const c = new RawSipClient((b) => ws.send(b), () => ws.close(), 'WS', { host: `${randomToken(4)}.invalid`, port: 0 });
      ws.on('open', () => resolve(c));
      ws.on('error', reject);
      ws.on('message', (d: Buffer) => c.push(new Uint8Array(d)));
      ws.on('close', () => c.markClosed());
    });
  }

  static tcp(host: string, port: number, localAddress?: string): Promise<RawSipClient> {
    return RawSipClient.stream(connect({ host, port, ...(localAddress ? { localAddress } : {}) }), 'connect', 'TCP', localAddress ?? '127.0.0.1');
  }

  /** TLS without a client certificate, accepting any server certificate. */
  static tls(host: string, port: number): Promise<RawSipClient> {
    return RawSipClient.stream(tlsConnect({ host, port, rejectUnauthorized: false }), 'secureConnect', 'TLS', '127.0.0.1');
  }

  private static stream(s: Socket, ready: string, transport: 'TCP' | 'TLS', localHost: string): Promise<RawSipClient> {
    return new Promise((resolve, reject) => {
      const framer = new StreamFramer();
      const c = new RawSipClient((b) => s.write(b), () => s.end(), transport, { host: localHost, port: 0 });
      s.once(ready, () => {
        c.local.port = s.localPort ?? 0;
        resolve(c);
      });
      s.on('error', reject);
      s.on('data', (d) => {
        for (const f of framer.push(d)) if (f.kind === 'message') c.push(f.bytes);
      });
      s.on('close', () => c.markClosed());
    });
  }

  send(msg: SipMessage | string | Uint8Array): void {
    this.sendBytes(typeof msg === 'string' ? new TextEncoder().encode(msg) : msg instanceof Uint8Array ? msg : msg.toBytes());
  }

  close(): void {
    this.closeFn();
  }

  /** The next received message matching `pred` (removed from the queue). */
  async next<T extends SipMessage = SipMessage>(pred: (m: SipMessage) => boolean = () => true, timeoutMs = 5000, what = 'a message'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0] as T;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}; queue: ${this.received.map((m) => m.startLine()).join(' | ') || 'empty'}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  response(status: number | ((s: number) => boolean), method?: string, timeoutMs = 5000): Promise<SipResponse> {
    const ok = typeof status === 'number' ? (s: number) => s === status : status;
    return this.next<SipResponse>((m) => !m.isRequest && ok(m.status) && (!method || m.cseq.method === method), timeoutMs, `response ${status} ${method ?? ''}`);
  }

  request(method: string, timeoutMs = 5000): Promise<SipRequest> {
    return this.next<SipRequest>((m) => m.isRequest && m.method === method, timeoutMs, `${method} request`);
  }

  /** The start line and raw text of the next received bytes starting with `prefix`, parseable or not. */
  async rawStartingWith(prefix: string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const dec = new TextDecoder();
    for (;;) {
      const hit = this.raw.find((b) => dec.decode(b.subarray(0, prefix.length)) === prefix);
      if (hit) return dec.decode(hit);
      if (Date.now() > deadline) throw new Error(`Timed out waiting for bytes starting with ${prefix}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Asserts that nothing arrives for `ms` milliseconds. */
  async nothingFor(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.received.length) throw new Error(`Expected nothing, got ${this.received.map((m) => m.startLine()).join(' | ')}`);
  }

  private push(bytes: Uint8Array): void {
    this.raw.push(bytes);
    try {
      this.received.push(parseMessage(bytes));
    } catch {
      // kept in `raw` for tests that look at bytes
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private markClosed(): void {
    this.closed = true;
    this.resolveClosed();
    for (const w of this.waiters.splice(0)) w();
  }
}

let seq = 0;
export function branch(): string {
  return `z9hG4bK-t${randomToken(6)}${++seq}`;
}

/** A scripted user agent over a raw client: builds requests and answers with the right headers. */
export class TestUa {
  readonly contact: string;
  readonly tag = randomToken(5);
  cseq = 1;
  /**
   * Route-Security (seeds 001/002): when set, every request this UA builds carries its own entry
   * with this level (the UA's view of its link to the proxy), and its answers copy the request's chain.
   */
  routeSecurityLevel: Level | null = null;

  constructor(
    readonly client: RawSipClient,
    readonly aor: string,
    readonly password: string,
  ) {
    this.contact = `sip:${aor.split('@')[0]}-${randomToken(3)}@${client.local.host}${client.local.port ? `:${client.local.port}` : ''};transport=${client.transport.toLowerCase()}`;
  }

  get domain(): string {
    return this.aor.split('@')[1]!;
  }

  via(): string {
    return `SIP/2.0/${this.client.transport} ${this.client.local.host}${this.client.local.port ? `:${this.client.local.port}` : ''};branch=${branch()};rport`;
  }

  request(method: string, uri: string, o: { to?: string; callId?: string; cseq?: number; from?: string; body?: string; headers?: Array<[string, string]>; toTag?: string } = {}): SipRequest {
    const r = new SipRequest(method, uri);
    r.append('Via', this.via());
    r.append('Max-Forwards', '70');
    r.append('From', `<sip:${o.from ?? this.aor}>;tag=${this.tag}`);
    r.append('To', `<${o.to ?? uri}>${o.toTag ? `;tag=${o.toTag}` : ''}`);
    r.append('Call-ID', o.callId ?? `${randomToken(8)}@test`);
    r.append('CSeq', `${o.cseq ?? this.cseq++} ${method}`);
    r.append('Contact', `<${this.contact}>`);
    for (const [k, v] of o.headers ?? []) r.append(k, v);
    if (o.body) r.setBody(o.body, 'application/sdp');
    return this.withOwnEntry(r);
  }

  /** Adds this UA's Route-Security entry (when `routeSecurityLevel` is set): node = AOR, addr = its Via sent-by. */
  withOwnEntry(r: SipRequest): SipRequest {
    if (this.routeSecurityLevel === null) return r;
    const addr = `${this.client.local.host}${this.client.local.port ? `:${this.client.local.port}` : ''}`;
    addEntry(r, { node: this.aor, addr, level: this.routeSecurityLevel, transport: this.client.transport.toLowerCase() as Transport });
    return r;
  }

  /**
   * REGISTER, answering the Digest challenge with `algorithm`. Resolves with the final response.
   * `body`: e.g. a base64 certificate request (`application/pkcs10`, seed 004), sent each time.
   */
  async register(opts: { expires?: number; algorithm?: DigestAlgorithm; password?: string; body?: { text: string; contentType: string } } = {}): Promise<SipResponse> {
    const callId = `${randomToken(8)}@reg`;
    const uri = `sip:${this.domain}`;
    const headers: Array<[string, string]> = opts.expires !== undefined ? [['Expires', String(opts.expires)]] : [];
    const withBody = (r: SipRequest): SipRequest => {
      if (opts.body) r.setBody(opts.body.text, opts.body.contentType).set('Content-Transfer-Encoding', 'base64');
      return r;
    };
    this.client.send(withBody(this.request('REGISTER', uri, { to: `sip:${this.aor}`, callId, headers })));
    const first = await this.client.response((s) => s >= 200, 'REGISTER');
    if (first.status !== 401) return first;
    const alg = opts.algorithm ?? 'SHA-256';
    const chal = first.getAll('WWW-Authenticate').map(parseAuthValue).find((c) => c.params.get('algorithm') === alg);
    if (!chal) throw new Error(`No ${alg} challenge in ${first}`);
    const auth = digestHeader(alg, this.aor, opts.password ?? this.password, 'REGISTER', uri, chal.params);
    this.client.send(withBody(this.request('REGISTER', uri, { to: `sip:${this.aor}`, callId, headers: [...headers, ['Authorization', auth]] })));
    return this.client.response((s) => s >= 200, 'REGISTER');
  }

  /** A response to `req` with our tag, Record-Route copied (for 2xx/18x) and our Contact. */
  answer(req: SipRequest, status: number, body?: string, edit?: (res: SipResponse) => void): SipResponse {
    const res = createResponse(req, status, undefined, this.tag);
    for (const rr of req.getAll('Record-Route')) res.append('Record-Route', rr);
    if (status < 300 && status > 100) res.append('Contact', `<${this.contact}>`);
    if (body) res.setBody(body, 'application/sdp');
    edit?.(res);
    if (this.routeSecurityLevel !== null) copyChain(req, res);
    this.client.send(res);
    return res;
  }

  /** An in-dialog request following the route set learned from `dialogMsg` (RFC 3261 §12.2.1.1). */
  inDialog(method: string, dialogMsg: SipMessage, asCaller: boolean, remoteTarget: string, cseq: number): SipRequest {
    const rr = dialogMsg.getAll('Record-Route');
    const routes = asCaller ? [...rr].reverse() : rr;
    const r = new SipRequest(method, remoteTarget);
    r.append('Via', this.via());
    r.append('Max-Forwards', '70');
    for (const route of routes) r.append('Route', route);
    r.append('From', asCaller ? dialogMsg.get('From')! : dialogMsg.get('To')!);
    r.append('To', asCaller ? dialogMsg.get('To')! : dialogMsg.get('From')!);
    r.append('Call-ID', dialogMsg.callId);
    r.append('CSeq', `${cseq} ${method}`);
    return this.withOwnEntry(r);
  }
}

/** The raw public keys of the proxies' certificates in a Keyhop data directory, by domain. */
export function proxyKeys(dataDir: string, domains: readonly string[]): (node: string) => Uint8Array | undefined {
  const keys = new Map(domains.map((d) => [d, rawPublicKeyOfCertificate(readFileSync(join(dataDir, 'pki', `${d}.crt`), 'utf8'), `${d} certificate`)]));
  return (node) => keys.get(node);
}

/** `verifyChain` on a received message, as the callee (no own entry) or the caller (`own` = its AOR at the bottom). */
export function checkChain(msg: SipMessage, keys: VerifyOptions['keys'], o: { minLevel?: Level; own?: string; allowUnattested?: boolean } = {}): ChainReport {
  return verifyChain(msg, { keys, minLevel: o.minLevel ?? 0, ...(o.own ? { own: { node: o.own, position: 'bottom' as const } } : {}), ...(o.allowUnattested ? { allowUnattested: true } : {}) });
}

/** The URI of a message's Contact: the remote target of a dialog. */
export function contactOf(m: SipMessage): string {
  return formatUri(parseNameAddr(m.get('Contact')!).uri);
}

export function digestHeader(alg: DigestAlgorithm, aor: string, password: string, method: string, uri: string, p: Map<string, string>): string {
  const [username = ''] = aor.split('@');
  const realm = p.get('realm')!;
  const nonce = p.get('nonce')!;
  const cnonce = randomToken(8);
  const nc = '00000001';
  const response = computeDigest({ algorithm: alg, username, realm, password, method, uri, nonce, qop: { cnonce, nc } });
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=fingerprint:sha-256 AB:CD\r\n';
