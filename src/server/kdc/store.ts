/**
 * The principals database file (`<dataDir>/kdc/principals.json`, mode 0600) and the proxies'
 * keytab (`<dataDir>/kdc/proxies.keytab`, MIT 0x0502 format, mode 0600).
 *
 * The file holds keys only, never passwords:
 *
 *   { "realm": "KEYHOP.TEST",
 *     "principals": [
 *       { "name": "alice", "kvno": 1, "salt": "KEYHOP.TESTalice",
 *         "keys": [ { "enctype": 18, "key": "<hex>", "iterations": 4096 }, … ] }, … ] }
 *
 * On first start it is created with krbtgt/REALM (random keys), the demo users (keys from their
 * passwords by string-to-key with the normal salt) and the proxies' service principals (random
 * keys). Service principals missing from an existing file are added on start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NameType } from '../../krb/asn1/index.js';
import { getEnctype, isSupportedEnctype, makeKey, preferredEnctypes } from '../../krb/crypto/index.js';
import { writeKeytab, type KeytabEntry } from '../../krb/keytab.js';
import { normalSalt, PrincipalDatabase, splitName, type PrincipalKey, type PrincipalRecord } from './database.js';
import { stringToKeyNative } from './s2k.js';

export const PRINCIPALS_FILE = 'principals.json';
export const KEYTAB_FILE = 'proxies.keytab';

export class KdcStoreError extends Error {
  override readonly name = 'KdcStoreError';
}

export interface KdcStoreOptions {
  /** The directory of the KDC's files, `<dataDir>/kdc`. */
  dir: string;
  realm: string;
  /** Users created with the database (first start only). */
  users: ReadonlyArray<{ name: string; password: string }>;
  /** Service principals the proxies need, e.g. `sip/a.keyhop.test`; added when missing. */
  services: readonly string[];
}

export interface KdcStore {
  db: PrincipalDatabase;
  principalsPath: string;
  keytabPath: string;
  /** Principals created by this call (for the log). */
  created: string[];
}

interface FileKey {
  enctype: number;
  key: string;
  iterations?: number;
}
interface FilePrincipal {
  name: string;
  kvno: number;
  salt: string;
  keys: FileKey[];
}

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function randomPrincipal(realm: string, name: string): PrincipalRecord {
  const components = splitName(name);
  return { components, kvno: 1, salt: normalSalt(realm, components), keys: preferredEnctypes.map((e) => ({ key: getEnctype(e).generateKey() })) };
}

/** A principal whose keys come from a password (string-to-key with the normal salt, default iterations). */
export function passwordPrincipal(realm: string, name: string, password: string, kvno = 1): PrincipalRecord {
  const components = splitName(name);
  const salt = normalSalt(realm, components);
  const keys: PrincipalKey[] = preferredEnctypes.map((e) => {
    const iterations = getEnctype(e).defaultIterations;
    return { key: stringToKeyNative(e, password, salt, iterations), iterations };
  });
  return { components, kvno, salt, keys };
}

function serialize(db: PrincipalDatabase): string {
  const principals: FilePrincipal[] = db.records().map((r) => ({
    name: r.components.join('/'),
    kvno: r.kvno,
    salt: r.salt,
    keys: r.keys.map((k) => ({ enctype: k.key.enctype, key: toHex(k.key.bytes), ...(k.iterations !== undefined ? { iterations: k.iterations } : {}) })),
  }));
  return JSON.stringify({ realm: db.realm, principals }, null, 2) + '\n';
}

