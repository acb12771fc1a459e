/**
 * `verifyChain` failures (src/hopsec, docs/protocol.md "Route-Security") in plain words that name
 * the hop concerned, e.g. "The hop from b.keyhop.test to you is only level 1 (authenticated); your
 * minimum is 2 (integrity)".
 */
import type { ChainFailure, ChainReport, Level } from '../../hopsec/index.js';

/** Short names of the levels, as the "Minimum hop security" setting shows them. */
export const LEVEL_WORDS: Record<Level, string> = { 0: 'none', 1: 'authenticated', 2: 'integrity', 3: 'confidentiality' };

/** Who reads the sentence and about which message. */
export interface Perspective {
  /** The checking UA's address-of-record. */
  readonly self: string;
  /** Where the top entry's link leads: the request's receiver (the callee's address-of-record). */
  readonly receiver: string;
  /** `self`: told to the person at this UA ("you"); `peer`: sent to the other side (a Warning). */
  readonly addressee: 'self' | 'peer';
  /** A request that arrived (callee) or a response to our request (caller). */
  readonly message: 'request' | 'response';
  readonly minLevel: Level;
}

export function levelPhrase(level: Level): string {
  return `level ${level} (${LEVEL_WORDS[level]})`;
}

/** Every failure of the report in words, most severe first. */
export function failureSentences(report: ChainReport, p: Perspective): string[] {
  return report.failures.map((f) => failureSentence(report, f, p));
}

/** The report's first failure in words; null when the chain passed. */
export function reportProblem(report: ChainReport, p: Perspective): string | null {
  const first = report.failures[0];
  return first ? failureSentence(report, first, p) : null;
}

export function failureSentence(report: ChainReport, f: ChainFailure, p: Perspective): string {
  const name = (node: string): string => (p.addressee === 'self' && node === p.self ? 'you' : node);
  const hop = report.hops[f.index];
  const node = hop ? name(hop.node) : 'a node';
  const next = report.hops[f.index + 1]?.node ?? p.receiver;
  const link = `the hop from ${node} to ${name(next)}`;
  const wanted = `${p.minLevel} (${LEVEL_WORDS[p.minLevel]})`;
  const minimum = p.addressee === 'self' ? `your minimum is ${wanted}` : `${p.self} requires at least ${wanted}`;
  switch (f.reason) {
    case 'missing':
      return p.message === 'response'
        ? `The answer came back without the route's Route-Security chain (${name(p.receiver)} did not copy it), so the path cannot be checked`
        : 'The call arrived without a Route-Security chain, so nothing vouches for its path';
    case 'malformed':
      return `The route's Route-Security chain cannot be read (${f.detail})`;
    case 'other-dialog':
      return `The route entry of ${node} was made for another message: the chain was replayed or mixed up`;
    case 'own-entry-misplaced':
      return p.addressee === 'self'
        ? 'Your own hop is missing or out of place in the route that came back'
        : `The hop of ${p.self} is missing or out of place in the route`;
    case 'removed':
      return `Hops were removed from the route below ${node}`;
    case 'inserted':
      return `The hop of ${node} was slipped into the route after the fact`;
    case 'reordered':
      return `The hops of the route were put out of order (at ${node})`;
    case 'raised-level': {
      const signed = hop?.signedLevel;
      return `${capitalize(node)} signed ${signed === undefined ? 'a lower level' : levelPhrase(signed)} for ${link}, but the route claims ${hop ? levelPhrase(hop.level) : 'more'}`;
    }
    case 'tampered':
      return `The entry of ${node} for ${link} was changed after it was added`;
    case 'bad-signature':
      return `The signature of ${node} on ${link} does not verify: the entry is forged or was altered`;
    case 'unknown-signer':
      return `${capitalize(node)} signed ${link}, but no trusted certificate of ${node} is known here, so the signature cannot be checked`;
    case 'unattested':
      return hop?.kind === 'unattested'
        ? `${capitalize(link)} is unattested: that node added no route entry, so nobody vouches for the hop`
        : `${capitalize(link)} is unattested: ${node} did not sign its entry`;
    case 'below-minimum': {
      const level = hop?.signedLevel ?? hop?.level ?? 0;
      return `${capitalize(link)} is only ${levelPhrase(level)}; ${minimum}`;
    }
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
