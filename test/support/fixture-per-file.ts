/**
 * One Keyhop per test file (started before its first test, stopped after its last) and the raw SIP
 * clients its tests open, closed after each test so that no registration outlives the test that made it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { DeepPartial, KeyhopConfig } from '../../src/server/config.js';
import { startFixture, type Fixture } from './keyhop-fixture.js';
import type { RawSipClient } from './sip-client.js';

export interface FileFixture {
  /** The running fixture; only inside tests and hooks. */
  readonly fx: Fixture;
  /** Closes `client` after the current test; returns it. */
  track<C extends RawSipClient>(client: C): C;
}

/** Registers the hooks of the calling test file; arguments as `startFixture`. */
export function fixturePerFile(overrides: DeepPartial<KeyhopConfig> = {}, extraUsers: Array<{ aor: string; password: string }> = []): FileFixture {
  let fx: Fixture | undefined;
  const open: RawSipClient[] = [];
  beforeAll(async () => {
    fx = await startFixture(overrides, extraUsers);
  });
  afterEach(async () => {
    const clients = open.splice(0);
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closedPromise));
    // Lets the proxies notice the closed connections and drop their registrations.
    await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    await fx?.stop();
  });
  return {
    get fx() {
      if (!fx) throw new Error('the Keyhop fixture is only there inside tests and hooks');
      return fx;
    },
    track(client) {
      open.push(client);
      return client;
    },
  };
}
