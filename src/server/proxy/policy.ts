/**
 * Connection policy (seeds 001/002 §2.2, R9): which caller may reach which callee.
 * File format, one rule per line, first match wins:
 *   deny  carol@a.keyhop.test -> bob@b.keyhop.test
 *   allow *@a.keyhop.test -> *
 *   default allow
 * Patterns: `*`, `*@domain`, `user@domain`. Without a matching rule the `default` applies (allow if unset).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const DEMO_POLICY = `# Keyhop connection policy: first matching rule wins.
# Patterns: *, *@domain, user@domain.
deny carol@a.keyhop.test -> bob@b.keyhop.test
default allow
`;

interface Rule {
  allow: boolean;
  from: string;
  to: string;
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

export class ConnectionPolicy {
  constructor(
    private readonly rules: Rule[],
    private readonly defaultAllow: boolean,
  ) {}

  static parse(text: string, source = 'policy'): ConnectionPolicy {
    const rules: Rule[] = [];
    let defaultAllow = true;
    for (const [i, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) continue;
      const d = /^default\s+(allow|deny)$/i.exec(line);
      if (d) {
        defaultAllow = d[1]!.toLowerCase() === 'allow';
        continue;
      }
      const m = /^(allow|deny)\s+(\S+)\s*->\s*(\S+)$/i.exec(line);
      if (!m || !validPattern(m[2]!) || !validPattern(m[3]!)) {
        throw new PolicyError(`${source}:${i + 1}: expected "allow|deny <from> -> <to>" or "default allow|deny", got "${line}"`);
      }
      rules.push({ allow: m[1]!.toLowerCase() === 'allow', from: m[2]!.toLowerCase(), to: m[3]!.toLowerCase() });
    }
    return new ConnectionPolicy(rules, defaultAllow);
  }

  static load(path: string): ConnectionPolicy {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new PolicyError(`Cannot read policy file ${path}: ${(e as Error).message}`);
    }
    return ConnectionPolicy.parse(text, path);
  }

  static createIfMissing(path: string): void {
    if (!existsSync(path)) writeFileSync(path, DEMO_POLICY);
  }

  allows(from: string, to: string): boolean {
    const f = from.toLowerCase();
    const t = to.toLowerCase();
    for (const r of this.rules) if (matches(r.from, f) && matches(r.to, t)) return r.allow;
    return this.defaultAllow;
  }
}

function validPattern(p: string): boolean {
  return p === '*' || /^(\*|[^@\s*]+)@[^@\s*]+$/.test(p);
}

function matches(pattern: string, aor: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*@')) return aor.endsWith(pattern.slice(1));
  return pattern === aor;
}
