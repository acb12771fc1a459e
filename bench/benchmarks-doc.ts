/**
 * Writing one benchmark's section of docs/benchmarks.md, leaving the other sections as they are, and
 * the figures and lines every section shares: quantiles, ratios, the command that produced it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's top folder. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCHMARKS_DOC = join(REPO_ROOT, 'docs', 'benchmarks.md');

/** Replaces the section headed `## <title>` with `text` (which starts with that heading), or appends it. */
export function writeBenchmarkSection(title: string, text: string, doc = BENCHMARKS_DOC): void {
  const existing = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const start = existing.indexOf(`## ${title}`);
  let next: string;
  if (start < 0) {
    next = `${existing.replace(/\s*$/, '')}\n\n${text}`;
  } else {
    const after = existing.indexOf('\n## ', start + 3);
    next = existing.slice(0, start) + text + (after >= 0 ? `\n${existing.slice(after + 1)}` : '');
  }
  writeFileSync(doc, next.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n'));
}

/** Writes the section (as `writeBenchmarkSection`) and says where. */
export function publishBenchmarkSection(title: string, text: string): void {
  writeBenchmarkSection(title, text);
  console.log(`written to ${relative(process.cwd(), BENCHMARKS_DOC)}`);
}

/** The command that reran this benchmark with the same options, e.g. `npx tsx bench/krb.ts --runs 5`; `script` is its import.meta.url. */
export function benchmarkCommand(script: string): string {
  const argv = process.argv.slice(2);
  return `npx tsx ${relative(REPO_ROOT, fileURLToPath(script))}${argv.length ? ` ${argv.join(' ')}` : ''}`;
}

/** The line under a section's heading: which command produced it, and when (UTC, to the second). */
export function producedBy(command: string, started: Date): string {
  return `Produced by \`${command}\` on ${started.toISOString().replace(/\.\d+Z$/, 'Z')}.`;
}

/** The `q` quantile (0 to 1) of `values`, interpolating between neighbours; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
export const median = (v: readonly number[]): number => quantile(v, 0.5);
export const p90 = (v: readonly number[]): number => quantile(v, 0.9);

/** `a / b` as "1.23×", or "n/a" when either is missing or `b` is not positive. */
export const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
