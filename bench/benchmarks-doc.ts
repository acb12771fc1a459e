/** Writing one benchmark's section of docs/benchmarks.md, leaving the other sections as they are. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_DOC = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'benchmarks.md');

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
