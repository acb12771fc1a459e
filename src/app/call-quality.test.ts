import { describe, expect, it } from 'vitest';
import { qualityFrom, qualityVerdict } from './call-quality.js';

function report(stats: object[]): RTCStatsReport {
  return new Map(stats.map((s, i) => [String(i), s])) as unknown as RTCStatsReport;
}

describe('call quality from getStats', () => {
  it('reads loss, jitter, round trip and both levels', () => {
    const q = qualityFrom(
      report([
        { type: 'inbound-rtp', kind: 'audio', packetsReceived: 980, packetsLost: 20, jitter: 0.012, audioLevel: 0.4 },
        { type: 'media-source', kind: 'audio', audioLevel: 0.2 },
        { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.05 },
        { type: 'inbound-rtp', kind: 'video', packetsReceived: 5, packetsLost: 5 },
      ]),
    );
    expect(q.lossPercent).toBeCloseTo(2);
    expect(q.jitterMs).toBeCloseTo(12);
    expect(q.roundTripMs).toBeCloseTo(50);
    expect(q).toMatchObject({ inLevel: 0.4, outLevel: 0.2 });
    expect(qualityVerdict(q)).toBe('fair');
  });

  it('knows nothing before packets arrive', () => {
    const q = qualityFrom(report([]));
    expect(q.lossPercent).toBeNull();
    expect(qualityVerdict(q)).toBe('unknown');
  });
});
