/**
 * Checking a whole chain (seed 001 claims 9–10, spec §3.4 steps 57–60, §3.5 rules 5 and 7,
 * R23–R26): what each hop claims, whether each proxy's signature holds, whether the entries still
 * fit together, and whether the path meets the receiver's policy. Never throws: every problem is a
 * failure in the report.
 *
 * Indexes are path positions: 0 is the bottom entry (the first sender), the last is the top entry.
 */
import type { SipMessage } from '../sip/message.js';
import { chainValues, parseChain } from './chain.js';
import { dialogDigest, dialogIds, type DialogIds } from './dialog.js';
import { entryDigest } from './encoding.js';
import { isUserAgentNode, type ParsedEntry } from './entry.js';
import { RouteSecurityError } from './errors.js';
import { LEVELS, TRANSPORTS, type Level, type Transport } from './level.js';
import { isValidPublicKey, preverifyEntrySignature, verifyEntrySignature, type SignedFields } from './sign.js';
import { analyseStructure } from './structure.js';

/** Failure reasons, most severe first; `failures` are sorted in this order, then by index. */
export const FAILURE_PRECEDENCE = [
  'missing',
  'malformed',
  'other-dialog',
  'own-entry-misplaced',
  'removed',
  'inserted',
  'reordered',
  'raised-level',
  'tampered',
  'bad-signature',
  'unknown-signer',
  'unattested',
  'below-minimum',
] as const;

export type FailureReason = (typeof FAILURE_PRECEDENCE)[number];

export interface ChainFailure {
  /** Path index of the entry concerned (for 'missing' 0, for 'own-entry-misplaced' where the own entry belongs). */
  index: number;
  reason: FailureReason;
  detail: string;
}

export interface HopReport {
  index: number;
  node: string;
  addr: string;
  transport: Transport;
  /** Level the entry claims for the link to the next node. */
  level: Level;
  /** The level the signer really signed, when it differs from the claim ('raised-level'). */
  signedLevel?: Level;
  /** 'ua': an address-of-record; 'proxy': a domain; 'unattested': a placeholder a proxy inserted. */
  kind: 'ua' | 'proxy' | 'unattested';
  signed: boolean;
  /** True / false when a signature was checked; undefined when unsigned or the signer's key is unknown. */
  signatureValid?: boolean;
  /**
   * The named node vouches for this entry and nothing is wrong with it: a valid signature, or the
   * originating UA's own unsigned entry at the bottom (checked by the first proxy on its link).
   */
  attested: boolean;
  /** Reasons of the failures at this index. */
  reasons: FailureReason[];
}

export interface ChainReport {
  ok: boolean;
  /** The most severe failure's reason, when there is one. */
  reason?: FailureReason;
  hops: HopReport[];
  failures: ChainFailure[];
}

export interface OwnEntry {
  /** This node's name as it writes it in its entry. */
  node: string;
  /** Where its entry belongs: 'bottom' (the caller), 'top', or a path index (the `n` it wrote). */
  position: 'bottom' | 'top' | number;
}

export interface VerifyOptions {
  /** The raw 65-byte P-256 public key of a signing node, or undefined when it is not known. */
  keys: (node: string) => Uint8Array | undefined;
  /** This node's own entry, when it has one in the chain (proxies and the caller, on responses). */
  own?: OwnEntry;
  /** Every link must be at least this level. */
  minLevel: Level;
  /** Accept unsigned proxy hops and unattested placeholders (default false). */
  allowUnattested?: boolean;
}

/** Extra signature checks spent on telling 'raised-level' and 'tampered' from 'bad-signature'. */
export const DIAGNOSTIC_VERIFICATIONS = 12;

const RANK = new Map<FailureReason, number>(FAILURE_PRECEDENCE.map((r, i) => [r, i]));

