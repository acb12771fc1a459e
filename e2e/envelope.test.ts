/**
 * Sealed SDP end to end (seed 003): alice calls bob choosing proxy A as an SDP reader. Audio flows
 * both ways, nothing that crossed either page's WebSocket carries SDP in clear, both people see in
 * "Call security" who could read the call setup and that the peer's signature verified, and hold and
 * resume keep working. A caller set to "Ask me first" is asked before calling someone whose
 * certificate cannot be had, and nothing is sent when she cancels. With proxy A altering every
 * sealed body it forwards, bob refuses the call (493) and alice is told why.
 */
import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import type { PhonePage } from './support/phone-page.js';
import { sleep, until } from './support/wait.js';

/** Every SIP frame the page sent or received over its WebSockets, from now on. */
function captureFrames(phone: PhonePage): string[] {
  const frames: string[] = [];
  phone.page.on('websocket', (ws) => {
    ws.on('framesent', (f) => void frames.push(String(f.payload)));
    ws.on('framereceived', (f) => void frames.push(String(f.payload)));
  });
  return frames;
}

async function signedIn(name: 'alice' | 'bob', open: (name: string) => Promise<PhonePage>): Promise<{ phone: PhonePage; frames: string[] }> {
  const phone = await open(name);
  const frames = captureFrames(phone);
  await phone.signIn(`${name}@${name === 'alice' ? 'a' : 'b'}.keyhop.test`, `${name}-pass`);
  return { phone, frames };
}

/** Waits until `phone` receives audio steadily: inbound packets keep growing over a second. */
async function expectAudioFlowing(phone: PhonePage): Promise<void> {
  const received = async () => (await until(`${phone.name}'s call statistics`, async () => (await phone.audio()) ?? undefined, 10_000)).received;
  const first = await received();
  await until(`${phone.name} to receive audio`, async () => ((await received()) > first + 10 ? true : undefined), 15_000);
  const a = await received();
  await sleep(1_000);
  expect(await received(), `${phone.name}'s inbound audio packets should keep growing`).toBeGreaterThan(a + 10);
}

async function expectDirection(phone: PhonePage, direction: string): Promise<void> {
  await until(`${phone.name}'s audio to be ${direction}`, async () => ((await phone.audio())?.directions.includes(direction) ? true : undefined), 10_000);
}

async function chooseReader(phone: PhonePage, domain: string): Promise<void> {
  const box = phone.page.getByRole('group', { name: 'SDP readers' }).getByRole('checkbox', { name: domain });
  await box.check();
  expect(await box.isChecked()).toBe(true);
}

/** SIP messages among the frames (keep-alives left out), and those with sealed SDP. */
function sipMessages(frames: string[]): { all: string[]; sealed: string[] } {
  const all = frames.filter((f) => /^(?:[A-Z]+ \S+ SIP\/2\.0|SIP\/2\.0 \d{3})/.test(f));
  return { all, sealed: all.filter((f) => /^Content-Type: application\/pkcs7-mime; smime-type=authEnveloped-data/im.test(f)) };
}

