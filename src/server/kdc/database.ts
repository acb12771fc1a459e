/**
 * The KDC's principals in memory: names, key version numbers, long-term keys per enctype and
 * salts. No passwords are ever held. Pure code (no I/O): `store.ts` reads and writes the file.
 */
import { formatPrincipal, NameType, type PrincipalName } from '../../krb/asn1/index.js';
import { isSupportedEnctype, type Key } from '../../krb/crypto/index.js';

export interface PrincipalKey {
  key: Key;
  /** PBKDF2 iterations of a password-derived key, advertised as s2kparams; absent for random keys. */
  iterations?: number;
}

export interface PrincipalRecord {
  /** Name components, e.g. ['alice'], ['krbtgt', 'KEYHOP.TEST'], ['sip', 'a.keyhop.test']. */
  components: string[];
  kvno: number;
  /** The salt of the password-derived keys: by default the realm followed by the components. */
  salt: string;
  /** Keys in order of preference; the first one encrypts tickets for this principal. */
  keys: PrincipalKey[];
}

/** The normal salt (RFC 4120 §4): the realm followed by every name component, no separators. */
export function normalSalt(realm: string, components: readonly string[]): string {
  return realm + components.join('');
}

/** `sip/a.keyhop.test` → ['sip', 'a.keyhop.test']; the text form has no realm and no escapes. */
export function splitName(text: string): string[] {
  return text.split('/');
}

/**
 * The Kerberos principal of a SIP address: the user part, lower-cased as the users directory
 * treats addresses, in the configured realm, so `alice@a.keyhop.test` is `alice@KEYHOP.TEST`.
 * The SIP domain is not part of the principal: one realm serves every domain of the
 * deployment, so user names must be unique across domains.
 */
export function principalForSipAddress(aor: string, realm: string): string {
  const bare = aor.replace(/^sips?:/i, '');
  const at = bare.lastIndexOf('@');
  const user = at < 0 ? bare : bare.slice(0, at);
  if (user === '' || /[/@\\]/.test(user)) throw new RangeError(`SIP address "${aor}" has no user part usable as a Kerberos name`);
  return `${user.toLowerCase()}@${realm}`;
}

export class PrincipalDatabase {
  private readonly byName = new Map<string, PrincipalRecord>();

  constructor(
    readonly realm: string,
    records: readonly PrincipalRecord[],
  ) {
    for (const r of records) this.byName.set(r.components.join('/'), r);
  }

  /** The principal with these name components in this realm (name types are not compared). */
  get(name: PrincipalName | readonly string[]): PrincipalRecord | undefined {
    const components = Array.isArray(name) ? name : (name as PrincipalName).nameString;
    return this.byName.get(components.join('/'));
  }

  /** Components of the ticket-granting service of the realm. */
  get krbtgtName(): PrincipalName {
    return { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', this.realm] };
  }

  isKrbtgt(name: PrincipalName): boolean {
    return name.nameString.length === 2 && name.nameString[0] === 'krbtgt' && name.nameString[1] === this.realm;
  }

  records(): PrincipalRecord[] {
    return [...this.byName.values()];
  }

  has(components: readonly string[]): boolean {
    return this.byName.has(components.join('/'));
  }

  add(record: PrincipalRecord): void {
    this.byName.set(record.components.join('/'), record);
  }

  /** `alice@KEYHOP.TEST`, for messages and logs. */
  display(components: readonly string[]): string {
    return formatPrincipal({ nameType: NameType.NT_PRINCIPAL, nameString: [...components] }, this.realm);
  }
}

/** The principal's key of an enctype, if it has one. */
export function keyOf(record: PrincipalRecord, enctype: number): PrincipalKey | undefined {
  return record.keys.find((k) => k.key.enctype === enctype);
}

/**
 * The first enctype of the client's list that Keyhop implements and the principal has a key for
 * (RFC 4120 §3.1.3: the client's order is its preference).
 */
export function chooseEnctype(requested: readonly number[], record: PrincipalRecord): number | undefined {
  return requested.find((e) => isSupportedEnctype(e) && keyOf(record, e) !== undefined);
}
