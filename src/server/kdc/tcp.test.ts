import { createServer, connect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKrbError, ErrorCode } from '../../krb/asn1/index.js';
import { getEnctype } from '../../krb/crypto/index.js';
import { createLogger } from '../log.js';
import { PrincipalDatabase } from './database.js';
import { KdcCore } from './kdc.js';
import { FrameReader, kdcExchange, KdcTcpServer, KdcUnreachableError } from './tcp.js';
import { buildAsReq, errorOf } from './test-client.js';

describe('Kerberos over TCP framing', () => {
  it('splits and joins length-prefixed messages across chunks', () => {
    const r = new FrameReader(100);
    expect(r.push(Uint8Array.of(0, 0, 0, 3, 1, 2))).toEqual([]);
    expect(r.push(Uint8Array.of(3, 0, 0, 0, 1, 9, 0, 0))).toEqual([{ message: Uint8Array.of(1, 2, 3) }, { message: Uint8Array.of(9) }]);
    expect(r.pending).toBe(2);
    expect(new FrameReader(100).push(Uint8Array.of(0, 0, 0, 101))).toEqual([{ error: 'too-long', length: 101 }]);
    expect(new FrameReader(100).push(Uint8Array.of(0x80, 0, 0, 1))).toEqual([{ error: 'reserved-bit', length: 0x8000_0001 }]);
  });
});

describe('KDC TCP listener', () => {
  const realm = 'KEYHOP.TEST';
  const db = new PrincipalDatabase(realm, [{ components: ['krbtgt', realm], kvno: 1, salt: '', keys: [{ key: getEnctype(18).generateKey() }] }]);
  const server = new KdcTcpServer({ host: '127.0.0.1', port: 0, core: new KdcCore(db, { ticketLifetimeSec: 60 }), log: createLogger('silent'), idleTimeoutMs: 500 });
  beforeAll(() => server.listen());
  afterAll(() => server.close());

  it('answers a request, and several on one connection', async () => {
    const reply = await kdcExchange({ host: '127.0.0.1', port: server.port }, buildAsReq({ realm, client: 'nobody' }));
    expect(errorOf(reply)?.errorCode).toBe(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN);
  });

  it('refuses an oversized frame with KRB_ERR_FIELD_TOOLONG and closes', async () => {
    const got = await new Promise<Buffer>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => s.write(Buffer.from([0, 0x10, 0, 0])));
      const chunks: Buffer[] = [];
      s.on('data', (c) => chunks.push(c));
      s.on('close', () => resolve(Buffer.concat(chunks)));
    });
    expect(got.readUInt32BE(0)).toBe(got.length - 4);
    expect(decodeKrbError(new Uint8Array(got.subarray(4))).errorCode).toBe(ErrorCode.KRB_ERR_FIELD_TOOLONG);
  });

  it('closes an idle connection', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => s.write(Buffer.from([0, 0])));
      s.on('close', () => resolve(true));
      s.on('error', () => undefined);
    });
    expect(closed).toBe(true);
  });

  it('reports an unreachable or silent KDC', async () => {
    const silent: Server = createServer((s) => s.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    await expect(kdcExchange({ host: '127.0.0.1', port }, Uint8Array.of(1), { timeoutMs: 200 })).rejects.toThrow(KdcUnreachableError);
    await new Promise<void>((r) => silent.close(() => r()));
    await expect(kdcExchange({ host: '127.0.0.1', port }, Uint8Array.of(1))).rejects.toThrow(/cannot reach the KDC/);
  });
});