describe('sealed SDP between browsers', () => {
  const { open } = browserHarness();

  it('alice calls bob with proxy A as reader: audio both ways, no SDP in clear on the wire, hold and resume', async () => {
    const { phone: alice, frames: aliceFrames } = await signedIn('alice', open);
    const { phone: bob, frames: bobFrames } = await signedIn('bob', open);
    await chooseReader(alice, 'a.keyhop.test');

    await alice.dial('bob@b.keyhop.test');
    await bob.page.getByText('Incoming call from alice@a.keyhop.test').waitFor({ timeout: 20_000 });
    await bob.button('Answer').click();
    for (const phone of [alice, bob]) await phone.page.getByText(/In call with/).waitFor({ timeout: 15_000 });
    await Promise.all([expectAudioFlowing(alice), expectAudioFlowing(bob)]);

    // Who could read the call setup, and whose signature verified, as each of them sees it.
    await expect
      .poll(() => alice.callSecurity().innerText(), { timeout: 10_000 })
      .toMatch(/encrypted; only these could read it: bob@b\.keyhop\.test \(the other party\), a\.keyhop\.test\. bob@b\.keyhop\.test's signature on it verified/);
    await expect
      .poll(() => bob.callSecurity().innerText(), { timeout: 10_000 })
      .toMatch(/encrypted; only these could read it: alice@a\.keyhop\.test \(the other party\), a\.keyhop\.test\. alice@a\.keyhop\.test's signature on it verified/);

    // Hold: alice's sealed re-INVITE offers sendonly; bob's sealed answer is recvonly.
    await alice.button('Hold').click();
    await alice.button('Resume').waitFor();
    await until('the hold offer to be answered', async () => ((await alice.button('Resume').isEnabled()) ? true : undefined), 10_000);
    await expectDirection(alice, 'sendonly');
    await expectDirection(bob, 'recvonly');
    await alice.button('Resume').click();
    await alice.button('Hold').waitFor();
    await until('the resume offer to be answered', async () => ((await alice.button('Hold').isEnabled()) ? true : undefined), 10_000);
    await expectDirection(alice, 'sendrecv');
    await expectDirection(bob, 'sendrecv');
    await Promise.all([expectAudioFlowing(alice), expectAudioFlowing(bob)]);

    await alice.button('Hang up').click();
    await alice.waitIdle();
    await bob.waitIdle();

    for (const [name, frames] of [['alice', aliceFrames], ['bob', bobFrames]] as const) {
      const { all, sealed } = sipMessages(frames);
      expect(all.length, `${name}'s WebSocket carried SIP`).toBeGreaterThan(5);
      for (const frame of all) {
        expect(frame, `a frame on ${name}'s WebSocket`).not.toMatch(/^v=0\r?$/m);
        expect(frame, `a frame on ${name}'s WebSocket`).not.toContain('a=fingerprint');
      }
      // Offer and answer, hold and its answer, resume and its answer: each one sealed, naming proxy A.
      expect(sealed.length, `sealed bodies on ${name}'s WebSocket`).toBeGreaterThanOrEqual(6);
      for (const frame of sealed) expect(frame).toMatch(/^SDP-Readers: a\.keyhop\.test\r?$/im);
    }
  });
});

describe('a callee whose certificate cannot be had', () => {
  const { open } = browserHarness();

  // The policy hides bob from carol, so the lookup answers her exactly as for a callee without one.
  it('"Ask me first": carol is asked before anything is sent, and "Cancel call" sends nothing', async () => {
    const carol = await open('carol');
    const frames = captureFrames(carol);
    await carol.setWithoutCertificate('Ask me first');
    await carol.signIn('carol@a.keyhop.test', 'carol-pass');
    const bob = (await signedIn('bob', open)).phone;

    await carol.dial('bob@b.keyhop.test');
    await carol.page.getByText(/No certificate could be found for bob@b\.keyhop\.test, .* Send it unencrypted\?/).waitFor({ timeout: 15_000 });
    await carol.button('Cancel call').click();
    const alert = carol.page.getByRole('alert');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toMatch(/^Call cancelled: no certificate could be found for bob@b\.keyhop\.test/);
    await carol.waitIdle();
    expect(sipMessages(frames).all.filter((f) => f.startsWith('INVITE '))).toEqual([]);
    expect(await bob.incomingCalls()).toBe(0);
  });
});

describe('sealed SDP altered by a proxy', () => {
  const { open } = browserHarness({ faults: { alterBody: ['a.keyhop.test'] } });

  it('proxy A alters the sealed offer: bob refuses it and alice is told why', async () => {
    const { phone: alice } = await signedIn('alice', open);
    const { phone: bob } = await signedIn('bob', open);
    await chooseReader(alice, 'a.keyhop.test');

    await alice.dial('bob@b.keyhop.test');
    await alice.page
      .getByText("bob@b.keyhop.test could not accept the call: The call's media description was altered on the way (it no longer decrypts)")
      .first()
      .waitFor({ timeout: 20_000 });
    await alice.waitIdle();
    expect(await bob.incomingCalls()).toBe(0);
    expect(await bob.button('Answer').count()).toBe(0);
  });
});
