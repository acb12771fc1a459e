import { describe, expect, it } from 'vitest';
import { addEntry, copyChain, dialogDigest, dialogIds, parseChain, verifyChain } from '../../hopsec/index.js';
import { A_ADDR, B_ADDR, keyPair, okResponse, PROXY_A, PROXY_B, rewrite, setPath, pathValues } from '../../hopsec/test-support.js';
import { SipRequest, SipResponse, type SipMessage } from '../../sip/message.js';
import { parseMessage } from '../../sip/parser.js';
import type { StageContext } from '../stage-socket.js';
import type { OwnLink } from './own-link.js';
import { refusalFromWarnings } from './refusal.js';
import { routeSecurityStage, type ChainChecked } from './stage.js';

const ALICE = 'alice@a.keyhop.test';
const BOB = 'bob@b.keyhop.test';
const keyA = keyPair();
const keyB = keyPair();
const table = new Map([
  [PROXY_A, keyA.publicKey],
  [PROXY_B, keyB.publicKey],
]);
const keys = (node: string): Uint8Array | undefined => table.get(node);

/** A request as JsSIP writes it. */
function jssipRequest(method: string, opts: { cseq?: number; callId?: string; from?: string; to?: string; branch?: string } = {}): string {
  const cseq = opts.cseq ?? 1;
  return [
    `${method} sip:${opts.to ?? BOB} SIP/2.0`,
    `Via: SIP/2.0/WS 5h1pd3kq.invalid;branch=${opts.branch ?? 'z9hG4bK1234567'}`,
    'Max-Forwards: 69',
    `To: <sip:${opts.to ?? BOB}>`,
    `From: <sip:${opts.from ?? ALICE}>;tag=h7sk2cuq5p`,
    `Call-ID: ${opts.callId ?? 'q0ol0c1bqb0i6n6k7m0l'}`,
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:p4s1ms3e@5h1pd3kq.invalid;transport=ws>',
    'User-Agent: Keyhop',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function parse(raw: string): SipMessage {
  return parseMessage(new TextEncoder().encode(raw));
}

function request(raw: string): SipRequest {
  const msg = parse(raw);
  if (!(msg instanceof SipRequest)) throw new Error('not a request');
  return msg;
}

interface Harness {
  checked: ChainChecked[];
  replies: string[];
  context: StageContext;
  stage: ReturnType<typeof routeSecurityStage>;
  out(raw: string): string | null;
  in(raw: string): Promise<string | null>;
}

function harness(aor: string, opts: { link?: OwnLink; minLevel?: 0 | 1 | 2 | 3 } = {}): Harness {
  const checked: ChainChecked[] = [];
  const replies: string[] = [];
  const context: StageContext = { reply: (raw) => void replies.push(raw) };
  const stage = routeSecurityStage({
    aor,
    link: () => opts.link ?? { transport: 'ws', authenticated: true, signed: true },
    keys,
    minLevel: opts.minLevel ?? 1,
    onChecked: (c) => void checked.push(c),
  });
  return {
    checked,
    replies,
    context,
    stage,
    out: (raw) => stage.outgoing!(raw, context) as string | null,
    in: async (raw) => await stage.incoming!(raw, context),
  };
}

/** What proxies A and B do to alice's request on its way to bob (every link as given). */
function throughProxies(req: SipRequest, levels: [0 | 1 | 2 | 3, 0 | 1 | 2 | 3] = [3, 2]): SipRequest {
  addEntry(req, { node: PROXY_A, addr: A_ADDR, level: levels[0], transport: 'tls' }, keyA.privateKey);
  addEntry(req, { node: PROXY_B, addr: B_ADDR, level: levels[1], transport: 'ws' }, keyB.privateKey);
  req.prepend('Via', 'SIP/2.0/WS 198.51.100.20;branch=z9hG4bK-b0001');
  return req;
}

/** Bob's answer as it reaches alice: the chain copied, proxies' Vias gone. */
function answer(req: SipRequest, status = 200): string {
  const res = new SipResponse(status, status === 200 ? 'OK' : 'Ringing');
  const ok = okResponse(req);
  res.headers = ok.headers.filter((h) => !(h.name === 'Via' && h.value.includes('z9hG4bK-b')));
  copyChain(req, res);
  return res.toString();
}

describe('Route-Security stage: the UA adds its own entry to every request (R21)', () => {
  const cases: Array<[OwnLink, number]> = [
    [{ transport: 'ws', authenticated: true, signed: false }, 1],
    [{ transport: 'ws', authenticated: true, signed: true }, 2],
    [{ transport: 'wss', authenticated: true, signed: false }, 3],
    [{ transport: 'wss', authenticated: true, signed: true }, 3],
    [{ transport: 'ws', authenticated: false, signed: false }, 0],
    [{ transport: 'wss', authenticated: false, signed: false }, 0],
  ];
  for (const [link, level] of cases) {
    it(`${link.transport}, ${link.authenticated ? 'registered' : 'not registered'}, ${link.signed ? 'signed' : 'unsigned'} → level ${level}`, () => {
      const h = harness(ALICE, { link });
      const sent = request(h.out(jssipRequest('INVITE'))!);
      const [entry, ...others] = parseChain(sent);
      expect(others).toEqual([]);
      expect(entry).toMatchObject({ node: ALICE, addr: '5h1pd3kq.invalid', level, transport: link.transport, n: 0, unattested: false });
      expect(entry!.sig).toBeUndefined();
      expect(entry!.d).toBe(dialogDigest(dialogIds(sent)));
    });
  }

  it('ACK, CANCEL, BYE and a re-INVITE each get an entry bound to their own CSeq, and a stale entry is replaced', () => {
    const h = harness(ALICE);
    for (const [method, cseq] of [['ACK', 1], ['CANCEL', 1], ['BYE', 2], ['INVITE', 3]] as const) {
      const stale = jssipRequest(method, { cseq }).replace('User-Agent: Keyhop', `Route-Security: "${ALICE}";addr=x.invalid;level=3;tr=wss;n=0;d=AAAAAAAAAAAAAAAA`);
      const sent = request(h.out(stale)!);
      const chain = parseChain(sent);
      expect(chain).toHaveLength(1);
      expect(chain[0]!.addr).toBe('5h1pd3kq.invalid');
      expect(chain[0]!.d).toBe(dialogDigest({ callId: 'q0ol0c1bqb0i6n6k7m0l', cseq, method, fromTag: 'h7sk2cuq5p' }));
    }
  });

  it('leaves the rest of the message byte for byte', () => {
    const h = harness(ALICE);
    const raw = jssipRequest('INVITE');
    const sent = h.out(raw)!;
    expect(sent.split('\r\n').filter((l) => !l.startsWith('Route-Security:'))).toEqual(raw.split('\r\n'));
  });
});

describe('Route-Security stage: the callee checks the chain and copies it into every response (R23)', () => {
  function arriving(levels: [0 | 1 | 2 | 3, 0 | 1 | 2 | 3] = [3, 2], aliceLink: OwnLink = { transport: 'ws', authenticated: true, signed: true }): SipRequest {
    const alice = harness(ALICE, { link: aliceLink });
    return throughProxies(request(alice.out(jssipRequest('INVITE'))!), levels);
  }

  it('passes a good INVITE on, reports the path, and copies the chain, in order, into the 180 and the 200', async () => {
    const bob = harness(BOB);
    const inv = arriving();
    expect(await bob.in(inv.toString())).toBe(inv.toString());
    expect(bob.checked).toHaveLength(1);
    const { view, refused, role } = bob.checked[0]!;
    expect(role).toBe('callee');
    expect(refused).toBe(false);
    expect(view.ok).toBe(true);
    expect(view.hops.map((hop) => [hop.node, hop.level, hop.transport, hop.signature])).toEqual([
      [ALICE, 2, 'ws', 'own'],
      [PROXY_A, 3, 'tls', 'verified'],
      [PROXY_B, 2, 'ws', 'verified'],
    ]);
    for (const status of [180, 200]) {
      const res = okResponse(inv);
      res.status = status;
      const sent = parse(bob.out(res.toString())!);
      expect(sent.getAll('Route-Security')).toEqual(inv.getAll('Route-Security'));
      expect(verifyChain(sent, { keys, minLevel: 1, own: { node: ALICE, position: 'bottom' } }).ok).toBe(true);
    }
  });

  it('does not copy a chain into a response to another request', async () => {
    const bob = harness(BOB);
    await bob.in(arriving().toString());
    const bye = request(jssipRequest('BYE', { cseq: 7, from: BOB, to: ALICE, branch: 'z9hG4bKother' }));
    expect(parse(bob.out(okResponse(bye).toString())!).getAll('Route-Security')).toEqual([]);
  });

  it('refuses an INVITE below its minimum with 403 and a Warning naming the hop, and keeps it from JsSIP', async () => {
    const bob = harness(BOB, { minLevel: 3 });
    const inv = arriving();
    expect(await bob.in(inv.toString())).toBeNull();
    expect(bob.replies).toHaveLength(1);
    const reply = parse(bob.out(bob.replies[0]!)!) as SipResponse;
    expect([reply.status, reply.reason]).toEqual([403, 'Route-Security Check Failed']);
    expect(reply.get('To')).toMatch(/;tag=/);
    expect(refusalFromWarnings(reply.getAll('Warning'))).toEqual({
      agent: BOB,
      why: `The hop from ${ALICE} to ${PROXY_A} is only level 2 (integrity); ${BOB} requires at least 3 (confidentiality)`,
    });
    // The refusal carries the chain back too.
    expect(reply.getAll('Route-Security')).toEqual(inv.getAll('Route-Security'));
    expect(bob.checked[0]).toMatchObject({ refused: true, role: 'callee', peer: ALICE });
    expect(bob.checked[0]!.view.problem).toBe(`The hop from ${ALICE} to ${PROXY_A} is only level 2 (integrity); your minimum is 3 (confidentiality)`);
  });

  it('refuses an INVITE with an unattested hop, and one without any chain', async () => {
    const bob = harness(BOB);
    const alice = harness(ALICE);
    const inv = request(alice.out(jssipRequest('INVITE'))!);
    addEntry(inv, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    // B forwards without signing its entry.
    addEntry(inv, { node: PROXY_B, addr: B_ADDR, level: 2, transport: 'ws' });
    expect(await bob.in(inv.toString())).toBeNull();
    expect(refusalFromWarnings(parse(bob.replies[0]!).getAll('Warning'))!.why).toBe(
      `The hop from ${PROXY_B} to ${BOB} is unattested: ${PROXY_B} did not sign its entry`,
    );

    // With minimum 0 ("none") the unattested hop is accepted.
    const lenient = harness(BOB, { minLevel: 0 });
    expect(await lenient.in(inv.toString())).not.toBeNull();
    expect(lenient.checked[0]!.view.hops[2]!.signature).toBe('unattested');

    const bare = request(jssipRequest('INVITE', { from: ALICE }));
    expect(await bob.in(bare.toString())).toBeNull();
    expect(refusalFromWarnings(parse(bob.replies[1]!).getAll('Warning'))!.why).toBe('The call arrived without a Route-Security chain, so nothing vouches for its path');
  });
});

describe('Route-Security stage: the caller checks the chain of every answer to its INVITE (R25)', () => {
  function call(minLevel: 0 | 1 | 2 | 3 = 1): { alice: Harness; inv: SipRequest } {
    const alice = harness(ALICE, { minLevel });
    const inv = throughProxies(request(alice.out(jssipRequest('INVITE'))!));
    return { alice, inv };
  }

  it('accepts an answer with the whole chain copied and reports every hop, caller first', async () => {
    const { alice, inv } = call();
    for (const status of [180, 200]) expect(await alice.in(answer(inv, status))).not.toBeNull();
    expect(alice.checked.map((c) => [c.role, c.status, c.endCall, c.view.ok])).toEqual([
      ['caller', 180, false, true],
      ['caller', 200, false, true],
    ]);
    expect(alice.checked[1]!.view.hops.map((h) => `${h.node} ${h.level} ${h.signature}`)).toEqual([`${ALICE} 2 own`, `${PROXY_A} 3 verified`, `${PROXY_B} 2 verified`]);
  });

  it('ends the call when an entry was tampered with', async () => {
    const { alice, inv } = call();
    rewrite(inv, 1, (e) => ({ ...e, level: 1 }));
    await alice.in(answer(inv));
    expect(alice.checked[0]).toMatchObject({ endCall: true, status: 200 });
    expect(alice.checked[0]!.view.problem).toMatch(/a\.keyhop\.test/);
    expect(alice.checked[0]!.view.hops[1]!.signature).toBe('failed');
  });

  it('ends the call when a hop was removed', async () => {
    const { alice, inv } = call();
    const values = pathValues(inv);
    setPath(inv, [values[0]!, values[2]!]);
    await alice.in(answer(inv, 180));
    expect(alice.checked[0]!.endCall).toBe(true);
    expect(alice.checked[0]!.view.problem).toBe(`Hops were removed from the route below ${PROXY_B}`);
  });

  it('ends the call when a hop is below the minimum, naming the hop', async () => {
    const { alice, inv } = call(3);
    await alice.in(answer(inv));
    expect(alice.checked[0]!.endCall).toBe(true);
    expect(alice.checked[0]!.view.problem).toBe(`The hop from you to ${PROXY_A} is only level 2 (integrity); your minimum is 3 (confidentiality)`);
  });

  it('ends the call when the callee did not copy the chain back', async () => {
    const { alice, inv } = call();
    const res = parse(answer(inv));
    res.remove('Route-Security');
    await alice.in(res.toString());
    expect(alice.checked[0]!.endCall).toBe(true);
    expect(alice.checked[0]!.view.problem).toBe(`The answer came back without the route's Route-Security chain (${BOB} did not copy it), so the path cannot be checked`);
  });

  it('does not accept the chain of another request (a replayed answer)', async () => {
    const { alice, inv } = call();
    const other = throughProxies(request(alice.out(jssipRequest('INVITE', { cseq: 2 }))!));
    // The answer to CSeq 1 carrying the chain made for CSeq 2.
    const res = parse(answer(inv));
    copyChain(other, res);
    await alice.in(res.toString());
    expect(alice.checked[0]!.endCall).toBe(true);
    expect(alice.checked[0]!.view.problem).toMatch(/made for another message/);
  });

  it('leaves 100 Trying and challenges alone, and does not end a call over a failed final answer', async () => {
    const { alice, inv } = call();
    for (const status of [100, 407]) {
      const res = parse(answer(inv)) as SipResponse;
      res.status = status;
      res.remove('Route-Security');
      await alice.in(res.toString());
    }
    expect(alice.checked).toEqual([]);
    const busy = parse(answer(inv)) as SipResponse;
    busy.status = 486;
    busy.remove('Route-Security');
    await alice.in(busy.toString());
    expect(alice.checked[0]).toMatchObject({ endCall: false, status: 486 });
  });
});
