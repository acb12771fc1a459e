/**
 * Keyhop in a process of its own for a benchmark, both sides of it. The child announces itself
 * with one `KEYHOP_READY <json>` line, then serves until SIGTERM/SIGINT, until its stdin closes
 * (the driver went away), or until `maxSeconds` have passed, and stops Keyhop cleanly (forced
 * after 5 s). The driver starts it, waits for that line, and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunningKeyhop } from '../src/server/keyhop.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Extra Node options for the child, e.g. `BENCH_PROXY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile it. */
const NODE_ARGS = (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean);

export interface KeyhopChild<T> {
  pid: number;
  ready: T;
  alive(): boolean;
  /** Stops the child and removes its directory (kept when BENCH_KEEP is set). */
  stop(): Promise<void>;
}

/** Runs `bench/<script>` with its data directory followed by `args`; resolves once it is ready. */
export async function startKeyhopChild<T>(script: string, args: string[], label: string): Promise<KeyhopChild<T>> {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const logPath = join(dir, 'keyhop.log');
  const log = createWriteStream(logPath);
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, '--import', 'tsx', join(ROOT, 'bench', script), join(dir, 'data'), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = child.pid;
  let exited = false;
  const closed = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stderr!.pipe(log);
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Keyhop did not report ready within 60 s (log: ${logPath})`)), 60_000);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const m = /^KEYHOP_READY (.*)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]!) as T);
      } else {
        log.write(`${line}\n`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Keyhop exited with ${code} before it was ready:\n${existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-3000) : ''}`));
    });
  });
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    pid,
    ready,
    alive: () => !exited,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await Promise.race([closed, wait(8_000)]);
        if (!exited) child.kill('SIGKILL');
        await Promise.race([closed, wait(2_000)]);
      }
      log.end();
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function serveUntilStopped(k: RunningKeyhop, maxSeconds: number, ready: unknown): void {
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 5_000);
    force.unref();
    k.stop().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('close', () => shutdown(0));
  process.stdin.resume();
  setTimeout(() => shutdown(2), Math.max(1, maxSeconds) * 1000).unref();
  process.stdout.write(`KEYHOP_READY ${JSON.stringify(ready)}\n`);
}
