import { describe, expect, it } from 'vitest';
import { parseSipAddress } from './address.js';
import { checkWebSocketUrl, DEFAULT_CALL_SECURITY, phoneConfig, webSocketUrlFor } from './config.js';

const alice = parseSipAddress('alice@a.keyhop.test')!;

describe('webSocketUrlFor', () => {
  it('maps http to ws and https to wss, keeping host and port', () => {
    expect(webSocketUrlFor('http://localhost:8080', 'a.keyhop.test')).toBe('ws://localhost:8080/sip/a.keyhop.test');
    expect(webSocketUrlFor('https://phone.example.org', 'b.keyhop.test')).toBe('wss://phone.example.org/sip/b.keyhop.test');
  });

  it('refuses origins that have no server behind them', () => {
    expect(() => webSocketUrlFor('file:///tmp/x', 'a.keyhop.test')).toThrow();
  });
});

describe('phoneConfig', () => {
  it('derives everything from the address, the password and the origin', () => {
    expect(phoneConfig({ address: alice, password: 'alice-pass' }, 'http://127.0.0.1:5000')).toEqual({
      webSocketUrl: 'ws://127.0.0.1:5000/sip/a.keyhop.test',
      uri: 'sip:alice@a.keyhop.test',
      authorizationUser: 'alice',
      password: 'alice-pass',
      address: alice,
      origin: 'http://127.0.0.1:5000',
      security: DEFAULT_CALL_SECURITY,
    });
  });

  it('takes the security choices made at sign-in over the defaults', () => {
    const config = phoneConfig({ address: alice, password: 'alice-pass', security: { minHopLevel: 3, sdpReaders: ['a.keyhop.test'] } }, 'http://127.0.0.1:5000');
    expect(config.security).toEqual({ minHopLevel: 3, sdpReaders: ['a.keyhop.test'], withoutCertificate: 'refuse' });
  });

  it('uses an explicit WebSocket URL when one is given', () => {
    const config = phoneConfig({ address: alice, password: 'p', webSocketUrl: ' wss://sip.example.org:7443/ws ' }, 'http://localhost:1');
    expect(config.webSocketUrl).toBe('wss://sip.example.org:7443/ws');
  });

  it('refuses an explicit URL that is not a WebSocket URL', () => {
    expect(() => phoneConfig({ address: alice, password: 'p', webSocketUrl: 'http://x' }, 'http://localhost:1')).toThrow(/ws:\/\//);
    expect(checkWebSocketUrl('not a url')).toBeNull();
  });
});
