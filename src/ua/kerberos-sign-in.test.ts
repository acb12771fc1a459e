import { describe, expect, it } from 'vitest';
import { KrbError } from '../krb/errors.js';
import { parseSipAddress } from './address.js';
import { kerberosFailureReason, kerberosSignIn } from './kerberos-sign-in.js';

describe('Kerberos sign-in', () => {
  const alice = parseSipAddress('alice@a.keyhop.test')!;

  it('skips Kerberos when the server publishes no realm', async () => {
    const notFound: typeof fetch = async () => new Response('nope', { status: 404 });
    expect(await kerberosSignIn('http://localhost:1', alice, 'x', notFound)).toBeNull();
    const noRealm: typeof fetch = async () => Response.json({ domains: [] });
    expect(await kerberosSignIn('http://localhost:1', alice, 'x', noRealm)).toBeNull();
  });

  it('reports an unreachable KDC proxy as such', async () => {
    const calls: string[] = [];
    const fetchFn: typeof fetch = async (input) => {
      const url = String(input);
      calls.push(url);
      if (url.endsWith('/keyhop.json')) return Response.json({ realm: 'KEYHOP.TEST', kdcProxy: '/KdcProxy' });
      return new Response('KDC unreachable', { status: 503 });
    };
    const e = await kerberosSignIn('http://localhost:1', alice, 'x', fetchFn).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KrbError);
    expect((e as KrbError).code).toBe('kdc-unreachable');
    expect(calls).toEqual(['http://localhost:1/keyhop.json', 'http://localhost:1/KdcProxy']);
    expect(kerberosFailureReason(e)).toMatch(/Cannot reach the Kerberos server/);
  });

  it('uses the realm and KDC proxy of the advanced settings over /keyhop.json', async () => {
    const calls: string[] = [];
    const fetchFn: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response('KDC unreachable', { status: 503 });
    };
    const e = await kerberosSignIn('http://localhost:1', alice, 'x', fetchFn, { realm: 'EXAMPLE.TEST', kdcProxy: 'http://localhost:2/kkdcp' }).catch((x: unknown) => x);
    expect((e as KrbError).code).toBe('kdc-unreachable');
    expect(calls).toEqual(['http://localhost:2/kkdcp']);
  });

  it('words each failure for a person', () => {
    expect(kerberosFailureReason(new KrbError('wrong-password', 'x'))).toBe('Wrong SIP address or password (Kerberos pre-authentication failed)');
    expect(kerberosFailureReason(new KrbError('clock-skew', 'x'))).toMatch(/clock/);
  });
});
