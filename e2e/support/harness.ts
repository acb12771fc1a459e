/**
 * The lifecycle an end-to-end test file shares: Keyhop on free loopback ports (with the file's
 * settings), one Chromium, pages opened per test and closed after it (their console shown when
 * the test failed), everything stopped at the end.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { DeepPartial, KeyhopConfig } from '../../src/server/config.js';
import { startFixture, type Fixture } from '../../test/support/keyhop-fixture.js';
import { ensureBuilt, STATIC_DIR } from './build.js';
import { launchChromium } from './chromium.js';
import { makeHttpsCertificate, type HttpsCertificate } from './https-certificate.js';
import { PhonePage } from './phone-page.js';

export interface BrowserHarness {
  /** A phone page for `name`, on this file's Keyhop or on the server at `httpUrl`. */
  open(name: string, httpUrl?: string): Promise<PhonePage>;
}

export interface HarnessOptions {
  /**
   * Serve the page over HTTPS (SIP over WSS) with a `localhost` certificate from a throwaway CA,
   * whose key alone Chromium is told to trust.
   */
  https?: boolean;
}

export function browserHarness(settings: DeepPartial<KeyhopConfig> = {}, options: HarnessOptions = {}): BrowserHarness {
  let fixture: Fixture | undefined;
  let browser: Browser | undefined;
  let pages: PhonePage[] = [];
  let certificate: HttpsCertificate | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    if (options.https) certificate = await makeHttpsCertificate();
    const tls = certificate ? { tlsCert: certificate.certPath, tlsKey: certificate.keyPath } : {};
    fixture = await startFixture({ ...settings, http: { ...settings.http, ...tls, staticDir: STATIC_DIR } });
    browser = await launchChromium(certificate ? [`--ignore-certificate-errors-spki-list=${certificate.spkiHash}`] : []);
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      for (const p of pages) if (p.logs.length) console.error(p.logs.join('\n'));
    }
    await Promise.all(pages.map((p) => p.close()));
    pages = [];
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await fixture?.stop();
    certificate?.remove();
  });

  return {
    async open(name, httpUrl) {
      const phone = await PhonePage.open(browser!, httpUrl ?? fixture!.k.httpUrl, name);
      pages.push(phone);
      return phone;
    },
  };
}
