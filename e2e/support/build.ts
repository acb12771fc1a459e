import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The server serves `dist/`; build it when missing (`npm run test:e2e` builds it beforehand). */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(new URL('../../dist/index.html', import.meta.url))) return;
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn' });
}
