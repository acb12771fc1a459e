import { describe, expect, it } from 'vitest';
import { SipRequest } from '../../sip/message.js';
import { parseMessage } from '../../sip/parser.js';
import { contactsExtension, contactsFor, CONTACTS_CONTENT_TYPE } from './contacts.js';
import { ConnectionPolicy, DEMO_POLICY } from './policy.js';
import { DEMO_ACCOUNTS, UserDirectory, userRecord } from './users.js';

const users = new UserDirectory(DEMO_ACCOUNTS.map((a) => userRecord(a.aor, a.password)));
const policy = ConnectionPolicy.parse(DEMO_POLICY);
const DOMAINS = ['a.keyhop.test', 'b.keyhop.test'];

function options(uri: string, from: string, accept: string | null): SipRequest {
  const text = [
    `OPTIONS ${uri} SIP/2.0`,
    'Via: SIP/2.0/WS x.invalid;branch=z9hG4bK1',
    'Max-Forwards: 70',
    `To: <${uri}>`,
    `From: <sip:${from}>;tag=1`,
    'Call-ID: c1',
    'CSeq: 1 OPTIONS',
    ...(accept ? [`Accept: ${accept}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseMessage(new TextEncoder().encode(text)) as SipRequest;
}

describe('contact list', () => {
  it('names only the users the policy lets the caller reach, never the caller', () => {
    expect(contactsFor('carol@a.keyhop.test', DOMAINS, users, policy).contacts.map((c) => c.address)).toEqual(['alice@a.keyhop.test']);
    expect(contactsFor('alice@a.keyhop.test', DOMAINS, users, policy).contacts.map((c) => c.address)).toEqual(['bob@b.keyhop.test', 'carol@a.keyhop.test']);
  });

  it('answers an OPTIONS to the own domain that accepts the list, and nothing else', () => {
    const ext = contactsExtension('a.keyhop.test', DOMAINS, users, policy);
    const res = ext.onRequest!(options('sip:a.keyhop.test', 'carol@a.keyhop.test', `application/sdp, ${CONTACTS_CONTENT_TYPE}`), null as never, 'carol@a.keyhop.test');
    expect(res?.status).toBe(200);
    expect(res?.get('Content-Type')).toBe(CONTACTS_CONTENT_TYPE);
    expect(JSON.parse(res!.bodyText())).toEqual({ contacts: [{ address: 'alice@a.keyhop.test' }] });
    // Plain OPTIONS, a user's URI, another domain, another domain's user: routed as before.
    expect(ext.onRequest!(options('sip:a.keyhop.test', 'carol@a.keyhop.test', null), null as never, 'carol@a.keyhop.test')).toBeNull();
    expect(ext.onRequest!(options('sip:bob@b.keyhop.test', 'carol@a.keyhop.test', CONTACTS_CONTENT_TYPE), null as never, 'carol@a.keyhop.test')).toBeNull();
    expect(ext.onRequest!(options('sip:b.keyhop.test', 'carol@a.keyhop.test', CONTACTS_CONTENT_TYPE), null as never, 'carol@a.keyhop.test')).toBeNull();
    expect(ext.onRequest!(options('sip:a.keyhop.test', 'bob@b.keyhop.test', CONTACTS_CONTENT_TYPE), null as never, 'bob@b.keyhop.test')).toBeNull();
  });
});
