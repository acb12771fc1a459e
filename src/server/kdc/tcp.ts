/**
 * Kerberos over TCP (RFC 4120 §7.2.2): each message is preceded by its length as four
 * big-endian octets whose high bit is reserved. The listener is a thin shell around
 * `KdcCore.handle`; `kdcExchange` is the client side the KKDCP endpoint uses.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ErrorCode } from '../../krb/asn1/index.js';
import { addLengthPrefix } from '../../krb/kkdcp.js';
import type { Logger } from '../log.js';
import { KdcFailure } from './failure.js';
import type { KdcCore } from './kdc.js';

/** Largest request the KDC reads; larger ones get KRB_ERR_FIELD_TOOLONG and the connection closes. */
export const MAX_KDC_MESSAGE = 64 * 1024;

export type FrameEvent = { message: Uint8Array } | { error: 'too-long' | 'reserved-bit' | 'empty'; length: number };

/** Splits a TCP byte stream into length-prefixed messages. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  /** Adds received bytes; returns the complete messages (and at most one error, last). */
  push(chunk: Uint8Array): FrameEvent[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : Buffer.from(chunk);
    const out: FrameEvent[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length & 0x8000_0000) {
        out.push({ error: 'reserved-bit', length });
        return out;
      }
      if (length > this.maxBytes || length === 0) {
        out.push({ error: length === 0 ? 'empty' : 'too-long', length });
        return out;
      }
      if (this.buffered.length < 4 + length) break;
      out.push({ message: new Uint8Array(this.buffered.subarray(4, 4 + length)) });
      this.buffered = this.buffered.subarray(4 + length);
    }
    return out;
  }

  /** Bytes of an incomplete message held. */
  get pending(): number {
    return this.buffered.length;
  }
}

export interface KdcTcpOptions {
  host: string;
  port: number;
  core: KdcCore;
  log: Logger;
  maxMessageBytes?: number;
  /** A connection idle (or slow to send a whole request) this long is closed. */
  idleTimeoutMs?: number;
  maxConnections?: number;
}

export class KdcTcpServer {
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: KdcTcpOptions) {}

  async listen(): Promise<number> {
    const server = createServer((s) => this.accept(s));
    server.maxConnections = this.o.maxConnections ?? 256;
    this.server = server;
    this.port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : this.o.port);
      });
    });
    return this.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const reader = new FrameReader(this.o.maxMessageBytes ?? MAX_KDC_MESSAGE);
    socket.setTimeout(this.o.idleTimeoutMs ?? 10_000, () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (e) => this.o.log.debug(`KDC connection from ${peer}: ${e.message}`));
    socket.on('data', (chunk: Buffer) => {
      for (const ev of reader.push(chunk)) {
        if ('error' in ev) {
          const text =
            ev.error === 'reserved-bit' ? 'The reserved high bit of the TCP length prefix is set'
            : ev.error === 'empty' ? 'Empty request (length prefix 0)'
            : `Request of ${ev.length} bytes exceeds the limit of ${this.o.maxMessageBytes ?? MAX_KDC_MESSAGE} bytes`;
          this.o.log.info(`KDC request from ${peer} refused: ${text}`);
          socket.end(addLengthPrefix(this.o.core.error(new KdcFailure(ErrorCode.KRB_ERR_FIELD_TOOLONG, text))));
          socket.removeAllListeners('data');
          return;
        }
        const { reply, summary, errorCode } = this.o.core.handle(ev.message);
        // PREAUTH_REQUIRED is the normal first step of every log-in; other errors are worth seeing.
        if (errorCode !== undefined && errorCode !== ErrorCode.KDC_ERR_PREAUTH_REQUIRED) this.o.log.info(`${peer} ${summary}`);
        else this.o.log.debug(`${peer} ${summary}`);
        if (!socket.destroyed) socket.write(addLengthPrefix(reply));
      }
    });
  }
}

export class KdcUnreachableError extends Error {
  override readonly name = 'KdcUnreachableError';
}
export class KdcBadReplyError extends Error {
  override readonly name = 'KdcBadReplyError';
}

/**
 * Sends one Kerberos message (without prefix) to a KDC over TCP and returns its reply (without
 * prefix). A refused connection, a timeout or a connection closed before the whole reply is
 * `KdcUnreachableError`; a reply that is too large or wrongly framed is `KdcBadReplyError`.
 */
export function kdcExchange(target: { host: string; port: number }, message: Uint8Array, opts: { timeoutMs?: number; maxReplyBytes?: number } = {}): Promise<Uint8Array> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const reader = new FrameReader(opts.maxReplyBytes ?? 1024 * 1024);
  return new Promise((resolve, reject) => {
    let done = false;
    const socket = createConnection({ host: target.host, port: target.port });
    const finish = (err: Error | null, reply?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new KdcUnreachableError(`no reply from the KDC at ${target.host}:${target.port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(addLengthPrefix(message)));
    socket.on('error', (e) => finish(new KdcUnreachableError(`cannot reach the KDC at ${target.host}:${target.port}: ${e.message}`)));
    socket.on('close', () => finish(new KdcUnreachableError(`the KDC at ${target.host}:${target.port} closed the connection without a reply`)));
    socket.on('data', (chunk: Buffer) => {
      for (const ev of reader.push(chunk)) {
        if ('error' in ev) return finish(new KdcBadReplyError(`the KDC's reply is wrongly framed (${ev.error}, length ${ev.length})`));
        return finish(null, ev.message);
      }
    });
  });
}
