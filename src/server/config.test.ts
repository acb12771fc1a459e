import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from './config.js';

describe('configuration', () => {
  it('documents every setting with its key, environment variables and default', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const s of SETTINGS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${s.key}\` |`));
      expect(row, `docs/configuration.md lacks ${s.key}`).toBeDefined();
      for (const e of s.env) expect(row).toContain(`\`${e}\``);
      if (s.default !== null) expect(row).toContain(JSON.stringify(s.default));
    }
  });

  it('layers defaults, config file, environment and overrides in that order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhop-cfg-'));
    const file = join(dir, 'keyhop.json');
    writeFileSync(file, JSON.stringify({ http: { port: 9000 }, logLevel: 'debug', trustedPeers: ['10.0.0.1'] }));
    const cfg = loadConfig({ file, env: { PORT: '9100', KEYHOP_TRUSTED_PEERS: '127.0.0.5, 127.0.0.6' }, overrides: { logLevel: 'warn' } });
    expect(cfg.http.port).toBe(9100);
    expect(cfg.trustedPeers).toEqual(['127.0.0.5', '127.0.0.6']);
    expect(cfg.logLevel).toBe('warn');
    expect(cfg.proxies.a.domain).toBe('a.keyhop.test');
    expect(loadConfig({ file: null, env: {} }).http.port).toBe(8080);
  });

  it('parses routes from the environment', () => {
    const cfg = loadConfig({ file: null, env: { KEYHOP_ROUTES: 'x.example=tls:127.0.0.9:5061,y.example=tcp:127.0.0.8:5060' } });
    expect(cfg.routes).toEqual({ 'x.example': 'tls:127.0.0.9:5061', 'y.example': 'tcp:127.0.0.8:5060' });
  });

  it('refuses a bad value and names where it came from', () => {
    expect(() => loadConfig({ file: null, env: { PORT: 'eighty' } })).toThrow(ConfigError);
    expect(() => loadConfig({ file: null, env: { PORT: 'eighty' } })).toThrow(/environment PORT: expected a port number/);
    expect(() => loadConfig({ file: null, env: { KEYHOP_ROUTES: 'x=udp:1.2.3.4:5' } })).toThrow(/tls:host:port/);
    expect(() => loadConfig({ file: '/nonexistent/keyhop.json', env: {} })).toThrow(/Cannot read config file/);
  });

  it('refuses a value below the minimum of its setting and names the key and the minimum', () => {
    expect(() => loadConfig({ file: null, env: { KEYHOP_PINHOLES_MAX_IDLE_SECONDS: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig({ file: null, env: { KEYHOP_PINHOLES_MAX_IDLE_SECONDS: '0' } })).toThrow(/pinholes\.maxIdleSeconds must be at least 1, got 0/);
    expect(() => loadConfig({ file: null, env: {}, overrides: { pinholes: { maxIdleSeconds: 0 } } })).toThrow(/pinholes\.maxIdleSeconds must be at least 1/);
    expect(loadConfig({ file: null, env: { KEYHOP_PINHOLES_MAX_IDLE_SECONDS: '1' } }).pinholes.maxIdleSeconds).toBe(1);
  });
});
