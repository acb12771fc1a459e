import { describe, expect, it } from 'vitest';
import { SipRequest } from '../../sip/message.js';
import type { Flow, PeerKind, TransportName } from '../transport/flow.js';
import { flowLevel, localAddr, remoteAddr, viaSentBy } from './route-security-link.js';

/** The facts a flow carries; nothing here sends. */
function flow(transport: TransportName, peer: PeerKind, identity: string | null = null): Flow {
  return {
    id: 'f', transport, peer, identity, closed: false,
    remote: { address: '::1', port: 40001 }, local: { address: '127.0.0.1', port: 5071 },
    send: () => undefined, close: () => undefined, onClose: () => () => undefined,
  };
}

describe('the real level of a link', () => {
  it('follows the table of docs/protocol.md, "Proxies"', () => {
    const user = { kind: 'user' } as const;
    expect(flowLevel(flow('tls', { kind: 'proxy', domain: 'b.keyhop.test' }), false)).toBe(3);
    expect(flowLevel(flow('wss', user, 'alice@a.keyhop.test'), false)).toBe(3);
    expect(flowLevel(flow('ws', user, 'alice@a.keyhop.test'), true)).toBe(2);
    expect(flowLevel(flow('ws', user, 'alice@a.keyhop.test'), false)).toBe(1);
    expect(flowLevel(flow('wss', user), false)).toBe(0);
    expect(flowLevel(flow('tcp', { kind: 'trusted' }), false)).toBe(0);
    expect(flowLevel(flow('tls', { kind: 'trusted' }), false)).toBe(0);
  });

  it('names each end as the other sees it', () => {
    const f = flow('tls', { kind: 'proxy', domain: 'b.keyhop.test' });
    expect(remoteAddr(f)).toBe('[::1]:40001');
    expect(localAddr(f)).toBe('127.0.0.1:5071');
    const req = new SipRequest('INVITE', 'sip:bob@b.keyhop.test');
    req.append('Via', 'SIP/2.0/WS K3J2H4D1.invalid;branch=z9hG4bK-1;rport');
    expect(viaSentBy(req)).toBe('k3j2h4d1.invalid');
    req.set('Via', 'SIP/2.0/TCP 127.0.0.2:5090;branch=z9hG4bK-2');
    expect(viaSentBy(req)).toBe('127.0.0.2:5090');
    req.set('Via', 'not a via');
    expect(viaSentBy(req)).toBeUndefined();
  });
});
