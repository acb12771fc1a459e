/**
 * PrincipalName (RFC 4120 §5.2.2) and its text form `comp1/comp2@REALM` with the escaping of
 * MIT Kerberos: `\/`, `\@` and `\\` stand for themselves, `\n`, `\t`, `\b` and `\0` for control
 * characters.
 */
import { malformed } from '../errors';
import { NameType } from './constants';
import { Fields, decodeDer, int32, kerberosString, readInt32, readKerberosString, readSequenceOf, sequence, sequenceOf, toDer, type Node, type Read } from './der';

/** PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } */
export interface PrincipalName {
  nameType: number;
  nameString: string[];
}

/** A principal name together with its realm. */
export interface Principal {
  name: PrincipalName;
  realm: string;
}

export function principalNameNode(name: PrincipalName): Node {
  return sequence([
    [0, int32(name.nameType)],
    [1, sequenceOf(name.nameString, kerberosString)],
  ]);
}

export const readPrincipalName: Read<PrincipalName> = (node, what) => {
  const f = new Fields(node, what);
  return {
    nameType: f.req(0, 'name-type', readInt32),
    nameString: f.req(1, 'name-string', readSequenceOf(readKerberosString)),
  };
};

export function encodePrincipalName(name: PrincipalName): Uint8Array {
  return toDer(principalNameNode(name));
}

export function decodePrincipalName(bytes: Uint8Array): PrincipalName {
  return decodeDer(bytes, 'PrincipalName', readPrincipalName);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', b: '\b', '0': '\0', '/': '/', '@': '@', '\\': '\\' };
const UNESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\b': '\\b', '\0': '\\0', '/': '\\/', '@': '\\@', '\\': '\\\\' };

export interface ParsePrincipalOptions {
  /** Realm to use when the text has none; without it a realm is required. */
  defaultRealm?: string;
  /** Name type; by default NT-SRV-INST for `krbtgt/REALM`, NT-PRINCIPAL otherwise. */
  nameType?: number;
}

/** Parses `alice@REALM`, `sip/proxy-a.example@REALM`, with backslash escapes. */
export function parsePrincipal(text: string, options: ParsePrincipalOptions = {}): Principal {
  const components: string[] = [];
  let current = '';
  let realm: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      const replacement = next === undefined ? undefined : ESCAPES[next];
      if (replacement === undefined) throw malformed(`principal "${text}": bad escape at position ${i}`);
      current += replacement;
      i++;
    } else if (realm !== undefined) {
      if (c === '@') throw malformed(`principal "${text}": unescaped "@" in the realm`);
      current += c;
    } else if (c === '/' || c === '@') {
      components.push(current);
      current = '';
      if (c === '@') realm = '';
    } else {
      current += c;
    }
  }
  if (realm === undefined) components.push(current);
  else realm = current;
  if (components.some((part) => part === '')) throw malformed(`principal "${text}": empty name component`);
  realm ??= options.defaultRealm;
  if (realm === undefined || realm === '') throw malformed(`principal "${text}": no realm`);
  const nameType = options.nameType ?? (components.length === 2 && components[0] === 'krbtgt' ? NameType.NT_SRV_INST : NameType.NT_PRINCIPAL);
  return { name: { nameType, nameString: components }, realm };
}

function escape(text: string, specials: RegExp): string {
  return text.replace(specials, (c) => UNESCAPES[c] ?? c);
}

/** Formats a name (and realm, when given) as text, escaping as `parsePrincipal` expects. */
export function formatPrincipal(name: PrincipalName, realm?: string): string {
  const base = name.nameString.map((part) => escape(part, /[\n\t\b\0/@\\]/g)).join('/');
  return realm === undefined ? base : `${base}@${escape(realm, /[\n\t\b\0@\\]/g)}`;
}

/** An NT-ENTERPRISE name (RFC 6806 §5): the whole `user@upn-suffix` is one component. */
export function enterpriseName(upn: string): PrincipalName {
  return { nameType: NameType.NT_ENTERPRISE, nameString: [upn] };
}

/** Whether two names have the same components (name types are not compared, RFC 4120 §6.2). */
export function sameName(a: PrincipalName, b: PrincipalName): boolean {
  return a.nameString.length === b.nameString.length && a.nameString.every((part, i) => part === b.nameString[i]);
}
