/**
 * Interop: a SIPp callee that answers without copying the Route-Security chain back (seed 001
 * §3.5 rule 7, R23 not honoured). Alice's real Keyhop phone in Chromium calls it through proxy A;
 * the answer arrives without the chain, so the phone must flag it and end the call with BYE,
 * telling alice why (R25).
 *
 * The caller is the real Phone in Chromium rather than JsSIP in Node: a JsSIP call needs WebRTC
 * (RTCPeerConnection), which only the browser really has, and the browser run also covers the
 * phone's Kerberos signing and its certificate store that supplies the proxies' keys.
 *
 * SIPp is reached as a trusted peer: proxy A routes `sipp.test` to it over TCP. Its 200 carries a
 * WebRTC-shaped SDP answer (ICE credentials, a DTLS fingerprint) so the browser accepts it; no
 * media flows, none is needed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserHarness } from '../../e2e/support/harness.js';
import { describeSippResult, ensureSipp, freePort, headerValues, parseSippMessageLog, startSipp, waitForTcpListen } from '../support/sipp.js';

const HOST = '127.0.0.1';
const SIPP_DOMAIN = 'sipp.test';
const sippPort = await freePort(HOST);

const { open } = browserHarness({ trustedPeers: [HOST], routes: { [SIPP_DOMAIN]: `tcp:${HOST}:${sippPort}` } });

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, '0').toUpperCase()).join(':');

/**
 * Answers INVITE with 200 (no Route-Security), takes the ACK, answers the BYE. The caller's
 * certificate lookup (OPTIONS, a call of its own to SIPp) gets 480: SIPp has no certificate.
 */
const SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="keyhop-uas-no-chain">
  <recv request="OPTIONS" optional="true" next="lookup"/>
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]-[call_number]-uas
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:svc@[local_ip]:[local_port];transport=tcp>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 4611731400430051336 2 IN IP4 [local_ip]
      s=-
      t=0 0
      a=group:BUNDLE 0
      m=audio 9 UDP/TLS/RTP/SAVPF 111
      c=IN IP4 0.0.0.0
      a=mid:0
      a=ice-ufrag:kh0p
      a=ice-pwd:keyhopinteroppassword000
      a=fingerprint:sha-256 ${FINGERPRINT}
      a=setup:active
      a=rtcp-mux
      a=rtpmap:111 opus/48000/2
      a=sendrecv

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send next="done">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <label id="lookup"/>
  <send>
    <![CDATA[

      SIP/2.0 480 Temporarily Unavailable
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]-[call_number]-lookup
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <label id="done"/>
</scenario>
`;

let dir: string;

beforeAll(() => {
  ensureSipp();
  dir = mkdtempSync(join(tmpdir(), 'keyhop-sipp-chain-'));
  writeFileSync(join(dir, 'uas-no-chain.xml'), SCENARIO);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a callee that does not copy the Route-Security chain', () => {
  it('alice’s phone flags the answer, ends the call with BYE and says why', async () => {
    const sipp = await startSipp({
      scenario: join(dir, 'uas-no-chain.xml'),
      label: 'uas-no-chain',
      transport: 't1',
      localHost: HOST,
      localPort: sippPort,
      // The certificate lookup and the call.
      calls: 2,
      timeoutMs: 60_000,
      recvTimeoutMs: 30_000,
      traceMessages: true,
    });
    try {
      await waitForTcpListen(HOST, sippPort, 10_000, () => sipp.alive());
      const alice = await open('alice');
      // SIPp has no certificate: alice agrees to send the SDP unencrypted (seed 003 is not under test here).
      await alice.page.getByText('Advanced settings').click();
      await alice.page.getByRole('radio', { name: 'Ask me first' }).check();
      await alice.signIn('alice@a.keyhop.test', 'alice-pass');
      await alice.dial(`svc@${SIPP_DOMAIN}`);
      await alice.button('Send unencrypted').click();

      await alice.page
        .getByText(`The answer came back without the route's Route-Security chain (svc@${SIPP_DOMAIN} did not copy it), so the path cannot be checked`)
        .first()
        .waitFor({ timeout: 20_000 });

      // SIPp got its ACK and then the BYE, and answered it: the scenario completed.
      const result = await sipp.result;
      expect(result.exitCode, describeSippResult(result)).toBe(0);
      expect(result.stats.successful).toBe(2);

      const messages = parseSippMessageLog(result.messages);
      const received = messages.filter((m) => m.direction === 'received');
      const invite = received.find((m) => m.method === 'INVITE');
      // The request reached SIPp with the chain: alice's entry at the bottom, proxy A's signed one on top.
      const chain = invite ? headerValues(invite, 'Route-Security') : [];
      expect(chain).toHaveLength(2);
      expect(chain[0]).toMatch(/^a\.keyhop\.test;.*;sig=/);
      expect(chain[1]).toMatch(/^"alice@a\.keyhop\.test";.*;n=0;/);
      const answer = messages.find((m) => m.direction === 'sent' && m.status === 200 && m.cseqMethod === 'INVITE');
      expect(answer && headerValues(answer, 'Route-Security')).toEqual([]);
      expect(received.map((m) => m.method)).toEqual(['OPTIONS', 'INVITE', 'ACK', 'BYE']);
      await alice.waitIdle();
    } finally {
      await sipp.stop();
    }
  });
});
