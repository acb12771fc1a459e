import type { KeyboardEvent } from 'react';
import { keyFeedback } from './tones.js';

const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['1', ''], ['2', 'ABC'], ['3', 'DEF'],
  ['4', 'GHI'], ['5', 'JKL'], ['6', 'MNO'],
  ['7', 'PQRS'], ['8', 'TUV'], ['9', 'WXYZ'],
  ['*', ''], ['0', '+'], ['#', ''],
];

/**
 * Twelve keys. Each button's accessible name is its symbol ("5", "*", "#"; the letters are hidden
 * from screen readers); with focus inside
 * the pad, typing those characters presses them too.
 */
export function DialPad({ label, onKey, disabled = false }: { label: string; onKey: (key: string) => void; disabled?: boolean }) {
  const press = (key: string) => {
    if (disabled) return;
    keyFeedback(key);
    onKey(key);
  };
  const typed = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target instanceof HTMLInputElement) return;
    if (/^[0-9*#]$/.test(e.key)) {
      e.preventDefault();
      press(e.key);
    }
  };
  return (
    <div className="dial-pad" role="group" aria-label={label} onKeyDown={typed}>
      {KEYS.map(([key, letters]) => (
        <button key={key} type="button" className="key" disabled={disabled} onClick={() => press(key)}>
          <span className="key-digit">{key}</span>
          <span className="key-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}
