import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getEnctype } from '../../krb/crypto/index.js';
import { findKeytabEntry, readKeytab } from '../../krb/keytab.js';
import { KdcStoreError, openKdcStore, setPasswordPrincipal } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyhop-kdc-store-'));
  dirs.push(d);
  return join(d, 'kdc');
}

const opts = (dir: string, services = ['sip/a.keyhop.test', 'sip/b.keyhop.test']) => ({
  dir,
  realm: 'KEYHOP.TEST',
  users: [
    { name: 'alice', password: 'alice-pass' },
    { name: 'bob', password: 'bob-pass' },
  ],
  services,
});

describe('KDC principals database and keytab', () => {
  it('creates the database (keys only, mode 0600) and the proxies\' keytab on first start', () => {
    const dir = tempDir();
    const s = openKdcStore(opts(dir));
    expect(s.created).toEqual(['krbtgt/KEYHOP.TEST', 'alice', 'bob', 'sip/a.keyhop.test', 'sip/b.keyhop.test']);
    for (const f of [s.principalsPath, s.keytabPath]) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const text = readFileSync(s.principalsPath, 'utf8');
    expect(text).not.toMatch(/-pass/);
    const file = JSON.parse(text);
    const alice = file.principals.find((p: { name: string }) => p.name === 'alice');
    expect(alice.salt).toBe('KEYHOP.TESTalice');
    expect(alice.kvno).toBe(1);
    expect(alice.keys.map((k: { enctype: number }) => k.enctype)).toEqual([18, 17, 20, 19]);
    const expected = Buffer.from(getEnctype(18).stringToKey('alice-pass', 'KEYHOP.TESTalice').bytes).toString('hex');
    expect(alice.keys[0].key).toBe(expected);
    expect(alice.keys[0].iterations).toBe(4096);

    const keytab = readKeytab(new Uint8Array(readFileSync(s.keytabPath)));
    expect(keytab).toHaveLength(8);
    const entry = findKeytabEntry(keytab, 'sip/a.keyhop.test@KEYHOP.TEST', 18)!;
    expect(Buffer.from(entry.key).equals(Buffer.from(s.db.get(['sip', 'a.keyhop.test'])!.keys[0]!.key.bytes))).toBe(true);
    expect(keytab.some((e) => e.principal.name.nameString[0] === 'krbtgt' || e.principal.name.nameString[0] === 'alice')).toBe(false);
  });

  it('keeps existing keys on the next start, adds missing services, rewrites a missing keytab', () => {
    const dir = tempDir();
    const first = openKdcStore(opts(dir));
    const before = readFileSync(first.principalsPath, 'utf8');
    const again = openKdcStore(opts(dir));
    expect(again.created).toEqual([]);
    expect(readFileSync(first.principalsPath, 'utf8')).toBe(before);
    unlinkSync(first.keytabPath);
    const third = openKdcStore(opts(dir, ['sip/a.keyhop.test', 'sip/b.keyhop.test', 'sip/c.keyhop.test']));
    expect(third.created).toEqual(['sip/c.keyhop.test']);
    expect(readKeytab(new Uint8Array(readFileSync(third.keytabPath)))).toHaveLength(12);
    expect(third.db.get(['alice'])!.keys[0]!.key.bytes).toEqual(first.db.get(['alice'])!.keys[0]!.key.bytes);
  });

  it('refuses a database of another realm, or a damaged one, with a clear message', () => {
    const dir = tempDir();
    const s = openKdcStore(opts(dir));
    expect(() => openKdcStore({ ...opts(dir), realm: 'OTHER.TEST' })).toThrow(/is for realm KEYHOP.TEST, but kdc.realm is OTHER.TEST/);
    writeFileSync(s.principalsPath, JSON.stringify({ realm: 'KEYHOP.TEST', principals: [{ name: 'x', kvno: 1, salt: '', keys: [{ enctype: 23, key: '00' }] }] }));
    expect(() => openKdcStore(opts(dir))).toThrow(KdcStoreError);
    expect(() => openKdcStore(opts(dir))).toThrow(/needs an AES "enctype"/);
    writeFileSync(s.principalsPath, '{');
    expect(() => openKdcStore(opts(dir))).toThrow(/not JSON/);
  });

  it('adds a user, and re-keys one with a new kvno', () => {
    const dir = tempDir();
    openKdcStore(opts(dir));
    expect(setPasswordPrincipal(dir, 'dave', 'dave-pass')).toEqual({ kvno: 1, created: true });
    expect(setPasswordPrincipal(dir, 'alice', 'new-pass')).toEqual({ kvno: 2, created: false });
    const s = openKdcStore(opts(dir));
    expect(s.db.get(['dave'])!.salt).toBe('KEYHOP.TESTdave');
    const alice = s.db.get(['alice'])!;
    expect(alice.kvno).toBe(2);
    expect(Buffer.from(alice.keys[0]!.key.bytes).toString('hex')).toBe(Buffer.from(getEnctype(18).stringToKey('new-pass', 'KEYHOP.TESTalice').bytes).toString('hex'));
    expect(readFileSync(s.principalsPath, 'utf8')).not.toMatch(/new-pass|dave-pass/);
    expect(() => setPasswordPrincipal(dir, 'x@OTHER', 'p')).toThrow(/without the realm/);
  });
});
