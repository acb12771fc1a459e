/**
 * Where a device keeps its identity keys (seed 004 §7.1 UA-1): one non-extractable P-256 identity
 * per account, created on first use. In a browser the `CryptoKey`s are stored in IndexedDB
 * (structured-cloneable, still non-extractable after a reload); where there is no IndexedDB (Node
 * tests) they live in memory for the life of the process, and `persistent` says so.
 */
import { generateIdentityKeys, isIdentityKeys, type IdentityKeys } from '../../envelope/index.js';

const DB_NAME = 'keyhop-identity';
const STORE = 'keys';

export interface KeyStore {
  /** False when the keys only last as long as this page or process. */
  readonly persistent: boolean;
  /** The account's keys, created and saved on first use. */
  keysFor(account: string): Promise<IdentityKeys>;
}

/** The IndexedDB store when the platform has one, the memory store otherwise. */
export function defaultKeyStore(): KeyStore {
  return typeof indexedDB === 'undefined' ? new MemoryKeyStore() : new IndexedDbKeyStore();
}

export class MemoryKeyStore implements KeyStore {
  readonly persistent = false;
  readonly #keys = new Map<string, Promise<IdentityKeys>>();

  keysFor(account: string): Promise<IdentityKeys> {
    let keys = this.#keys.get(account);
    if (!keys) {
      keys = generateIdentityKeys();
      this.#keys.set(account, keys);
    }
    return keys;
  }
}

export class IndexedDbKeyStore implements KeyStore {
  readonly persistent = true;
  readonly #pending = new Map<string, Promise<IdentityKeys>>();

  keysFor(account: string): Promise<IdentityKeys> {
    let keys = this.#pending.get(account);
    if (!keys) {
      keys = this.#load(account);
      this.#pending.set(account, keys);
      keys.catch(() => this.#pending.delete(account));
    }
    return keys;
  }

  async #load(account: string): Promise<IdentityKeys> {
    const db = await openDb();
    try {
      const stored = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(account));
      if (isIdentityKeys(stored)) return stored;
      const keys = await generateIdentityKeys();
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(keys, account));
      return keys;
    } finally {
      db.close();
    }
  }
}

function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
