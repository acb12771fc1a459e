import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** Audio RTP counters of the page's active call, read through the app's test hook. */
export interface AudioCounters {
  /** Packets received on inbound audio (the other side's sending). */
  received: number;
  /** Packets sent on outbound audio. */
  sent: number;
  /** Directions negotiated for the call's transceivers, e.g. `sendrecv`. */
  directions: Array<string | null>;
}

/** One person's phone: a browser context with the Keyhop page open. */
export class PhonePage {
  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: Browser, url: string, name: string): Promise<PhonePage> {
    const context = await browser.newContext();
    await context.grantPermissions(['microphone'], { origin: new URL(url).origin });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const logs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${name}] ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => logs.push(`[${name}] pageerror: ${e.message}`));
    const phone = new PhonePage(name, context, page);
    phone.logs = logs;
    await page.goto(url, { waitUntil: 'load' });
    return phone;
  }

  logs: string[] = [];

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  status(): Locator {
    return this.page.getByRole('status');
  }

  async signIn(address: string, password: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'SIP address' }).fill(address);
    await this.page.getByRole('textbox', { name: 'Password' }).fill(password);
    await this.button('Sign in').click();
    await this.page.getByRole('status').filter({ hasText: /Registered/ }).waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** Sets "Minimum hop security" in the sign-in form's advanced settings; call before `signIn`. */
  async setMinimumHopSecurity(level: 0 | 1 | 2 | 3): Promise<void> {
    const select = this.page.getByRole('combobox', { name: 'Minimum hop security' });
    if (!(await select.isVisible())) await this.page.getByText('Advanced settings').click();
    await select.selectOption(String(level));
  }

  /** Sets "Callee without certificate" in the sign-in form's advanced settings; call before `signIn`. */
  async setWithoutCertificate(choice: 'Refuse the call' | 'Ask me first'): Promise<void> {
    const radio = this.page.getByRole('radiogroup', { name: 'Callee without certificate' }).getByRole('radio', { name: choice });
    if (!(await radio.isVisible())) await this.page.getByText('Advanced settings').click();
    await radio.check();
  }

  /** The "Call security" region of the current call. */
  callSecurity(): Locator {
    return this.page.getByRole('region', { name: 'Call security' });
  }

  async dial(target: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Call to' }).fill(target);
    await this.button('Call').click();
  }

  /** Idle: the dialer is back and no call controls are shown. */
  async waitIdle(timeout = 15_000): Promise<void> {
    await this.button('Call').waitFor({ state: 'visible', timeout });
    await this.button('Hang up').waitFor({ state: 'detached', timeout });
    await this.button('Answer').waitFor({ state: 'detached', timeout });
  }

  async audio(): Promise<AudioCounters | null> {
    return this.page.evaluate(async () => {
      const pc = window.__keyhop?.pc();
      if (!pc) return null;
      const report = await pc.getStats();
      let received = 0;
      let sent = 0;
      report.forEach((s: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.packetsReceived ?? 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.packetsSent ?? 0;
      });
      return { received, sent, directions: pc.getTransceivers().map((t) => t.currentDirection) };
    });
  }

  async incomingCalls(): Promise<number> {
    return this.page.evaluate(() => window.__keyhop?.incomingCalls() ?? -1);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}
