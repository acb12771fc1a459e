import { qualityVerdict } from './call-quality.js';
import { usePhone } from './store.js';

function fmt(v: number | null, unit: string, digits = 0): string {
  return v === null ? '—' : `${v.toFixed(digits)} ${unit}`;
}

/** Live audio levels both ways and the line's quality from getStats. */
export function CallQualityPanel() {
  const q = usePhone((s) => s.quality);
  const verdict = q ? qualityVerdict(q) : 'unknown';
  return (
    <div className="quality">
      <div className="meters">
        <label>
          Your microphone
          <meter min={0} max={1} low={0.02} optimum={0.3} value={Math.sqrt(q?.outLevel ?? 0)} aria-label="Your microphone level" />
        </label>
        <label>
          Other party
          <meter min={0} max={1} low={0.02} optimum={0.3} value={Math.sqrt(q?.inLevel ?? 0)} aria-label="Other party's level" />
        </label>
      </div>
      <dl className={`quality-figures quality-${verdict}`} aria-label="Call quality">
        <div>
          <dt>Quality</dt>
          <dd>{verdict === 'unknown' ? 'Measuring…' : verdict}</dd>
        </div>
        <div>
          <dt>Packet loss</dt>
          <dd>{fmt(q?.lossPercent ?? null, '%', 1)}</dd>
        </div>
        <div>
          <dt>Jitter</dt>
          <dd>{fmt(q?.jitterMs ?? null, 'ms')}</dd>
        </div>
        <div>
          <dt>Round trip</dt>
          <dd>{fmt(q?.roundTripMs ?? null, 'ms')}</dd>
        </div>
      </dl>
    </div>
  );
}
