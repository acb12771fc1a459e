/**
 * Keyhop served over HTTPS, the browsers reaching their proxies over WSS (seeds 001/002, R21–R26):
 * an authenticated user agent over TLS is a level 3 hop, so a call alice → A → B → bob is level 3
 * on every hop, and a caller who asks for at least level 3 can call (over ws the same minimum
 * refuses the call; see route-security.test.ts).
 *
 * The page's certificate comes from a throwaway CA; Chromium trusts that one key
 * (`--ignore-certificate-errors-spki-list`) rather than ignoring certificate errors wholesale.
 */
import { describe, expect, it } from 'vitest';
import { browserHarness } from './support/harness.js';
import type { PhonePage } from './support/phone-page.js';

const { open } = browserHarness({}, { https: true });

interface SignedIn {
  phone: PhonePage;
  /** URLs of the WebSockets the page opened. */
  sockets: string[];
}

async function signedIn(name: 'alice' | 'bob', minimum?: 0 | 1 | 2 | 3): Promise<SignedIn> {
  const phone = await open(name);
  const sockets: string[] = [];
  phone.page.on('websocket', (ws) => sockets.push(ws.url()));
  if (minimum !== undefined) await phone.setMinimumHopSecurity(minimum);
  await phone.signIn(`${name}@${name === 'alice' ? 'a' : 'b'}.keyhop.test`, `${name}-pass`);
  return { phone, sockets };
}

/** Every hop listed, in order, once the region lists `count` of them. */
async function hops(phone: PhonePage, count: number): Promise<string[]> {
  const items = phone.callSecurity().getByRole('listitem');
  await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(count);
  return items.allInnerTexts();
}

/** Both directions carry audio: each side receives packets while the call is up. */
async function audioFlows(phone: PhonePage): Promise<void> {
  await expect.poll(async () => (await phone.audio())?.received ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await phone.audio())?.sent ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('Keyhop over HTTPS and WSS', () => {
  it('alice calls bob over wss: the page is https, audio flows both ways, every hop is level 3 and vouched for', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    for (const side of [alice, bob]) {
      expect(new URL(side.phone.page.url()).protocol).toBe('https:');
      expect(await side.phone.page.evaluate(() => window.isSecureContext)).toBe(true);
      expect(side.sockets.length).toBeGreaterThan(0);
      for (const url of side.sockets) expect(url).toMatch(/^wss:\/\/[^/]+\/sip\/[ab]\.keyhop\.test$/);
    }

    await alice.phone.dial('bob@b.keyhop.test');
    await bob.phone.page.getByText('Incoming call from alice@a.keyhop.test').waitFor({ timeout: 15_000 });
    const atBob = await hops(bob.phone, 3);
    expect(atBob[0]).toMatch(/^alice@a\.keyhop\.test → a\.keyhop\.test · wss · level 3 .*· authenticated · the caller’s own entry, vouched for by a\.keyhop\.test/);
    expect(atBob[1]).toMatch(/^a\.keyhop\.test → b\.keyhop\.test · tls · level 3 .*· authenticated · signature verified/);
    expect(atBob[2]).toMatch(/^b\.keyhop\.test → you · wss · level 3 .*· authenticated · signature verified/);
    await expect.poll(() => bob.phone.callSecurity().innerText()).toMatch(/Every hop checked out/);
    expect(atBob.join('\n')).not.toMatch(/Warning/);

    await bob.phone.button('Answer').click();
    await alice.phone.page.getByText(/In call with/).waitFor({ timeout: 15_000 });
    const atAlice = await hops(alice.phone, 3);
    expect(atAlice[0]).toMatch(/^alice@a\.keyhop\.test → a\.keyhop\.test · wss · level 3 .*your own entry, vouched for by a\.keyhop\.test/);
    expect(atAlice[1]).toMatch(/^a\.keyhop\.test → b\.keyhop\.test · tls · level 3 .*signature verified/);
    expect(atAlice[2]).toMatch(/^b\.keyhop\.test → bob@b\.keyhop\.test · wss · level 3 .*signature verified/);
    expect(atAlice.join('\n')).not.toMatch(/Warning/);

    await audioFlows(alice.phone);
    await audioFlows(bob.phone);

    await alice.phone.button('Hang up').click();
    await alice.phone.waitIdle();
    await bob.phone.waitIdle();
  });

  it('a caller whose minimum is 3 calls over wss and the call is answered', async () => {
    const alice = await signedIn('alice', 3);
    const bob = await signedIn('bob', 3);
    await alice.phone.dial('bob@b.keyhop.test');
    await bob.phone.page.getByText('Incoming call from alice@a.keyhop.test').waitFor({ timeout: 15_000 });
    await bob.phone.button('Answer').click();
    await alice.phone.page.getByText(/In call with/).waitFor({ timeout: 15_000 });
    const atAlice = await hops(alice.phone, 3);
    for (const hop of atAlice) expect(hop).toMatch(/ · level 3 /);
    await expect.poll(() => alice.phone.callSecurity().innerText()).toMatch(/Every hop checked out and meets your minimum of level 3/);
    await expect.poll(() => bob.phone.callSecurity().innerText()).toMatch(/Every hop checked out and meets your minimum of level 3/);
    expect(await alice.phone.page.getByText(/is only level/).count()).toBe(0);
    await audioFlows(alice.phone);
    await audioFlows(bob.phone);
    await alice.phone.button('Hang up').click();
    await alice.phone.waitIdle();
    await bob.phone.waitIdle();
  });
});
