import { describe, expect, it } from 'vitest';
import { parseMessage } from '../sip/parser.js';
import { headFromMessage, signatureBuffer } from './signature-buffer.js';

const msg = (lines: string[]) => parseMessage(new TextEncoder().encode(lines.join('\r\n') + '\r\n\r\n'));

// Buffers from the anchors spec §1.3 (captured Office Communicator ↔ OCS exchanges, via SIPE's tests).
describe('MS-SIPAE v4 signature buffer', () => {
  it('builds the REGISTER request buffer byte for byte', () => {
    const m = msg([
      'REGISTER sip:cosmo.local SIP/2.0',
      'Via: SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK-1',
      'Max-Forwards: 70',
      'From: <sip:user@cosmo.local>;tag=3e49177a52;epid=0123456789',
      'To: <sip:user@cosmo.local>',
      'Call-ID: 4037df9284354df39065195bd57a4b14',
      'CSeq: 3 REGISTER',
      'Proxy-Authorization: NTLM qop="auth", realm="SIP Communications Service", opaque="2BDBAC9D", targetname="cosmo-ocs-r2.cosmo.local", version=4, gssapi-data="TlRMTVNTUAADAAAA", crand="13317733", cnum="1", response="0100000029618e9651b65a7764000000"',
      'Content-Length: 0',
    ]);
    expect(signatureBuffer(m, headFromMessage(m)!)).toBe(
      '<NTLM><13317733><1><SIP Communications Service><cosmo-ocs-r2.cosmo.local><4037df9284354df39065195bd57a4b14><3><REGISTER><sip:user@cosmo.local><3e49177a52><sip:user@cosmo.local><><><><>',
    );
  });

  it('builds the 200 OK buffer: To tag, Expires header and status code', () => {
    const m = msg([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK-1',
      'From: <sip:user@cosmo.local>;tag=3e49177a52;epid=0123456789',
      'To: <sip:user@cosmo.local>;tag=5E61CCD925D17E043D9A74835A88F664',
      'Call-ID: 4037df9284354df39065195bd57a4b14',
      'CSeq: 3 REGISTER',
      'Expires: 7200',
      'Contact: <sip:user@192.0.2.1:5061;transport=tls>;expires=7200',
      'Authentication-Info: NTLM rspauth="01000000E615438A917661BE64000000", srand="9616454F", snum="1", opaque="2BDBAC9D", qop="auth", targetname="cosmo-ocs-r2.cosmo.local", realm="SIP Communications Service"',
      'Content-Length: 0',
    ]);
    expect(signatureBuffer(m, headFromMessage(m)!)).toBe(
      '<NTLM><9616454F><1><SIP Communications Service><cosmo-ocs-r2.cosmo.local><4037df9284354df39065195bd57a4b14><3><REGISTER><sip:user@cosmo.local><3e49177a52><sip:user@cosmo.local><5E61CCD925D17E043D9A74835A88F664><><><7200><200>',
    );
  });

  it('builds the 180 Ringing buffer with P-Asserted-Identity, keeping its upper-case scheme', () => {
    const m = msg([
      'SIP/2.0 180 Ringing',
      'VIA: SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK-2',
      'FROM: "Sender" <sip:sender@company.com>;tag=2420628112;epid=111',
      'TO: <sip:recipient@company.com>;tag=7aee15546a;epid=222',
      'CSEQ: 1 INVITE',
      'CALL-ID: 41CEg82ECa0AC8i3DD7mE673t9CF4b19DAxF780x',
      'P-Asserted-Identity: "Recipient" <SIP:recipient@company.com>',
      'Authentication-Info: NTLM rspauth="01000000000000000000000000000000", srand="1B6D47A1", snum="11", opaque="1", qop="auth", targetname="LOC-COMPANYT-FE03.COMPANY.COM", realm="SIP Communications Service"',
      'Content-Length: 0',
    ]);
    expect(signatureBuffer(m, headFromMessage(m)!)).toBe(
      '<NTLM><1B6D47A1><11><SIP Communications Service><LOC-COMPANYT-FE03.COMPANY.COM><41CEg82ECa0AC8i3DD7mE673t9CF4b19DAxF780x><1><INVITE><sip:sender@company.com><2420628112><sip:recipient@company.com><7aee15546a><SIP:recipient@company.com><><><180>',
    );
  });

  it('takes a tel: identity, and a From without angle brackets up to its first parameter', () => {
    const m = msg([
      'BYE sip:x@example.test SIP/2.0',
      'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK-3',
      'Max-Forwards: 70',
      'From: sip:alice@a.keyhop.test;tag=abc',
      'To: <sip:bob@b.keyhop.test>;tag=def',
      'Call-ID: c1',
      'CSeq: 7 BYE',
      'P-Preferred-Identity: <sip:alice@a.keyhop.test>, <tel:+15551234>',
      'Content-Length: 0',
    ]);
    const head = { protocol: 'Kerberos', rand: '0a1b2c3d', num: '4', realm: 'KEYHOP.TEST', targetname: 'sip/a.keyhop.test' };
    expect(signatureBuffer(m, head)).toBe(
      '<Kerberos><0a1b2c3d><4><KEYHOP.TEST><sip/a.keyhop.test><c1><7><BYE><sip:alice@a.keyhop.test><abc><sip:bob@b.keyhop.test><def><sip:alice@a.keyhop.test><tel:+15551234><>',
    );
  });

  it('finds no head in a message without an auth header', () => {
    expect(headFromMessage(msg(['OPTIONS sip:a SIP/2.0', 'Via: SIP/2.0/WS x;branch=z9hG4bK-4', 'Max-Forwards: 70', 'From: <sip:a@b>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']))).toBeNull();
  });
});
