import type { HistoryEntry } from './history.js';
import { formatDuration } from './status-text.js';
import { usePhone } from './store.js';

const RESULT_WORDS = { declined: 'Declined', missed: 'Missed', 'not-answered': 'Not answered', failed: 'Failed' } as const;

function result(e: HistoryEntry): string {
  if (e.durationMs !== null) return `Talked ${formatDuration(e.durationMs)}`;
  return e.result === 'answered' ? 'Answered' : RESULT_WORDS[e.result];
}

function when(ms: number): string {
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/** Finished calls of this account (kept in IndexedDB), newest first, with redial. */
export function History() {
  const history = usePhone((s) => s.history);
  const dial = usePhone((s) => s.dial);
  const clear = usePhone((s) => s.clearHistory);
  const busy = usePhone((s) => s.call !== null || s.registration.kind !== 'registered');

  return (
    <section className="card history" aria-labelledby="history-title">
      <div className="card-title">
        <h2 id="history-title">Recent calls</h2>
        {history.length > 0 && (
          <button type="button" className="link" onClick={() => void clear()}>
            Clear history
          </button>
        )}
      </div>
      {history.length === 0 ? (
        <p className="hint">No calls yet.</p>
      ) : (
        <ul className="people" aria-label="Call history">
          {history.map((e) => (
            <li key={e.id} className={`person history-entry${e.failed ? ' history-failed' : ''}`}>
              <span className="direction" role="img" aria-label={e.direction === 'incoming' ? 'Incoming' : 'Outgoing'}>
                {e.direction === 'incoming' ? '↙' : '↗'}
              </span>
              <span className="person-name">
                {e.peer}
                <span className="history-meta" title={e.outcome}>
                  {when(e.startedAt)} · {result(e)} · <span className={`badge-text level-${e.security.level}`}>{e.security.label}</span>
                </span>
              </span>
              <button type="button" className="small" aria-label={`Redial ${e.peer}`} disabled={busy} onClick={() => dial(e.peer)}>
                Redial
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
