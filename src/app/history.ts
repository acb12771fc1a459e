import type { CallDirection } from '../ua/states.js';
import type { SecuritySummary } from './security-summary.js';

/** How a call went, in one word for the history list. */
export type CallResult = 'answered' | 'declined' | 'missed' | 'not-answered' | 'failed';

/** Status codes by which a callee turns a call down. */
const DECLINES = new Set([486, 600, 603]);

/** `declinedHere`: the person pressed Decline on this incoming call. */
export function callResult(
  call: { direction: CallDirection; establishedAt: number | null; outcome: { alert: boolean; statusCode: number | null } | null },
  declinedHere: boolean,
): CallResult {
  if (call.establishedAt !== null) return 'answered';
  if (declinedHere || (call.direction === 'outgoing' && DECLINES.has(call.outcome?.statusCode ?? 0))) return 'declined';
  if (call.direction === 'incoming') return 'missed';
  return call.outcome?.alert ? 'failed' : 'not-answered';
}

/** One finished call, as the history list shows it. */
export interface HistoryEntry {
  readonly id: string;
  /** The signed-in address the call belongs to. */
  readonly account: string;
  readonly peer: string;
  readonly peerName: string | null;
  readonly direction: CallDirection;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Talk time; null when the call never came up. */
  readonly durationMs: number | null;
  /** How it ended, in words (e.g. "bob@b.keyhop.test hung up", "Declined"). */
  readonly outcome: string;
  /** The call failed for a reason the person did not cause. */
  readonly failed: boolean;
  readonly result: CallResult;
  readonly security: Pick<SecuritySummary, 'level' | 'label'>;
}

/** Where the history is kept. */
export interface HistoryStore {
  /** The account's calls, newest first. */
  list(account: string): Promise<HistoryEntry[]>;
  add(entry: HistoryEntry): Promise<void>;
  clear(account: string): Promise<void>;
}

/** How many calls per account are kept. */
export const HISTORY_LIMIT = 200;

const DB = 'keyhop';
const STORE = 'calls';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function open(factory: IDBFactory): Promise<IDBDatabase> {
  const r = factory.open(DB, 1);
  r.onupgradeneeded = () => {
    const store = r.result.createObjectStore(STORE, { keyPath: 'id' });
    store.createIndex('account', 'account');
  };
  return request(r);
}

/** The history in the browser's IndexedDB (database `keyhop`, object store `calls`). */
export function indexedDbHistory(factory: IDBFactory = indexedDB): HistoryStore {
  let db: Promise<IDBDatabase> | null = null;
  const tx = async (mode: IDBTransactionMode) => {
    db ??= open(factory);
    return (await db).transaction(STORE, mode).objectStore(STORE);
  };
  const all = async (account: string): Promise<HistoryEntry[]> => {
    const entries = (await request((await tx('readonly')).index('account').getAll(account))) as HistoryEntry[];
    return entries.sort((a, b) => b.startedAt - a.startedAt);
  };
  return {
    list: all,
    async add(entry) {
      await request((await tx('readwrite')).put(entry));
      const entries = await all(entry.account);
      if (entries.length <= HISTORY_LIMIT) return;
      const store = await tx('readwrite');
      await Promise.all(entries.slice(HISTORY_LIMIT).map((e) => request(store.delete(e.id))));
    },
    async clear(account) {
      const entries = await all(account);
      const store = await tx('readwrite');
      await Promise.all(entries.map((e) => request(store.delete(e.id))));
    },
  };
}
