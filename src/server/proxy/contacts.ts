/**
 * The contact list a signed-in user may call (docs/protocol.md "Contacts"): an OPTIONS to the
 * user's own domain (`sip:a.keyhop.test`) with `Accept: application/vnd.keyhop.contacts+json`,
 * answered by the user's home proxy after authentication with the accounts of the listed domains
 * that the connection policy lets this caller reach. Nobody the policy hides is ever named.
 */
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { parseUri } from '../../sip/uri.js';
import { createResponse, randomToken } from '../../sip/response.js';
import type { ProxyExtension } from './extension.js';
import type { ConnectionPolicy } from './policy.js';
import type { UserDirectory } from './users.js';

export const CONTACTS_CONTENT_TYPE = 'application/vnd.keyhop.contacts+json';

/** The body of the answer. */
export interface ContactList {
  readonly contacts: ReadonlyArray<{ readonly address: string }>;
}

export function contactsFor(caller: string, domains: readonly string[], users: UserDirectory, policy: ConnectionPolicy): ContactList {
  const me = caller.toLowerCase();
  const seen = new Set<string>();
  for (const d of domains) for (const aor of users.inDomain(d)) if (aor !== me && policy.allows(me, aor)) seen.add(aor);
  return { contacts: [...seen].sort().map((address) => ({ address })) };
}

function wantsContacts(req: SipRequest): boolean {
  return (req.get('Accept') ?? '')
    .split(',')
    .some((t) => t.split(';')[0]!.trim().toLowerCase() === CONTACTS_CONTENT_TYPE);
}

/** Answers contact-list requests for the users of `domain`; `domains`: every domain listed. */
export function contactsExtension(domain: string, domains: readonly string[], users: UserDirectory, policy: ConnectionPolicy): ProxyExtension {
  return {
    onRequest(req: SipRequest, _inbound, caller: string): SipResponse | null {
      if (req.method !== 'OPTIONS' || !wantsContacts(req)) return null;
      let uri;
      try {
        uri = parseUri(req.uri);
      } catch {
        return null;
      }
      if (uri.user !== null || uri.host.toLowerCase() !== domain || !caller.toLowerCase().endsWith(`@${domain}`)) return null;
      const res = createResponse(req, 200, undefined, randomToken(6));
      res.setBody(JSON.stringify(contactsFor(caller, domains, users, policy)), CONTACTS_CONTENT_TYPE);
      return res;
    },
  };
}
