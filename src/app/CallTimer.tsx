import { useEffect, useState } from 'react';
import { formatDuration } from './status-text.js';

export function CallTimer({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);

  return (
    <span className="timer" aria-label="Call duration">
      {formatDuration(now - since)}
    </span>
  );
}
