/**
 * A checked chain as the call-security view the UI renders (`RouteSecurityView` in ../states.ts):
 * one hop per entry in path order (caller first), each with its level in words, how it is
 * vouched for, and what is wrong with it.
 */
import { describeLevel, type ChainReport, type FailureReason, type HopReport } from '../../hopsec/index.js';
import type { HopView, RouteSecurityView } from '../states.js';
import { failureSentence, reportProblem, type Perspective } from './words.js';

/** Failures that concern the entry's integrity (its signature cannot be relied on). */
const INTEGRITY: ReadonlySet<FailureReason> = new Set(['other-dialog', 'removed', 'inserted', 'reordered', 'raised-level', 'tampered', 'bad-signature', 'unknown-signer']);

export function routeSecurityView(report: ChainReport, p: Perspective): RouteSecurityView {
  const hops = report.hops.map((hop): HopView => {
    const failure = report.failures.find((f) => f.index === hop.index);
    return {
      node: hop.node,
      addr: hop.addr,
      transport: hop.transport,
      level: hop.level,
      levelText: describeLevel(hop.level),
      signature: signatureOf(hop),
      problem: failure ? failureSentence(report, failure, p) : null,
    };
  });
  return { hops, ok: report.ok, problem: reportProblem(report, p), minLevel: p.minLevel };
}

function signatureOf(hop: HopReport): HopView['signature'] {
  if (hop.reasons.some((r) => INTEGRITY.has(r))) return 'failed';
  if (hop.kind === 'unattested' || !hop.attested) return 'unattested';
  return hop.signed ? 'verified' : 'own';
}
