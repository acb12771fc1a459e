/**
 * A deployment without Kerberos: the browser registers and calls with Digest (RFC 8760 offers
 * SHA-256 and MD5; JsSIP answers the MD5 challenge).
 */
import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import { until } from './support/wait.js';

const harness = browserHarness({ auth: { kerberos: 'off' } });

describe('Digest only', () => {
  it('alice signs in with Digest and calls bob; the security badge reads "Partly protected"', async () => {
    const alice = await harness.open('alice');
    const bob = await harness.open('bob');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    await alice.dial('bob@b.keyhop.test');
    await bob.button('Answer').click();
    await until('audio both ways', async () => {
      const [a, b] = await Promise.all([alice.audio(), bob.audio()]);
      return (a?.received ?? 0) > 0 && (b?.received ?? 0) > 0 ? true : undefined;
    });
    // Without Kerberos the browsers' hops are only authenticated (level 1), and no proxy proved
    // its identity to the phone: the badge says so.
    await alice.page.getByRole('button', { name: 'Security: Partly protected' }).waitFor();
    await alice.button('Hang up').click();
    await bob.waitIdle();
    expect(await alice.status().textContent()).toMatch(/Registered/);
  }, 90_000);
});
