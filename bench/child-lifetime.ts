/**
 * How a benchmark's Keyhop child process lives: it announces itself with one `KEYHOP_READY <json>`
 * line, then serves until SIGTERM/SIGINT, until its stdin closes (the driver went away), or until
 * `maxSeconds` have passed, and stops Keyhop cleanly (forced after 5 s).
 */
import type { RunningKeyhop } from '../src/server/keyhop.js';

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
