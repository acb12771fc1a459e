import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKeyhop } from '../src/server/keyhop.js';
import { startFixture } from '../test/support/keyhop-fixture.js';
import { STATIC_DIR } from './support/build.js';
import { browserHarness } from './support/harness.js';
import { expectAccessible, fitsWidth, PHONE, DESKTOP, screenshots } from './support/ui-checks.js';
import type { Page } from 'playwright-core';
import { until } from './support/wait.js';

const { open } = browserHarness();

/** Presses Tab until the control named `name` has the focus (at most 40 times). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '';
      return label.trim();
    });
    if (focused.startsWith(name)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

describe('account, registration and settings', () => {
  it('signs in with advanced settings, remembers them without the password, and signs out', async () => {
    const alice = await open('alice');
    const page = alice.page;
    await expectAccessible(page, 'sign-in');
    await page.getByText('Advanced settings').click();
    // The proxies offered come from the server's /keyhop.json.
    const defaults = page.getByRole('group', { name: 'Default SDP readers' });
    await defaults.getByRole('checkbox', { name: 'b.keyhop.test' }).waitFor();
    expect(await defaults.getByRole('checkbox').count()).toBe(2);
    expect(await page.getByRole('combobox', { name: 'Minimum hop security' }).inputValue()).toBe('1');
    expect(await page.getByRole('radio', { name: 'Refuse the call' }).isChecked()).toBe(true);
    await expectAccessible(page, 'sign-in with advanced settings');
    await screenshots(page, 'sign-in');
    await page.setViewportSize(PHONE);
    expect(await fitsWidth(page), 'the sign-in form fits a phone').toBe(true);
    await page.setViewportSize(DESKTOP);

    await alice.setMinimumHopSecurity(2);
    await defaults.getByRole('checkbox', { name: 'b.keyhop.test' }).check();
    await page.getByRole('radio', { name: 'Ask me first' }).check();
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');

    // The per-call choice starts from the default.
    const readers = page.getByRole('group', { name: 'SDP readers' });
    expect(await readers.getByRole('checkbox', { name: 'b.keyhop.test' }).isChecked()).toBe(true);
    expect(await readers.getByRole('checkbox', { name: 'a.keyhop.test' }).isChecked()).toBe(false);
    const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage }));
    expect(stored).toContain('alice@a.keyhop.test');
    expect(stored).not.toContain('alice-pass');

    await alice.button('Sign out').click();
    await alice.status().filter({ hasText: 'Signed out' }).waitFor();
    await page.reload();
    expect(await page.getByRole('textbox', { name: 'SIP address' }).inputValue()).toBe('alice@a.keyhop.test');
    expect(await page.getByRole('textbox', { name: 'Password' }).inputValue()).toBe('');
    await page.getByText('Advanced settings').click();
    expect(await page.getByRole('combobox', { name: 'Minimum hop security' }).inputValue()).toBe('2');
    expect(await page.getByRole('group', { name: 'Default SDP readers' }).getByRole('checkbox', { name: 'b.keyhop.test' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Ask me first' }).isChecked()).toBe(true);
  });

  it('only the sign-in code loads first; the phone loads when "Sign in" is pressed; a wrong password keeps the form', async () => {
    const alice = await open('alice');
    const scripts: string[] = [];
    alice.page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await alice.page.reload({ waitUntil: 'networkidle' });
    expect(scripts.length, 'scripts loaded before signing in').toBeGreaterThan(0);
    expect(scripts.filter((s) => /\/(phone|Workspace)-/.test(s)), 'no phone code before signing in').toEqual([]);
    await alice.page.getByRole('textbox', { name: 'SIP address' }).fill('alice@a.keyhop.test');
    await alice.page.getByRole('textbox', { name: 'Password' }).fill('wrong');
    await alice.button('Sign in').click();
    await alice.status().filter({ hasText: /Wrong SIP address or password/ }).waitFor();
    expect(scripts.some((s) => /\/phone-/.test(s)), 'the phone loaded once "Sign in" was pressed').toBe(true);
    await alice.button('Sign in').waitFor();
  });

  it('contacts come from the server and only name those the policy lets the user reach', async () => {
    const carol = await open('carol');
    const alice = await open('alice');
    await carol.signIn('carol@a.keyhop.test', 'carol-pass');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    const carolList = carol.page.getByRole('list', { name: 'People you may call' });
    await carolList.getByText('alice@a.keyhop.test').waitFor();
    expect(await carolList.getByRole('listitem').allTextContents()).not.toContain(expect.stringContaining('bob@b.keyhop.test'));
    expect(await carolList.getByText('bob@b.keyhop.test').count()).toBe(0);
    const aliceList = alice.page.getByRole('list', { name: 'People you may call' });
    await aliceList.getByText('bob@b.keyhop.test').waitFor();
    await aliceList.getByText('carol@a.keyhop.test').waitFor();
    expect(await aliceList.getByText('alice@a.keyhop.test').count(), 'not oneself').toBe(0);

    // Calling from the list: carol rings.
    await alice.button('Call carol@a.keyhop.test').click();
    await carol.page.getByText('Incoming call from alice@a.keyhop.test').waitFor();
    await carol.button('Decline').click();
    await alice.waitIdle();
  });

  it('the "SDP readers" choice reaches the wire', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    const invites: string[] = [];
    alice.page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        const text = String(f.payload);
        if (text.startsWith('INVITE ')) invites.push(text);
      }),
    );
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    await alice.page.getByRole('group', { name: 'SDP readers' }).getByRole('checkbox', { name: 'b.keyhop.test' }).check();
    await alice.dial('bob@b.keyhop.test');
    await bob.button('Answer').click();
    await alice.page.getByText(/In call with/).waitFor();
    const invite = await until('the INVITE on the wire', async () => invites.find((i) => /^SDP-Readers:/im.test(i)));
    expect(invite).toMatch(/^SDP-Readers:\s*b\.keyhop\.test\s*$/im);

    // The badge opens the plain-words explanation.
    const badge = alice.page.getByRole('button', { name: /^Security: / });
    await badge.click();
    expect(await badge.getAttribute('aria-expanded')).toBe('true');
    await alice.page.getByText(/The call setup \(SDP\) was sealed; bob@b\.keyhop\.test and b\.keyhop\.test could read it\./).waitFor();
    await alice.button('Hang up').click();
    await alice.waitIdle();
  });

  it('reconnects and registers again by itself after the server restarts', async () => {
    const first = await startFixture({ http: { staticDir: STATIC_DIR } });
    const port = Number(new URL(first.k.httpUrl).port);
    let second: Awaited<ReturnType<typeof startKeyhop>> | null = null;
    try {
      const alice = await open('alice', first.k.httpUrl);
      await alice.signIn('alice@a.keyhop.test', 'alice-pass');
      await first.k.stop();
      await alice.status().filter({ hasText: /trying again|reconnecting/i }).waitFor({ timeout: 15_000 });
      await expectAccessible(alice.page, 'reconnecting');
      await screenshots(alice.page, 'reconnecting');
      second = await startKeyhop({
        dataDir: join(first.dir, 'data'),
        logLevel: 'warn',
        sip: { host: '127.0.0.1' },
        proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
        kdc: { port: 0 },
        http: { host: '127.0.0.1', port, staticDir: STATIC_DIR },
      });
      await alice.status().filter({ hasText: /Registered/ }).waitFor({ timeout: 45_000 });
    } finally {
      await second?.stop();
      await first.stop().catch(() => undefined);
    }
  });

  it('dark theme: chosen, remembered, and accessible', async () => {
    const alice = await open('alice');
    await alice.page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await alice.page.reload();
    expect(await alice.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await alice.page.getByRole('list', { name: 'People you may call' }).waitFor();
    await expectAccessible(alice.page, 'dialer (dark)');
    await screenshots(alice.page, 'dialer-dark');
  });

  it('works from the keyboard alone: sign in, dial, answer with Enter, hang up', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    for (const [phone, address, password] of [
      [alice, 'alice@a.keyhop.test', 'alice-pass'],
      [bob, 'bob@b.keyhop.test', 'bob-pass'],
    ] as const) {
      await tabTo(phone.page, 'SIP address');
      await phone.page.keyboard.press('Control+A');
      await phone.page.keyboard.type(address);
      await phone.page.keyboard.press('Tab');
      await phone.page.keyboard.type(password);
      await phone.page.keyboard.press('Enter');
      await phone.status().filter({ hasText: /Registered/ }).waitFor();
    }
    await tabTo(alice.page, 'Call to');
    await alice.page.keyboard.type('bob@b.keyhop.test');
    await alice.page.keyboard.press('Enter');
    await bob.button('Answer').waitFor();
    await until('Answer to take the focus', async () => ((await bob.button('Answer').evaluate((b) => b === document.activeElement)) ? true : undefined));
    await bob.page.keyboard.press('Enter');
    await bob.page.getByText(/In call with/).waitFor();
    await tabTo(bob.page, 'Hang up');
    await bob.page.keyboard.press('Enter');
    await alice.waitIdle();
    await bob.waitIdle();
  });
});
