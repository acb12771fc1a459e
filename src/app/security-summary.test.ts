import { describe, expect, it } from 'vitest';
import type { CallSnapshot, HopView, RegistrationState } from '../ua/states.js';
import { summarizeSecurity } from './security-summary.js';

const hop = (level: HopView['level'], signature: HopView['signature'] = 'verified'): HopView => ({
  node: 'a.keyhop.test',
  addr: '127.0.0.1',
  transport: 'tls',
  level,
  levelText: `level ${level}`,
  signature,
  problem: null,
});

const base: CallSnapshot = {
  id: 'c',
  direction: 'outgoing',
  peer: 'bob@b.keyhop.test',
  peerName: null,
  phase: 'established',
  muted: false,
  onHold: false,
  remoteHold: false,
  renegotiating: false,
  establishedAt: 1,
  outcome: null,
  remoteStream: null,
  routeSecurity: null,
  sdp: null,
};

const kerberos: RegistrationState = {
  kind: 'registered',
  security: [{ proxy: 'sip/a.keyhop.test', scheme: 'Kerberos', state: 'established', mutual: true, verified: 3, expiresAt: null, problem: null }],
};

const secured: CallSnapshot = {
  ...base,
  routeSecurity: { hops: [hop(2, 'own'), hop(3), hop(2)], ok: true, problem: null, minLevel: 1 },
  sdp: { sealed: true, readers: [], peerSignature: 'verified', problem: null },
};

describe('security badge summary', () => {
  it('is "Checking" before anything is known', () => {
    expect(summarizeSecurity(base, kerberos)).toMatchObject({ level: 'pending', label: 'Checking', advice: null });
  });

  it('is "Protected" with a checked path, mutual Kerberos, a verified peer signature and sealed SDP', () => {
    const s = summarizeSecurity(secured, kerberos);
    expect(s).toMatchObject({ level: 'protected', label: 'Protected', advice: null });
    expect(s.sdp).toBe('The call setup (SDP) was sealed; only bob@b.keyhop.test could read it.');
  });

  it('is "Partly protected" with Digest only, and says what to do', () => {
    const s = summarizeSecurity(secured, { kind: 'registered' });
    expect(s.level).toBe('partial');
    expect(s.advice).toMatch(/ask your administrator about Kerberos/);
  });

  it('is "At risk" when the SDP went in the clear, a hop is too weak, or a signature failed', () => {
    expect(summarizeSecurity({ ...secured, sdp: { sealed: false, readers: [], peerSignature: 'none', problem: null } }, kerberos)).toMatchObject({ level: 'risk', label: 'At risk' });
    const weak = summarizeSecurity({ ...secured, routeSecurity: { hops: [hop(0)], ok: false, problem: 'Hop 1 is at level 0, below your minimum of 1', minLevel: 1 } }, kerberos);
    expect(weak.hops).toBe('Hop 1 is at level 0, below your minimum of 1');
    expect(weak.advice).toMatch(/Hang up and call again/);
    expect(summarizeSecurity({ ...secured, sdp: { ...secured.sdp!, peerSignature: 'failed' } }, kerberos).authentication).toMatch(/did not verify/);
  });
});
