import { DEFAULT_CALL_SECURITY, type CallSecuritySettings } from '../ua/config.js';

/**
 * What the sign-in form remembers between visits: the address and the advanced settings.
 * Never the password.
 */
export interface AccountSettings {
  readonly address: string;
  /** Empty: derived from the page's origin. */
  readonly webSocketUrl: string;
  /** Empty: from the server's `/keyhop.json`. */
  readonly realm: string;
  /** Empty: from the server's `/keyhop.json`. */
  readonly kdcProxy: string;
  readonly security: CallSecuritySettings;
}

export const DEFAULT_ACCOUNT: AccountSettings = { address: '', webSocketUrl: '', realm: '', kdcProxy: '', security: DEFAULT_CALL_SECURITY };

const KEY = 'keyhop.account';
/** Where earlier versions kept only the address. */
const OLD_KEY = 'keyhop.address';

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function security(v: unknown): CallSecuritySettings {
  const s = (v ?? {}) as Partial<Record<keyof CallSecuritySettings, unknown>>;
  const level = s.minHopLevel;
  return {
    minHopLevel: level === 0 || level === 1 || level === 2 || level === 3 ? level : DEFAULT_CALL_SECURITY.minHopLevel,
    sdpReaders: Array.isArray(s.sdpReaders) ? s.sdpReaders.filter((d): d is string => typeof d === 'string') : [],
    withoutCertificate: s.withoutCertificate === 'ask' ? 'ask' : 'refuse',
  };
}

/** Reads whatever was stored, keeping only well-formed fields. */
export function parseAccount(raw: string | null): AccountSettings | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    return {
      address: text(v.address),
      webSocketUrl: text(v.webSocketUrl),
      realm: text(v.realm),
      kdcProxy: text(v.kdcProxy),
      security: security(v.security),
    };
  } catch {
    return null;
  }
}

export function loadAccount(storage: Storage | null = localStore()): AccountSettings {
  if (!storage) return DEFAULT_ACCOUNT;
  const stored = parseAccount(storage.getItem(KEY));
  if (stored) return stored;
  return { ...DEFAULT_ACCOUNT, address: storage.getItem(OLD_KEY) ?? '' };
}

export function saveAccount(account: AccountSettings, storage: Storage | null = localStore()): void {
  try {
    storage?.setItem(KEY, JSON.stringify(account));
  } catch {
    // Storage may be full or refused; remembering is only a convenience.
  }
}

export function forgetAccount(storage: Storage | null = localStore()): void {
  try {
    storage?.removeItem(KEY);
    storage?.removeItem(OLD_KEY);
  } catch {
    // As above.
  }
}

function localStore(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}
