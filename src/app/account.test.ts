import { describe, expect, it } from 'vitest';
import { loadAccount, parseAccount, saveAccount } from './account.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

describe('remembered account', () => {
  it('round-trips the address and advanced settings', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    const account = { address: 'alice@a.keyhop.test', webSocketUrl: '', realm: 'KEYHOP.TEST', kdcProxy: '', security: { minHopLevel: 2 as const, sdpReaders: ['b.keyhop.test'], withoutCertificate: 'ask' as const } };
    saveAccount(account, storage);
    expect(loadAccount(storage)).toEqual(account);
  });

  it('keeps only well-formed fields and falls back to the defaults', () => {
    expect(parseAccount('{"address":"a@b","password":"secret","security":{"minHopLevel":7,"sdpReaders":[1,"x"],"withoutCertificate":"maybe"}}')).toEqual({
      address: 'a@b',
      webSocketUrl: '',
      realm: '',
      kdcProxy: '',
      security: { minHopLevel: 1, sdpReaders: ['x'], withoutCertificate: 'refuse' },
    });
    expect(parseAccount('not json')).toBeNull();
  });

  it('reads the address older versions kept', () => {
    const storage = new MemoryStorage();
    storage.setItem('keyhop.address', 'bob@b.keyhop.test');
    expect(loadAccount(storage as unknown as Storage).address).toBe('bob@b.keyhop.test');
  });
});
