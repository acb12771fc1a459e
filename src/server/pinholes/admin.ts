/**
 * The admin endpoint `GET /admin/pinholes` (docs/admin.md): each proxy's open pinholes and recent
 * pinhole events, as JSON, for the holder of the admin bearer token (RFC 6750 §2.1). The token is
 * the `admin.token` setting or, when unset, a random one kept in `{dataDir}/admin-token` (0600).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { PinholeTable } from './pinhole-table.js';

export const ADMIN_PREFIX = '/admin/';
const TOKEN_FILE = 'admin-token';

export function isAdminPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(ADMIN_PREFIX);
}

/** The configured token, or the one in the data directory (generated on first start). */
export function ensureAdminToken(configured: string | null, dataDir: string): { token: string; file: string | null } {
  if (configured) return { token: configured, file: null };
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token) {
      chmodSync(file, 0o600);
      return { token, file };
    }
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file };
}

function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function createAdminHandler(token: string, tables: Map<string, PinholeTable>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const json = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...extra });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    };
    if (!authorized(req, token)) {
      const error = req.headers.authorization ? ', error="invalid_token"' : '';
      return json(401, { error: 'The admin endpoints need the admin bearer token (docs/admin.md)' }, { 'WWW-Authenticate': `Bearer realm="keyhop-admin"${error}` });
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== `${ADMIN_PREFIX}pinholes`) return json(404, { error: `No admin endpoint at ${path}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'Use GET' }, { Allow: 'GET, HEAD' });
    const proxies: Record<string, unknown> = {};
    for (const [domain, table] of tables) proxies[domain] = { pinholes: table.open(), events: table.events() };
    json(200, { proxies });
  };
}
