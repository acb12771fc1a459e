import { describe, expect, it } from 'vitest';
import { formatDuration, registrationText } from './status-text.js';

describe('registrationText', () => {
  it('contains "Registered" only when registered', () => {
    expect(registrationText({ kind: 'registered' }, 'alice@a.keyhop.test')).toBe('Registered as alice@a.keyhop.test');
    const others = [
      registrationText({ kind: 'signed-out' }, null),
      registrationText({ kind: 'connecting' }, 'alice@a.keyhop.test'),
      registrationText({ kind: 'failed', reason: 'Wrong SIP address or password', retrying: false }, 'alice@a.keyhop.test'),
      registrationText({ kind: 'failed', reason: 'Cannot reach the server', retrying: true }, 'alice@a.keyhop.test'),
    ];
    for (const text of others) expect(text.toLowerCase()).not.toContain('registered');
  });
});

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_661_000)).toBe('1:01:01');
  });
});
