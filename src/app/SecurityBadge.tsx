import { useId, useState } from 'react';
import type { CallSnapshot } from '../ua/states.js';
import { summarizeSecurity } from './security-summary.js';
import { usePhone } from './store.js';

/**
 * The call's protection at a glance (hops, mutual authentication, SDP confidentiality); pressing
 * it explains each aspect in plain words and what to do about a problem.
 */
export function SecurityBadge({ call }: { call: CallSnapshot }) {
  const registration = usePhone((s) => s.registration);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const summary = summarizeSecurity(call, registration);

  return (
    <div className="security-badge-wrap">
      <button
        type="button"
        className={`security-badge level-${summary.level}`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="badge-icon" aria-hidden="true">
          {summary.level === 'protected' ? '✔' : summary.level === 'risk' ? '⚠' : summary.level === 'pending' ? '…' : '◐'}
        </span>
        Security: {summary.label}
      </button>
      <div id={panelId} className="security-explained" hidden={!open}>
        <dl>
          <dt>Signalling path</dt>
          <dd>{summary.hops}</dd>
          <dt>Who proved their identity</dt>
          <dd>{summary.authentication}</dd>
          <dt>Call setup (SDP)</dt>
          <dd>{summary.sdp}</dd>
        </dl>
        {summary.advice && <p className="advice">What you can do: {summary.advice}</p>}
      </div>
    </div>
  );
}