export function verifyChain(msg: SipMessage, opts: VerifyOptions): ChainReport {
  if (chainValues(msg).length === 0) return report([], [{ index: 0, reason: 'missing', detail: 'no Route-Security entry' }]);
  let entries: ParsedEntry[];
  let ids: DialogIds;
  try {
    entries = parseChain(msg);
    ids = dialogIds(msg);
  } catch (e) {
    const detail = e instanceof RouteSecurityError ? e.message : 'unreadable';
    return report([], [{ index: e instanceof RouteSecurityError ? (e.index ?? 0) : 0, reason: 'malformed', detail }]);
  }
  const expectedD = dialogDigest(ids);

  // One signature check per signed entry.
  const keyOf = entries.map((e) => (e.sig === undefined ? undefined : lookUpKey(opts.keys, e.node)));
  const valid = entries.map((e, i) => (e.sig === undefined || keyOf[i] === undefined ? undefined : verifyEntrySignature(e, ids, e.sig, keyOf[i]!)));

  const { findings, confirmed } = analyseStructure(entries, valid);
  const replayed = entries.every((e) => e.d !== expectedD);
  let budget = DIAGNOSTIC_VERIFICATIONS;
  const check = (fields: SignedFields, sig: string, key: Uint8Array): boolean => {
    if (budget <= 0) return false;
    budget--;
    return verifyEntrySignature(fields, ids, sig, key);
  };

  const failures: ChainFailure[] = [];
  const signedLevel = new Map<number, Level>();

  entries.forEach((e, i) => {
    const fail = (reason: FailureReason, detail: string): void => void failures.push({ index: i, reason, detail });
    const s = findings.get(i);
    if (s && s.reason !== 'tampered') return fail(s.reason, s.detail);
    if (replayed) return fail('other-dialog', `entry of ${e.node} was made for another request`);
    const otherDialog = e.d !== expectedD;
    if (e.sig !== undefined) {
      const key = keyOf[i];
      if (key === undefined) return s ? fail(s.reason, s.detail) : fail('unknown-signer', `no usable key for ${e.node}`);
      if (valid[i] === false) {
        for (const lower of LEVELS.filter((l) => l < e.level).reverse()) {
          if (check({ ...e, level: lower }, e.sig, key)) {
            signedLevel.set(i, lower);
            return fail('raised-level', `${e.node} signed level ${lower}, entry claims ${e.level}`);
          }
        }
        if (s) return fail(s.reason, s.detail);
        if (!confirmed[i]) {
          const changed = singleFieldChange(e, i, expectedD, entries, (f) => check(f, e.sig!, key));
          if (changed) return fail('tampered', `${changed} of ${e.node}'s entry was changed after signing`);
        }
        if (otherDialog) return fail('other-dialog', `entry of ${e.node} was made for another request`);
        return fail('bad-signature', `signature of ${e.node} does not verify`);
      }
    }
    if (s) return fail(s.reason, s.detail);
    if (otherDialog) return fail('other-dialog', `entry of ${e.node} was made for another request`);
  });

  // Policy.
  entries.forEach((e, i) => {
    const originatingUa = isOriginatingUa(e, i);
    if (!opts.allowUnattested && (e.unattested || (e.sig === undefined && !originatingUa))) {
      failures.push({ index: i, reason: 'unattested', detail: e.unattested ? `the hop from ${e.addr} added no entry` : `${e.node} did not sign its entry` });
    } else {
      const level = signedLevel.get(i) ?? e.level;
      if (level < opts.minLevel) failures.push({ index: i, reason: 'below-minimum', detail: `link from ${e.node} is level ${level}, minimum is ${opts.minLevel}` });
    }
  });

  if (opts.own) {
    const misplaced = ownEntryProblem(entries, opts.own);
    if (misplaced) failures.push(misplaced);
  }

  sortFailures(failures);
  const hops: HopReport[] = entries.map((e, i) => {
    const reasons = failures.filter((f) => f.index === i).map((f) => f.reason);
    const integrityOk = !reasons.some((r) => RANK.get(r)! < RANK.get('unattested')! && r !== 'own-entry-misplaced');
    const kind = e.unattested ? 'unattested' : isUserAgentNode(e.node) ? 'ua' : 'proxy';
    const hop: HopReport = {
      index: i,
      node: e.node,
      addr: e.addr,
      transport: e.transport,
      level: e.level,
      kind,
      signed: e.sig !== undefined,
      attested: integrityOk && !e.unattested && (valid[i] === true || (e.sig === undefined && isOriginatingUa(e, i))),
      reasons,
    };
    if (valid[i] !== undefined) hop.signatureValid = valid[i];
    const sl = signedLevel.get(i);
    if (sl !== undefined) hop.signedLevel = sl;
    return hop;
  });
  return report(hops, failures);
}

/**
 * Checks the signatures `verifyChain` will check, asynchronously with WebCrypto, so that the
 * `verifyChain` call that follows (which still makes every check) finds their results ready
 * instead of computing them in pure JavaScript. Never throws; a chain it cannot read is left to
 * `verifyChain`.
 */
export async function preverifyChain(msg: SipMessage, keys: VerifyOptions['keys']): Promise<void> {
  let entries: ParsedEntry[];
  let ids: DialogIds;
  try {
    if (chainValues(msg).length === 0) return;
    entries = parseChain(msg);
    ids = dialogIds(msg);
  } catch {
    return;
  }
  await Promise.all(
    entries.map((e) => {
      const key = e.sig === undefined ? undefined : lookUpKey(keys, e.node);
      return key === undefined ? undefined : preverifyEntrySignature(e, ids, e.sig!, key);
    }),
  );
}

