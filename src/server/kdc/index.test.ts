import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { parseHostPort } from './index.js';

describe('KDC settings', () => {
  it('defaults to the embedded KDC for KEYHOP.TEST on 127.0.0.1:8888 with 8-hour tickets', () => {
    expect(loadConfig({ file: null, env: {} }).kdc).toEqual({ realm: 'KEYHOP.TEST', host: '127.0.0.1', port: 8888, ticketLifetimeSec: 28800, external: null, keytab: null });
  });

  it('takes an external KDC and its keytab from the environment', () => {
    const cfg = loadConfig({ file: null, env: { KEYHOP_KDC: 'kdc.example.com:88', KEYHOP_KDC_KEYTAB: '/etc/keyhop/sip.keytab', KEYHOP_KDC_REALM: 'EXAMPLE.COM' } });
    expect(cfg.kdc).toMatchObject({ external: 'kdc.example.com:88', keytab: '/etc/keyhop/sip.keytab', realm: 'EXAMPLE.COM' });
    expect(loadConfig({ file: null, env: { KEYHOP_KDC: '[::1]:8888' } }).kdc.external).toBe('[::1]:8888');
  });

  it('refuses an external KDC that is not host:port', () => {
    for (const bad of ['kdc.example.com', 'kdc:0', 'kdc:70000', 'tcp/kdc:88:1', ' :88']) {
      expect(() => loadConfig({ file: null, env: { KEYHOP_KDC: bad } }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ file: null, env: { KEYHOP_KDC: 'kdc' } })).toThrow(/environment KEYHOP_KDC: expected host:port/);
  });

  it('parses host:port and [v6]:port', () => {
    expect(parseHostPort('127.0.0.1:88')).toEqual({ host: '127.0.0.1', port: 88 });
    expect(parseHostPort('[::1]:8888')).toEqual({ host: '::1', port: 8888 });
    expect(() => parseHostPort('nope')).toThrow(RangeError);
  });
});
