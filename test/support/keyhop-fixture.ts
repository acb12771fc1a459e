/** Starts Keyhop on free loopback ports in a temporary data directory, for one test file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeepPartial, KeyhopConfig } from '../../src/server/config.js';
import { startKeyhop, type RunningKeyhop } from '../../src/server/keyhop.js';
import { DEMO_ACCOUNTS, userRecord } from '../../src/server/proxy/users.js';

export interface Fixture {
  k: RunningKeyhop;
  dir: string;
  stop(): Promise<void>;
}

export async function startFixture(overrides: DeepPartial<KeyhopConfig> = {}, extraUsers: Array<{ aor: string; password: string }> = []): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'keyhop-test-'));
  let usersFile: string | undefined;
  if (extraUsers.length) {
    usersFile = join(dir, 'users.json');
    writeFileSync(usersFile, JSON.stringify({ users: [...DEMO_ACCOUNTS, ...extraUsers].map((u) => userRecord(u.aor, u.password)) }));
  }
  const k = await startKeyhop({
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    sip: { host: '127.0.0.1' },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
    kdc: { port: 0 },
    ...(usersFile ? { usersFile } : {}),
    ...overrides,
    http: { host: '127.0.0.1', port: 0, ...overrides.http },
  });
  return {
    k,
    dir,
    async stop() {
      await k.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
