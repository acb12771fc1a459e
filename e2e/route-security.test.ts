/**
 * Route-Security end to end (seeds 001/002, R21–R26): the chain a real call collects on its way
 * alice → proxy A → proxy B → bob, as both people see it in "Call security", and a call refused
 * because a hop is weaker than the person's minimum, with the reason shown.
 *
 * The browsers reach their proxies over ws (the page is served over http) with Kerberos signing:
 * level 2 (authenticated, integrity). A and B talk over mutual TLS: level 3.
 */
import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import type { PhonePage } from './support/phone-page.js';

const { open } = browserHarness();

async function signedIn(name: 'alice' | 'bob', minimum?: 0 | 1 | 2 | 3): Promise<PhonePage> {
  const phone = await open(name);
  if (minimum !== undefined) await phone.setMinimumHopSecurity(minimum);
  await phone.signIn(`${name}@${name === 'alice' ? 'a' : 'b'}.keyhop.test`, `${name}-pass`);
  return phone;
}

/** Every hop listed, in order, once the region lists `count` of them. */
async function hops(phone: PhonePage, count: number): Promise<string[]> {
  const items = phone.callSecurity().getByRole('listitem');
  await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(count);
  return items.allInnerTexts();
}

describe('Route-Security in the browser', () => {
  it('alice calls bob: both see every hop in path order with its real level and how it is vouched for', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    await alice.dial('bob@b.keyhop.test');
    await bob.page.getByText('Incoming call from alice@a.keyhop.test').waitFor({ timeout: 15_000 });

    const atBob = await hops(bob, 3);
    expect(atBob[0]).toMatch(/^alice@a\.keyhop\.test → a\.keyhop\.test · ws · level 2 .*· authenticated · the caller’s own entry, vouched for by a\.keyhop\.test/);
    expect(atBob[1]).toMatch(/^a\.keyhop\.test → b\.keyhop\.test · tls · level 3 .*· authenticated · signature verified/);
    expect(atBob[2]).toMatch(/^b\.keyhop\.test → you · ws · level 2 .*· authenticated · signature verified/);
    await expect.poll(() => bob.callSecurity().innerText()).toMatch(/Every hop checked out/);
    expect(atBob.join('\n')).not.toMatch(/Warning/);

    await bob.button('Answer').click();
    await alice.page.getByText(/In call with/).waitFor({ timeout: 15_000 });
    const atAlice = await hops(alice, 3);
    expect(atAlice[0]).toMatch(/^alice@a\.keyhop\.test → a\.keyhop\.test · ws · level 2 .*your own entry, vouched for by a\.keyhop\.test/);
    expect(atAlice[1]).toMatch(/^a\.keyhop\.test → b\.keyhop\.test · tls · level 3 .*signature verified/);
    expect(atAlice[2]).toMatch(/^b\.keyhop\.test → bob@b\.keyhop\.test · ws · level 2 .*signature verified/);
    await alice.button('Hang up').click();
    await alice.waitIdle();
    await bob.waitIdle();
  });

  it('a caller whose minimum is 3 ends the call over its own ws hop (level 2), and says why', async () => {
    const alice = await signedIn('alice', 3);
    const bob = await signedIn('bob');
    await alice.dial('bob@b.keyhop.test');
    await alice.page
      .getByText('The hop from you to a.keyhop.test is only level 2 (integrity); your minimum is 3 (confidentiality)')
      .first()
      .waitFor({ timeout: 15_000 });
    // The call is cancelled: bob's phone rang and stops without him answering.
    await expect.poll(() => bob.incomingCalls(), { timeout: 15_000 }).toBe(1);
    await bob.waitIdle();
    await alice.button('Hang up').waitFor({ state: 'detached' });
  });

  it('a callee whose minimum is 3 refuses the call; the caller is told which hop and why', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob', 3);
    await alice.dial('bob@b.keyhop.test');
    await alice.page
      .getByText(
        'bob@b.keyhop.test refused the call: The hop from alice@a.keyhop.test to a.keyhop.test is only level 2 (integrity); bob@b.keyhop.test requires at least 3 (confidentiality)',
      )
      .first()
      .waitFor({ timeout: 15_000 });
    // The invitation never reached bob's phone.
    expect(await bob.incomingCalls()).toBe(0);
    await alice.waitIdle();
  });
});
