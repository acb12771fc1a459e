import { useEffect } from 'react';
import { startRingtone } from './tones.js';
import { usePhone } from './store.js';

/** While a call waits for an answer: the ringtone, and a browser notification when the tab is hidden. */
export function Ringer() {
  const ringing = usePhone((s) => (s.call?.phase === 'incoming' ? s.call : null));
  const id = ringing?.id ?? null;
  const who = ringing ? (ringing.peerName ?? ringing.peer) : null;

  useEffect(() => {
    if (id === null) return;
    const tone = startRingtone();
    let note: Notification | null = null;
    if (document.hidden && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      note = new Notification('Incoming call', { body: `${who} is calling you`, tag: id, requireInteraction: true });
      note.onclick = () => window.focus();
    }
    return () => {
      tone.stop();
      note?.close();
    };
  }, [id, who]);

  return null;
}
