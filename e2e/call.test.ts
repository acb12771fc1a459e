import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import { PhonePage, type AudioCounters } from './support/phone-page.js';
import { sleep, until } from './support/wait.js';

const { open } = browserHarness();

async function counters(phone: PhonePage): Promise<AudioCounters> {
  return until(`${phone.name}'s call statistics`, async () => (await phone.audio()) ?? undefined, 10_000);
}

/** Waits until `phone` receives audio packets steadily: two samples a second apart that both grow. */
async function expectAudioFlowing(phone: PhonePage): Promise<void> {
  const first = await counters(phone);
  await until(
    `${phone.name} to receive audio`,
    async () => ((await counters(phone)).received > first.received + 10 ? true : undefined),
    15_000,
  );
  const a = await counters(phone);
  await sleep(1_000);
  const b = await counters(phone);
  expect(b.received, `${phone.name}'s inbound audio packets should keep growing`).toBeGreaterThan(a.received + 10);
}

async function expectDirections(phone: PhonePage, direction: string): Promise<void> {
  await until(
    `${phone.name}'s audio to be ${direction}`,
    async () => ((await counters(phone)).directions.includes(direction) ? true : undefined),
    10_000,
  );
}

describe('calls between browsers', () => {
  it('alice calls bob: audio both ways, hold and resume, hang up', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    // Signing in got each of them a Kerberos ticket from the embedded KDC through /KdcProxy.
    await alice.page.getByText(/Kerberos: alice@KEYHOP\.TEST, ticket valid until/).waitFor({ timeout: 5_000 });
    await bob.page.getByText(/Kerberos: bob@KEYHOP\.TEST, ticket valid until/).waitFor({ timeout: 5_000 });

    await alice.dial('bob@b.keyhop.test');
    await bob.page.getByText('Incoming call from alice@a.keyhop.test').waitFor({ timeout: 15_000 });
    await bob.button('Answer').click();

    for (const phone of [alice, bob]) {
      await phone.page.getByText(/In call with/).waitFor({ timeout: 15_000 });
      await phone.page.getByRole('region', { name: 'Call security' }).getByRole('listitem').first().waitFor();
      await phone.page.getByRole('group', { name: 'SDP readers' }).waitFor();
    }
    await Promise.all([expectAudioFlowing(alice), expectAudioFlowing(bob)]);
    await expectDirections(alice, 'sendrecv');
    await expectDirections(bob, 'sendrecv');

    // Hold: alice offers sendonly, bob answers recvonly, so bob stops sending to alice.
    await alice.button('Hold').click();
    await alice.button('Resume').waitFor();
    await until('the hold offer to be answered', async () => ((await alice.button('Resume').isEnabled()) ? true : undefined), 10_000);
    await expectDirections(alice, 'sendonly');
    await expectDirections(bob, 'recvonly');
    await bob.page.getByText(/put you on hold/).waitFor();
    await sleep(500);
    const heldA = await counters(alice);
    await sleep(1_500);
    const heldB = await counters(alice);
    expect(heldB.received - heldA.received, 'alice receives no audio while the call is on hold').toBeLessThanOrEqual(2);
    expect((await alice.page.getByRole('button', { name: 'Hang up', exact: true }).count())).toBe(1);

    // Resume: audio flows both ways again on the same call.
    await alice.button('Resume').click();
    await alice.button('Hold').waitFor();
    await until('the resume offer to be answered', async () => ((await alice.button('Hold').isEnabled()) ? true : undefined), 10_000);
    await expectDirections(alice, 'sendrecv');
    await expectDirections(bob, 'sendrecv');
    await Promise.all([expectAudioFlowing(alice), expectAudioFlowing(bob)]);

    await alice.button('Hang up').click();
    await alice.waitIdle();
    await bob.waitIdle();
    await bob.page.getByText('alice@a.keyhop.test hung up').waitFor();
    for (const phone of [alice, bob]) {
      expect(await phone.status().textContent()).toMatch(/Registered/);
      expect(await phone.page.getByRole('alert').count()).toBe(0);
    }
  });

  it('carol may not call bob: carol is told bob is not available, bob sees nothing', async () => {
    const carol = await open('carol');
    const bob = await open('bob');
    await carol.signIn('carol@a.keyhop.test', 'carol-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');

    await carol.dial('bob@b.keyhop.test');
    const alert = carol.page.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/bob@b\.keyhop\.test is not available/);
    await carol.waitIdle();

    await sleep(1_000);
    expect(await bob.incomingCalls()).toBe(0);
    expect(await bob.button('Answer').count()).toBe(0);
    expect(await bob.status().textContent()).toMatch(/Registered/);
  });

  it('a wrong password is reported in plain words', async () => {
    const alice = await open('alice');
    await alice.page.getByRole('textbox', { name: 'SIP address' }).fill('alice@a.keyhop.test');
    await alice.page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await alice.button('Sign in').click();
    await alice.status().filter({ hasText: 'Wrong SIP address or password (Kerberos pre-authentication failed)' }).waitFor({ timeout: 15_000 });
    expect(await alice.button('Sign in').isVisible()).toBe(true);
  });
});