function parse(text: string, path: string): PrincipalDatabase {
  const bad = (why: string) => new KdcStoreError(`Principals database ${path}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  const { realm, principals } = (parsed ?? {}) as { realm?: unknown; principals?: unknown };
  if (typeof realm !== 'string' || realm === '') throw bad('no "realm"');
  if (!Array.isArray(principals)) throw bad('no "principals" list');
  const records = principals.map((p: FilePrincipal, i): PrincipalRecord => {
    const where = `principal ${i}`;
    if (!p || typeof p.name !== 'string' || p.name === '' || p.name.includes('@')) throw bad(`${where}: "name" must be a principal name without realm`);
    if (!Number.isInteger(p.kvno) || p.kvno < 0) throw bad(`${where} (${p.name}): "kvno" must be a non-negative integer`);
    if (typeof p.salt !== 'string') throw bad(`${where} (${p.name}): "salt" must be a string`);
    if (!Array.isArray(p.keys) || p.keys.length === 0) throw bad(`${where} (${p.name}): "keys" must be a non-empty list`);
    const keys = p.keys.map((k, j): PrincipalKey => {
      if (!k || !isSupportedEnctype(k.enctype) || typeof k.key !== 'string' || !/^([0-9a-f]{2})+$/i.test(k.key)) {
        throw bad(`${where} (${p.name}) key ${j}: needs an AES "enctype" (17, 18, 19, 20) and a hex "key"`);
      }
      if (k.iterations !== undefined && (!Number.isInteger(k.iterations) || k.iterations < 1)) throw bad(`${where} (${p.name}) key ${j}: bad "iterations"`);
      try {
        return { key: makeKey(k.enctype, new Uint8Array(Buffer.from(k.key, 'hex'))), ...(k.iterations !== undefined ? { iterations: k.iterations } : {}) };
      } catch (e) {
        throw bad(`${where} (${p.name}) key ${j}: ${(e as Error).message}`);
      }
    });
    return { components: splitName(p.name), kvno: p.kvno, salt: p.salt, keys };
  });
  return new PrincipalDatabase(realm, records);
}

function writePrivate(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The keytab entries of some principals (every key, name type NT-PRINCIPAL as `kadmin ktadd` writes). */
export function keytabEntries(db: PrincipalDatabase, names: readonly string[], timestamp = new Date()): KeytabEntry[] {
  return names.flatMap((name) => {
    const r = db.get(splitName(name));
    if (!r) return [];
    return r.keys.map((k) => ({
      principal: { name: { nameType: NameType.NT_PRINCIPAL, nameString: [...r.components] }, realm: db.realm },
      timestamp,
      kvno: r.kvno,
      enctype: k.key.enctype,
      key: k.key.bytes,
    }));
  });
}

/** Opens (or creates) the principals database and writes the proxies' keytab when needed. */
export function openKdcStore(o: KdcStoreOptions): KdcStore {
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const principalsPath = join(o.dir, PRINCIPALS_FILE);
  const keytabPath = join(o.dir, KEYTAB_FILE);
  const created: string[] = [];
  let db: PrincipalDatabase;
  if (existsSync(principalsPath)) {
    db = parse(readFileSync(principalsPath, 'utf8'), principalsPath);
    if (db.realm !== o.realm) {
      throw new KdcStoreError(`Principals database ${principalsPath} is for realm ${db.realm}, but kdc.realm is ${o.realm}; move the file away to create a new one`);
    }
    if (!db.has(['krbtgt', o.realm])) throw new KdcStoreError(`Principals database ${principalsPath} has no krbtgt/${o.realm}`);
  } else {
    db = new PrincipalDatabase(o.realm, []);
    db.add(randomPrincipal(o.realm, `krbtgt/${o.realm}`));
    created.push(`krbtgt/${o.realm}`);
    for (const u of o.users) {
      db.add(passwordPrincipal(o.realm, u.name, u.password));
      created.push(u.name);
    }
  }
  for (const s of o.services) {
    if (db.has(splitName(s))) continue;
    db.add(randomPrincipal(o.realm, s));
    created.push(s);
  }
  if (created.length) writePrivate(principalsPath, serialize(db));
  if (created.length || !existsSync(keytabPath)) writePrivate(keytabPath, writeKeytab(keytabEntries(db, o.services)));
  return { db, principalsPath, keytabPath, created };
}

/**
 * Adds a password principal to an existing database (or gives an existing one a new key
 * version from the new password). The KDC reads the file at start: restart it afterwards.
 */
export function setPasswordPrincipal(dir: string, name: string, password: string): { kvno: number; created: boolean } {
  const principalsPath = join(dir, PRINCIPALS_FILE);
  if (!existsSync(principalsPath)) throw new KdcStoreError(`No principals database at ${principalsPath}: start Keyhop once to create it`);
  const db = parse(readFileSync(principalsPath, 'utf8'), principalsPath);
  if (name === '' || name.includes('@')) throw new KdcStoreError(`"${name}" is not a principal name (give it without the realm)`);
  const old = db.get(splitName(name));
  const kvno = old ? old.kvno + 1 : 1;
  db.add(passwordPrincipal(db.realm, name, password, kvno));
  writePrivate(principalsPath, serialize(db));
  return { kvno, created: !old };
}
