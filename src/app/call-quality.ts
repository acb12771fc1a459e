/** What the call's statistics say, for the quality line and the level meters. */
export interface CallQuality {
  /** Inbound audio packets lost, percent of those expected, since the call began. */
  readonly lossPercent: number | null;
  readonly jitterMs: number | null;
  readonly roundTripMs: number | null;
  /** 0–1: the microphone being sent. */
  readonly outLevel: number;
  /** 0–1: the other party's audio. */
  readonly inLevel: number;
}

interface Stat {
  type: string;
  kind?: string;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  audioLevel?: number;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  state?: string;
  nominated?: boolean;
}

/** Reads one `getStats()` report. */
export function qualityFrom(report: RTCStatsReport): CallQuality {
  let received = 0;
  let lost = 0;
  let jitter: number | null = null;
  let rtt: number | null = null;
  let remoteRtt: number | null = null;
  let inLevel = 0;
  let outLevel = 0;
  report.forEach((s: Stat) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      received += s.packetsReceived ?? 0;
      lost += Math.max(0, s.packetsLost ?? 0);
      if (typeof s.jitter === 'number') jitter = Math.max(jitter ?? 0, s.jitter * 1000);
      inLevel = Math.max(inLevel, s.audioLevel ?? 0);
    } else if (s.type === 'media-source' && s.kind === 'audio') {
      outLevel = Math.max(outLevel, s.audioLevel ?? 0);
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && typeof s.currentRoundTripTime === 'number') {
      rtt = s.currentRoundTripTime * 1000;
    } else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
      remoteRtt = s.roundTripTime * 1000;
    }
  });
  const expected = received + lost;
  return {
    lossPercent: expected > 0 ? (lost / expected) * 100 : null,
    jitterMs: jitter,
    roundTripMs: rtt ?? remoteRtt,
    outLevel,
    inLevel,
  };
}

/** A one-line verdict: what a person would say about the line. */
export function qualityVerdict(q: CallQuality): 'good' | 'fair' | 'poor' | 'unknown' {
  if (q.lossPercent === null) return 'unknown';
  if (q.lossPercent > 5 || (q.jitterMs ?? 0) > 60 || (q.roundTripMs ?? 0) > 400) return 'poor';
  if (q.lossPercent > 1 || (q.jitterMs ?? 0) > 30 || (q.roundTripMs ?? 0) > 250) return 'fair';
  return 'good';
}
