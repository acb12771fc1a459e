/**
 * The users database: a JSON file of accounts holding Digest HA1 values per algorithm (RFC 8760),
 * never passwords. Created with the demo accounts on first start of the embedded default.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { digestHa1, type DigestAlgorithm } from '../../sip/digest.js';

export interface UserRecord {
  /** `user@domain`; the Digest realm is the domain. */
  aor: string;
  ha1: Partial<Record<DigestAlgorithm, string>>;
}

export const DEMO_ACCOUNTS = [
  { aor: 'alice@a.keyhop.test', password: 'alice-pass' },
  { aor: 'carol@a.keyhop.test', password: 'carol-pass' },
  { aor: 'bob@b.keyhop.test', password: 'bob-pass' },
] as const;

export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

export class UserDirectory {
  private readonly byAor = new Map<string, UserRecord>();

  constructor(records: UserRecord[]) {
    for (const r of records) this.byAor.set(r.aor.toLowerCase(), r);
  }

  static load(path: string): UserDirectory {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UsersFileError(`Cannot read users file ${path}: ${(e as Error).message}`);
    }
    const users = (parsed as { users?: unknown }).users;
    if (!Array.isArray(users)) throw new UsersFileError(`Users file ${path}: expected {"users": [...]}`);
    for (const [i, u] of users.entries()) {
      if (!u || typeof u.aor !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(u.aor) || !u.ha1 || typeof u.ha1 !== 'object') {
        throw new UsersFileError(`Users file ${path}: entry ${i} needs "aor" (user@domain) and "ha1"`);
      }
    }
    return new UserDirectory(users as UserRecord[]);
  }

  /** Writes the users file for the given accounts if it does not exist yet. */
  static createIfMissing(path: string, accounts: ReadonlyArray<{ aor: string; password: string }>): void {
    if (existsSync(path)) return;
    writeFileSync(path, JSON.stringify({ users: accounts.map((a) => userRecord(a.aor, a.password)) }, null, 2) + '\n', { mode: 0o600 });
  }

  get(aor: string): UserRecord | undefined {
    return this.byAor.get(aor.toLowerCase());
  }

  /** Accounts in a domain, for directory listings. */
  inDomain(domain: string): string[] {
    return [...this.byAor.keys()].filter((a) => a.endsWith(`@${domain.toLowerCase()}`));
  }
}

export function userRecord(aor: string, password: string): UserRecord {
  const [user = '', domain = ''] = aor.split('@');
  return {
    aor,
    ha1: { 'SHA-256': digestHa1('SHA-256', user, domain, password), MD5: digestHa1('MD5', user, domain, password) },
  };
}
