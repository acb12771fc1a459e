import type { CallSnapshot, RegistrationState } from '../ua/states.js';

/** How a call's protection reads at a glance, and why, in plain words. */
export interface SecuritySummary {
  /** `protected`: every check passed; `partial`: something is unknown or weaker than it could be; `risk`: a check failed. */
  readonly level: 'protected' | 'partial' | 'risk' | 'pending';
  /** One or two words for the badge. */
  readonly label: string;
  /** The three aspects, each a sentence. */
  readonly hops: string;
  readonly authentication: string;
  readonly sdp: string;
  /** What the person can do about a problem, when there is one. */
  readonly advice: string | null;
}

type Grade = 'ok' | 'partial' | 'risk' | 'pending';

function hopsAspect(call: CallSnapshot): [Grade, string] {
  const route = call.routeSecurity;
  if (!route) return ['pending', 'The signalling path has not been checked yet.'];
  if (!route.ok) return ['risk', route.problem ?? 'A hop of the signalling path is weaker than your minimum.'];
  const weakest = route.hops.reduce((min, h) => Math.min(min, h.level), 3);
  const text = `${route.hops.length} hop${route.hops.length === 1 ? '' : 's'}, each at level ${weakest} or better (your minimum is ${route.minLevel}).`;
  return [weakest >= 2 ? 'ok' : 'partial', text];
}

function authenticationAspect(call: CallSnapshot, registration: RegistrationState): [Grade, string] {
  const proxies = registration.kind === 'registered' ? (registration.security ?? []) : [];
  const mutualProxy = proxies.some((p) => p.scheme !== 'Digest' && p.state === 'established' && p.mutual);
  const signature = call.sdp?.peerSignature ?? 'none';
  if (signature === 'failed') return ['risk', `The signature of ${call.peer} did not verify: someone may be pretending to be them.`];
  const unverifiedHop = call.routeSecurity?.hops.some((h) => h.signature === 'failed');
  if (unverifiedHop) return ['risk', 'A proxy signature on the path did not verify.'];
  if (signature === 'verified' && mutualProxy) return ['ok', `You and your server proved who you are to each other, and ${call.peer}'s signature verified.`];
  if (signature === 'verified') return ['partial', `${call.peer}'s signature verified; your server did not prove its identity with Kerberos.`];
  if (!call.sdp && !call.routeSecurity) return ['pending', 'Identities are being checked.'];
  return ['partial', mutualProxy ? `Your server is authenticated, but ${call.peer} did not sign.` : 'Neither your server nor the other party proved their identity.'];
}

function sdpAspect(call: CallSnapshot): [Grade, string] {
  const sdp = call.sdp;
  if (!sdp) return ['pending', 'Whether the call setup is sealed is not known yet.'];
  if (sdp.problem) return ['risk', sdp.problem];
  if (!sdp.sealed) return ['risk', 'The call setup (SDP) travelled in the clear: every server on the path could read it.'];
  const readers = sdp.readers.length ? `${call.peer} and ${sdp.readers.join(', ')}` : `only ${call.peer}`;
  return ['ok', `The call setup (SDP) was sealed; ${readers} could read it.`];
}

function adviceFor(grades: Grade[], call: CallSnapshot): string | null {
  if (grades.includes('risk')) {
    return call.phase === 'established'
      ? 'Say nothing sensitive. Hang up and call again; if it happens again, tell your administrator.'
      : 'Call again later, or ask your administrator to check the servers on the path.';
  }
  if (grades.includes('partial')) return 'The call works, but not every part is protected. Raise your minimum hop security or ask your administrator about Kerberos.';
  return null;
}

export function summarizeSecurity(call: CallSnapshot, registration: RegistrationState): SecuritySummary {
  const [hg, hops] = hopsAspect(call);
  const [ag, authentication] = authenticationAspect(call, registration);
  const [sg, sdp] = sdpAspect(call);
  const grades = [hg, ag, sg];
  const level = grades.includes('risk') ? 'risk' : grades.every((g) => g === 'pending') ? 'pending' : grades.every((g) => g === 'ok') ? 'protected' : 'partial';
  const label = { protected: 'Protected', partial: 'Partly protected', risk: 'At risk', pending: 'Checking' }[level];
  return { level, label, hops, authentication, sdp, advice: adviceFor(grades, call) };
}
