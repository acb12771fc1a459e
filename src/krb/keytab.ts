/**
 * MIT keytab files. Version 0x0502 is read and written (big-endian); version 0x0501 (native byte
 * order, no name type, component count including the realm) is read, guessing the byte order.
 *
 *   file    ::= 0x05 0x02 record*
 *   record  ::= int32 size, then: size > 0 an entry padded to size bytes; size < 0 a hole of
 *               -size bytes (a deleted entry); size = 0 end of file
 *   entry   ::= uint16 count, data realm, data component * count, uint32 name-type,
 *               uint32 timestamp, uint8 kvno, int16 enctype, data key, [uint32 kvno]
 *   data    ::= uint16 length, bytes
 *
 * The trailing 32-bit kvno, when at least 4 bytes of the record remain and it is non-zero,
 * overrides the 8-bit one.
 */
import { KrbError, malformed } from './errors';
import { parsePrincipal, sameName, type Principal } from './asn1/principal';

export interface KeytabEntry {
  principal: Principal;
  /** When the key was written, whole seconds. */
  timestamp: Date;
  kvno: number;
  enctype: number;
  key: Uint8Array;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

class Cursor {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly little: boolean,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (this.remaining < n) throw malformed(`${this.what}: truncated ${field}`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.pos++);
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, this.little);
    this.pos += 2;
    return v;
  }

  i16(field: string): number {
    this.need(2, field);
    const v = this.view.getInt16(this.pos, this.little);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, this.little);
    this.pos += 4;
    return v;
  }

  i32(field: string): number {
    this.need(4, field);
    const v = this.view.getInt32(this.pos, this.little);
    this.pos += 4;
    return v;
  }

  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  data(field: string): Uint8Array {
    return this.take(this.u16(`${field} length`), field);
  }

  text(field: string): string {
    const bytes = this.data(field);
    try {
      return utf8Strict.decode(bytes);
    } catch (e) {
      throw malformed(`${this.what}: ${field} is not UTF-8`, e);
    }
  }
}

function readEntry(record: Uint8Array, little: boolean, version: 1 | 2, what: string): KeytabEntry {
  const c = new Cursor(record, little, what);
  let count = c.u16('component count');
  if (version === 1) {
    if (count === 0) throw malformed(`${what}: component count 0`);
    count -= 1;
  }
  const realm = c.text('realm');
  const nameString: string[] = [];
  for (let i = 0; i < count; i++) nameString.push(c.text(`component ${i}`));
  const nameType = version === 1 ? 1 : c.i32('name type');
  const timestamp = new Date(c.u32('timestamp') * 1000);
  let kvno = c.u8('kvno');
  const enctype = c.i16('enctype');
  const key = c.data('key').slice();
  if (c.remaining >= 4) {
    const kvno32 = c.u32('32-bit kvno');
    if (kvno32 !== 0) kvno = kvno32;
  }
  return { principal: { name: { nameType, nameString }, realm }, timestamp, kvno, enctype, key };
}

function readRecords(bytes: Uint8Array, little: boolean, version: 1 | 2): KeytabEntry[] {
  const c = new Cursor(bytes, little, 'keytab');
  c.take(2, 'version');
  const entries: KeytabEntry[] = [];
  while (c.remaining > 0) {
    const size = c.i32('record length');
    if (size === 0) break;
    if (size < 0) {
      c.take(-size, 'deleted entry');
      continue;
    }
    entries.push(readEntry(c.take(size, `entry ${entries.length}`), little, version, `keytab entry ${entries.length}`));
  }
  return entries;
}

/** Reads a keytab file. Deleted entries (holes) are skipped. */
export function readKeytab(bytes: Uint8Array): KeytabEntry[] {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) throw malformed('keytab: too short');
  if (bytes[0] !== 0x05 || (bytes[1] !== 0x01 && bytes[1] !== 0x02)) {
    throw malformed(`keytab: unsupported version 0x${((bytes[0] ?? 0) * 256 + (bytes[1] ?? 0)).toString(16).padStart(4, '0')}`);
  }
  try {
    if (bytes[1] === 0x02) return readRecords(bytes, false, 2);
    // Version 1 used the writer's native byte order: little-endian machines first.
    try {
      return readRecords(bytes, true, 1);
    } catch (littleEndianError) {
      try {
        return readRecords(bytes, false, 1);
      } catch {
        throw littleEndianError;
      }
    }
  } catch (e) {
    if (e instanceof KrbError) throw e;
    throw malformed('keytab', e);
  }
}

function u16(n: number, field: string): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw malformed(`cannot write keytab: ${field} ${n} out of range`);
  return [n >>> 8, n & 0xff];
}

function u32(n: number, field: string): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw malformed(`cannot write keytab: ${field} ${n} out of range`);
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function data(bytes: Uint8Array, field: string): number[] {
  return [...u16(bytes.length, `${field} length`), ...bytes];
}

function entryBytes(e: KeytabEntry): number[] {
  const { name, realm } = e.principal;
  if (!Number.isInteger(name.nameType) || name.nameType < -0x8000_0000 || name.nameType > 0x7fff_ffff) {
    throw malformed(`cannot write keytab: name type ${name.nameType} out of range`);
  }
  if (!Number.isInteger(e.enctype) || e.enctype < -0x8000 || e.enctype > 0x7fff) throw malformed(`cannot write keytab: enctype ${e.enctype} out of range`);
  const seconds = Math.floor(e.timestamp.getTime() / 1000);
  return [
    ...u16(name.nameString.length, 'component count'),
    ...data(utf8.encode(realm), 'realm'),
    ...name.nameString.flatMap((part) => data(utf8.encode(part), 'component')),
    ...u32(name.nameType >>> 0, 'name type'),
    ...u32(seconds, 'timestamp'),
    ...u32(e.kvno, 'kvno').slice(3),
    ...u16(e.enctype & 0xffff, 'enctype'),
    ...data(e.key, 'key'),
    ...u32(e.kvno, 'kvno'),
  ];
}

/** Writes a version 0x0502 keytab, always with the 32-bit kvno extension. */
export function writeKeytab(entries: readonly KeytabEntry[]): Uint8Array {
  const out: number[] = [0x05, 0x02];
  for (const e of entries) {
    const record = entryBytes(e);
    out.push(...u32(record.length, 'record length'));
    for (const b of record) out.push(b);
  }
  return new Uint8Array(out);
}

/**
 * The keytab entry for a principal (name types are not compared) and enctype: with `kvno`, that
 * version; without, the highest version present.
 */
export function findKeytabEntry(entries: readonly KeytabEntry[], principal: Principal | string, enctype: number, kvno?: number): KeytabEntry | undefined {
  const wanted = typeof principal === 'string' ? parsePrincipal(principal) : principal;
  let best: KeytabEntry | undefined;
  for (const e of entries) {
    if (e.enctype !== enctype || e.principal.realm !== wanted.realm || !sameName(e.principal.name, wanted.name)) continue;
    if (kvno !== undefined ? e.kvno === kvno : best === undefined || e.kvno > best.kvno) best = e;
  }
  return best;
}
