/**
 * Managing the embedded KDC's principals from the command line:
 *
 *   npx tsx src/server/kdc/cli.ts set-password <name> [dataDir]   (password read from stdin)
 *
 * creates user `<name>@REALM` with keys from the password, or gives an existing one new keys
 * (kvno + 1). The data directory defaults to the `dataDir` setting. Restart Keyhop afterwards.
 */
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { setPasswordPrincipal } from './store.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const [command, name, dataDir] = argv;
  if (command !== 'set-password' || !name) {
    console.error('usage: cli.ts set-password <name> [dataDir]   (the password is read from stdin)');
    return 2;
  }
  const dir = join(dataDir ?? loadConfig().dataDir, 'kdc');
  const password = await readStdin();
  if (!password) {
    console.error('No password on stdin');
    return 2;
  }
  const r = setPasswordPrincipal(dir, name, password);
  console.log(`${r.created ? 'Created' : 'Updated'} ${name} (kvno ${r.kvno}) in ${dir}; restart Keyhop to use it.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
