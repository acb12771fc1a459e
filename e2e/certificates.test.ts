/** Seed 004 in the browser: signing in gets the device a certificate for a key kept non-extractable in IndexedDB. */
import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import type { PhonePage } from './support/phone-page.js';
import { until } from './support/wait.js';

const { open } = browserHarness();

interface Own {
  serial: string;
  notAfter: number;
}

function certificate(phone: PhonePage): Promise<Own> {
  return until(`${phone.name}'s certificate`, () => phone.page.evaluate(() => window.__keyhop?.certificate?.()?.own ?? undefined), 15_000);
}

/** The stored identity of `aor`: whether its private key is extractable, and its public key (hex). */
function storedIdentity(phone: PhonePage, aor: string): Promise<{ extractable: boolean[]; publicKey: string } | null> {
  return phone.page.evaluate(async (account) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('keyhop-identity');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const keys = await new Promise<{ signingKey: CryptoKey; agreementKey: CryptoKey; publicKey: CryptoKey } | undefined>((resolve, reject) => {
      const r = db.transaction('keys').objectStore('keys').get(account);
      r.onsuccess = () => resolve(r.result as never);
      r.onerror = () => reject(r.error);
    });
    db.close();
    if (!keys) return null;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
    return { extractable: [keys.signingKey.extractable, keys.agreementKey.extractable], publicKey: [...raw].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, aor);
}

describe('the device certificate (seed 004)', () => {
  it('signing in registers with a certificate request; the key stays in IndexedDB, non-extractable, and is reused after a reload', async () => {
    const alice = await open('alice');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    const first = await certificate(alice);
    expect(first.serial).toMatch(/^[0-9a-f]+$/);
    expect(first.notAfter).toBeGreaterThan(Date.now() + 60_000);

    const stored = await storedIdentity(alice, 'alice@a.keyhop.test');
    expect(stored?.extractable).toEqual([false, false]);
    expect(stored?.publicKey).toMatch(/^04[0-9a-f]{128}$/);

    await alice.page.reload({ waitUntil: 'load' });
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    const second = await certificate(alice);
    expect(second.serial).not.toBe(first.serial);
    expect((await storedIdentity(alice, 'alice@a.keyhop.test'))?.publicKey).toBe(stored?.publicKey);
  });
});
