/** Telling Kerberos messages apart by their APPLICATION tag (RFC 4120 §5.10). */
import { malformed } from '../errors';
import { MessageType } from './constants';
import { applicationTag, decodeDer } from './der';

/**
 * The message type of an encoded Kerberos message (its APPLICATION tag, e.g. 11 for AS-REP or
 * 30 for KRB-ERROR). The whole message must be well-formed DER; its contents are not checked.
 */
export function messageType(bytes: Uint8Array): number {
  return decodeDer(bytes, 'Kerberos message', (node, what) => {
    const tag = applicationTag(node);
    if (tag === undefined) throw malformed(`${what}: not an APPLICATION-tagged message`);
    return tag;
  });
}

/** Whether an encoded message is a KRB-ERROR (as opposed to the reply that was asked for). */
export function isKrbError(bytes: Uint8Array): boolean {
  return messageType(bytes) === MessageType.KRB_ERROR;
}
