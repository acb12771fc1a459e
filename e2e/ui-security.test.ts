import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import { expectAccessible } from './support/ui-checks.js';

const { open } = browserHarness();

describe('the security badge', () => {
  it('says "Protected" for a Kerberos call with sealed SDP, explains each aspect, and is kept in the history', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    await alice.dial('bob@b.keyhop.test');
    await bob.button('Answer').click();
    await alice.page.getByText(/In call with/).waitFor();
    const badge = alice.page.getByRole('button', { name: 'Security: Protected' });
    await badge.waitFor();
    expect(await badge.getAttribute('aria-expanded')).toBe('false');
    await badge.click();
    await alice.page.getByText(/^3 hops, each at level 2 or better \(your minimum is 1\)\.$/).waitFor();
    await alice.page.getByText(/You and your server proved who you are to each other, and bob@b\.keyhop\.test's signature verified\./).waitFor();
    await alice.page.getByText(/The call setup \(SDP\) was sealed; only bob@b\.keyhop\.test could read it\./).waitFor();
    expect(await alice.page.getByText(/^What you can do/).count()).toBe(0);
    await expectAccessible(alice.page, 'in call, security explained');
    await alice.button('Hang up').click();
    await alice.waitIdle();
    await alice.page.getByRole('list', { name: 'Call history' }).getByText('Protected', { exact: true }).waitFor();
  });

  it('a hop weaker than the minimum stops the call, explained in plain words', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.setMinimumHopSecurity(3);
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    await alice.dial('bob@b.keyhop.test');
    const alert = alice.page.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/level|minimum/i);
    await alice.waitIdle();
    await alice.page.getByRole('list', { name: 'Call history' }).getByText('Failed').waitFor();
  });
});
