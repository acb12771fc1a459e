import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import type { PhonePage } from './support/phone-page.js';
import { expectAccessible, fitsWidth, layoutShift, loudestInbound, watchLayoutShift, PHONE, DESKTOP, resetTones, screenshots, startToneListener, tonePeaks } from './support/ui-checks.js';
import { sleep, until } from './support/wait.js';

const { open } = browserHarness();

async function received(phone: PhonePage): Promise<number> {
  return (await until(`${phone.name}'s call statistics`, async () => (await phone.audio()) ?? undefined, 10_000)).received;
}

async function expectAudioGrowing(phone: PhonePage): Promise<void> {
  const first = await received(phone);
  await until(`${phone.name} to receive audio`, async () => ((await received(phone)) > first + 20 ? true : undefined), 15_000);
}

async function inCall(a: PhonePage, b: PhonePage): Promise<void> {
  for (const p of [a, b]) await p.page.getByText(/In call with/).waitFor({ timeout: 15_000 });
}

describe('the softphone in a call', () => {
  it('alice calls bob: incoming card, answer, mute, DTMF heard by bob, device switch, history and redial, decline', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');

    await watchLayoutShift(alice.page);
    await watchLayoutShift(bob.page);
    await alice.dial('bob@b.keyhop.test');
    const card = bob.page.getByRole('article', { name: 'alice@a.keyhop.test' });
    await card.getByText('Incoming call from alice@a.keyhop.test').waitFor();
    expect(await card.getByText(/Identity/).count()).toBe(1);
    const ringShift = await layoutShift(bob.page, true);
    // The incoming call takes the keyboard focus: Enter would answer it.
    await until('Answer to take the focus', async () => ((await bob.button('Answer').evaluate((b) => b === document.activeElement)) ? true : undefined));
    await expectAccessible(bob.page, 'incoming call');
    await screenshots(bob.page, 'incoming-call');
    await bob.button('Answer').click();
    await inCall(alice, bob);
    await Promise.all([expectAudioGrowing(alice), expectAudioGrowing(bob)]);

    // Mute: bob hears silence from alice; unmute brings her back.
    const loud = await loudestInbound(bob.page, 2_500);
    expect(loud).toBeGreaterThan(0.001);
    await alice.button('Mute').click();
    await alice.button('Unmute').waitFor();
    // The reported level decays over a moment; then it stays at silence for as long as the mute lasts.
    await until('bob to hear silence', async () => ((await loudestInbound(bob.page, 1_200)) < loud / 20 ? true : undefined), 10_000);
    expect(await loudestInbound(bob.page, 2_500), 'bob hears nothing while alice is muted').toBeLessThan(loud / 20);
    await alice.button('Unmute').click();
    await alice.button('Mute').waitFor();
    await until('bob to hear alice again', async () => ((await loudestInbound(bob.page, 1_200)) > loud / 4 ? true : undefined), 10_000);

    // DTMF: alice presses # on the keypad; it travels as RFC 4733 events and bob's browser plays the tone pair.
    await startToneListener(bob.page);
    await sleep(1_500);
    const before = await tonePeaks(bob.page);
    await resetTones(bob.page);
    await alice.button('Keypad').click();
    const keypad = alice.page.getByRole('group', { name: 'Keypad' });
    for (let i = 0; i < 4; i++) {
      await keypad.getByRole('button', { name: '#', exact: true }).click();
      await sleep(300);
    }
    await alice.page.getByText('Sent: ####').waitFor();
    await sleep(500);
    const after = await tonePeaks(bob.page);
    // # is 941 Hz + 1477 Hz; 1 (697 + 1209) was never pressed.
    expect(after[941]! - before[941]!, 'bob hears 941 Hz').toBeGreaterThan(15);
    expect(after[1477]! - before[1477]!, 'bob hears 1477 Hz').toBeGreaterThan(15);
    expect(after[941]! - after[697]!, '941 Hz stands out over 697 Hz').toBeGreaterThan(15);

    // Device switch: another (fake) microphone replaces the track on the same call.
    const mic = alice.page.getByRole('combobox', { name: 'Microphone' });
    const options = await mic.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));
    const other = options.find((o) => o.value !== '' && o.value !== 'default');
    expect(other, `a second microphone among ${JSON.stringify(options)}`).toBeDefined();
    await mic.selectOption(other!.value);
    await until('alice to send from the chosen microphone', async () => {
      const id = await alice.page.evaluate(() => window.__keyhop?.pc()?.getSenders().find((s) => s.track?.kind === 'audio')?.track?.getSettings().deviceId);
      return id === other!.value ? true : undefined;
    });
    await expectAudioGrowing(bob);
    const speaker = alice.page.getByRole('combobox', { name: 'Speaker' });
    const outputs = await speaker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
    if (outputs.length > 0) {
      await speaker.selectOption(outputs[outputs.length - 1]!);
      await until('the remote audio to play on the chosen speaker', async () =>
        (await alice.page.evaluate(() => (document.querySelector('audio') as HTMLAudioElement & { sinkId: string }).sinkId)) === outputs[outputs.length - 1] ? true : undefined,
      );
    }

    // Quality figures from getStats appear while the call is up.
    await until('a quality verdict', async () => ((await alice.page.getByRole('definition').filter({ hasText: /^(good|fair|poor)$/ }).count()) > 0 ? true : undefined), 10_000);
    await expectAccessible(alice.page, 'in call');
    await screenshots(alice.page, 'in-call');
    await alice.page.setViewportSize(PHONE);
    expect(await fitsWidth(alice.page), 'the call screen fits a phone').toBe(true);
    await alice.page.setViewportSize(DESKTOP);

    await alice.page.waitForTimeout(600);
    await layoutShift(alice.page, true);
    await bob.button('Hang up').click();
    await alice.waitIdle();
    await bob.waitIdle();
    await alice.page.waitForTimeout(500);
    const endShift = await layoutShift(alice.page);
    // The dialer and the call card share one slot; notices float: calls changing state do not move the page.
    expect(ringShift, 'layout shift when a call rings').toBeLessThan(0.01);
    expect(endShift, 'layout shift when the other side hangs up').toBeLessThan(0.01);

    // History: both sides list the call with its duration and a security summary.
    const aliceHistory = alice.page.getByRole('list', { name: 'Call history' });
    await aliceHistory.getByRole('listitem').filter({ hasText: 'bob@b.keyhop.test' }).filter({ hasText: /Talked \d+:\d\d/ }).waitFor();
    await bob.page.getByRole('list', { name: 'Call history' }).getByRole('listitem').filter({ hasText: 'alice@a.keyhop.test' }).filter({ hasText: /Talked/ }).waitFor();
    await expectAccessible(alice.page, 'dialer with history');
    await screenshots(alice.page, 'dialer');

    // Redial from the history; bob declines this time.
    await alice.button('Redial bob@b.keyhop.test').click();
    await bob.button('Decline').click();
    await alice.waitIdle();
    await bob.waitIdle();
    await until('two history entries on alice', async () => ((await aliceHistory.getByRole('listitem').count()) === 2 ? true : undefined));
    await aliceHistory.getByRole('listitem').first().filter({ hasText: 'Declined' }).waitFor();
    await bob.page.getByRole('list', { name: 'Call history' }).getByRole('listitem').first().filter({ hasText: 'Declined' }).waitFor();

    // The history lives in IndexedDB: it is there after reloading and signing in again.
    await alice.page.reload();
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await until('the history after a reload', async () => ((await aliceHistory.getByRole('listitem').count()) === 2 ? true : undefined));
  });
});