export type OwnEntryResult =
  | { ok: true; entry: ParsedEntry }
  | { ok: false; reason: 'missing' | 'malformed' | 'own-entry-misplaced' | 'other-dialog'; detail: string };

/**
 * The cheap check a proxy makes on a response (spec §3.4 steps 58–59, R24): its own entry is
 * where it put it and belongs to this request. No signatures are checked. Never throws.
 */
export function checkOwnEntry(msg: SipMessage, own: OwnEntry): OwnEntryResult {
  if (chainValues(msg).length === 0) return { ok: false, reason: 'missing', detail: 'no Route-Security entry' };
  let entries: ParsedEntry[];
  let d: string;
  try {
    entries = parseChain(msg);
    d = dialogDigest(dialogIds(msg));
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: e instanceof RouteSecurityError ? e.message : 'unreadable' };
  }
  const problem = ownEntryProblem(entries, own);
  if (problem) return { ok: false, reason: 'own-entry-misplaced', detail: problem.detail };
  const entry = entries[ownIndex(entries.length, own.position)]!;
  if (entry.d !== d) return { ok: false, reason: 'other-dialog', detail: 'own entry was made for another request' };
  return { ok: true, entry };
}

function ownIndex(count: number, position: OwnEntry['position']): number {
  return position === 'bottom' ? 0 : position === 'top' ? count - 1 : position;
}

function ownEntryProblem(entries: readonly ParsedEntry[], own: OwnEntry): ChainFailure | undefined {
  const expected = ownIndex(entries.length, own.position);
  const at = entries.flatMap((e, i) => (e.node === own.node && !e.unattested ? [i] : []));
  if (at.length === 1 && at[0] === expected) return undefined;
  const detail = at.length === 0 ? `no entry of ${own.node}` : `entry of ${own.node} at ${at.join(', ')}, expected at ${expected}`;
  return { index: expected, reason: 'own-entry-misplaced', detail };
}

/**
 * For an entry nothing above covers (normally the top one): the name of a single field whose
 * value, put back to what the chain implies, makes the signature verify; undefined if none does.
 * Fields with no implied value (node, addr, sig, a changed extension) cannot be told apart from
 * a forged signature.
 */
function singleFieldChange(
  e: ParsedEntry,
  i: number,
  expectedD: string,
  entries: readonly ParsedEntry[],
  verifies: (fields: SignedFields) => boolean,
): string | undefined {
  const candidates: Array<[string, SignedFields]> = [];
  for (const level of LEVELS) if (level > e.level) candidates.push(['level', { ...e, level }]);
  if (e.d !== expectedD) candidates.push(['d', { ...e, d: expectedD }]);
  if (e.n !== i) candidates.push(['n', { ...e, n: i }]);
  const b = i > 0 ? entryDigest(entries[i - 1]!.raw) : undefined;
  if (e.b !== b) {
    const { b: _drop, ...rest } = e;
    candidates.push(['b', b === undefined ? rest : { ...e, b }]);
  }
  for (const transport of TRANSPORTS) if (transport !== e.transport) candidates.push(['tr', { ...e, transport }]);
  if (e.extensions.length > 0) candidates.push(['an extension parameter', { ...e, extensions: [] }]);
  return candidates.find(([, fields]) => verifies(fields))?.[0];
}

function lookUpKey(keys: VerifyOptions['keys'], node: string): Uint8Array | undefined {
  try {
    const key = keys(node);
    return key !== undefined && isValidPublicKey(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The calling UA's own entry: an address-of-record at the bottom, or written as the bottom (n=0). It is
 * unsigned; the first proxy vouches for it (checkTopEntry) and covers it with its signed `b`.
 * Where it sits now is the structural checks' business.
 */
function isOriginatingUa(e: ParsedEntry, index: number): boolean {
  return !e.unattested && (e.n === 0 || index === 0) && isUserAgentNode(e.node);
}

function sortFailures(failures: ChainFailure[]): void {
  failures.sort((a, b) => RANK.get(a.reason)! - RANK.get(b.reason)! || a.index - b.index);
}

function report(hops: HopReport[], failures: ChainFailure[]): ChainReport {
  sortFailures(failures);
  const out: ChainReport = { ok: failures.length === 0, hops, failures };
  if (failures[0]) out.reason = failures[0].reason;
  return out;
}
