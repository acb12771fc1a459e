import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the app under test is built: `KEYHOP_STATIC_DIR` (the server serves it too) or `dist/`. */
export const STATIC_DIR = process.env.KEYHOP_STATIC_DIR ?? join(ROOT, 'dist');

/** The server serves the built app; build it when missing (`npm run test:e2e` builds it beforehand). */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(STATIC_DIR, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: STATIC_DIR, emptyOutDir: true } });
}
