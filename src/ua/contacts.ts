/**
 * The contact list from the user's home proxy (docs/protocol.md "Contacts"): an OPTIONS to the
 * own domain asking for `application/vnd.keyhop.contacts+json`; the answer names only the
 * users the connection policy lets this user reach.
 */
import { URI, type UA } from 'jssip';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';

export const CONTACTS_CONTENT_TYPE = 'application/vnd.keyhop.contacts+json';

/** Someone the user may call. */
export interface Contact {
  /** `user@domain`. */
  readonly address: string;
}

/** Reads the answer's body; throws when it is not a contact list. */
export function parseContacts(body: string): Contact[] {
  const v = JSON.parse(body) as { contacts?: unknown };
  if (!Array.isArray(v.contacts)) throw new Error('The server sent no contact list');
  return v.contacts
    .map((c: unknown) => (c && typeof c === 'object' ? (c as { address?: unknown }).address : undefined))
    .filter((a): a is string => typeof a === 'string')
    .map((address) => ({ address }));
}

interface OptionsSender {
  sendOptions(target: URI, body: string | null, options: { extraHeaders: string[]; eventHandlers: Record<string, (e: { response?: IncomingResponse | null; cause?: unknown }) => void> }): void;
}

/** Asks the home proxy of `domain` for the list; rejects with a plain reason. */
export function requestContacts(ua: UA, domain: string): Promise<Contact[]> {
  return new Promise((resolve, reject) => {
    // A URI object: JsSIP would read the string `sip:<domain>` as a user of its own domain.
    (ua as unknown as OptionsSender).sendOptions(new URI('sip', '', domain), null, {
      extraHeaders: [`Accept: ${CONTACTS_CONTENT_TYPE}`],
      eventHandlers: {
        succeeded: (e) => {
          const res = e.response;
          const type = (res?.getHeader('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
          if (!res || type !== CONTACTS_CONTENT_TYPE) {
            reject(new Error('This server does not offer a contact list'));
            return;
          }
          try {
            resolve(parseContacts(String(res.body ?? '')));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        failed: (e) => reject(new Error(`The contact list could not be loaded (${e.response ? `${e.response.status_code} ${e.response.reason_phrase}` : String(e.cause)})`)),
      },
    });
  });
}
