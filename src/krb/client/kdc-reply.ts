/**
 * Checks shared by AS-REP and TGS-REP processing (RFC 4120 §3.1.5, §3.3.4): the decrypted
 * EncKDCRepPart must answer the request that was sent (nonce), name the server that was asked for
 * (unless the client let the KDC canonicalize it), agree with the ticket's unencrypted fields, and
 * carry a session key Keyhop can use.
 */
import { KrbError, malformed } from '../errors';
import { applicationFields, decodeDer, readRaw } from '../asn1/der';
import type { KdcRep, EncKdcRepPart } from '../asn1/kdc-rep';
import { sameName } from '../asn1/principal';
import type { Principal } from '../asn1/principal';
import { makeKey } from '../crypto/enctype';
import type { Key } from '../crypto/types';
import { principalText } from './common';

/** The Ticket inside an AS-REP or TGS-REP, as the exact bytes the KDC sent. */
export function rawTicket(reply: Uint8Array, msgType: number): Uint8Array {
  return decodeDer(reply, 'KDC-REP', (node, what) => applicationFields(node, msgType, what).req(5, 'ticket', readRaw));
}

export interface ReplyExpectations {
  nonce: number;
  server: Principal;
  /** The client asked the KDC to canonicalize names (KDC option 15, RFC 6806). */
  canonicalize: boolean;
}

/**
 * Checks an EncKDCRepPart against the request and the reply's ticket, and returns the server's
 * name as the ticket has it and the session key.
 */
export function checkKdcReply(rep: KdcRep, part: EncKdcRepPart, expect: ReplyExpectations): { server: Principal; sessionKey: Key } {
  if (part.nonce !== expect.nonce) {
    throw new KrbError('integrity', 'The Kerberos reply does not answer this request (nonce mismatch): it may be a replayed reply');
  }
  const server: Principal = { name: part.sname, realm: part.srealm };
  if (rep.ticket.realm !== part.srealm || !sameName(rep.ticket.sname, part.sname)) {
    throw new KrbError('integrity', `The Kerberos reply's ticket names ${principalText({ name: rep.ticket.sname, realm: rep.ticket.realm })} but its encrypted part names ${principalText(server)}`);
  }
  if (part.srealm !== expect.server.realm || (!expect.canonicalize && !sameName(part.sname, expect.server.name))) {
    throw new KrbError('integrity', `Asked for a ticket to ${principalText(expect.server)} but the Kerberos reply is for ${principalText(server)}`);
  }
  if (!(part.endtime.getTime() > (part.starttime ?? part.authtime).getTime())) {
    throw malformed(`the ticket ends (${part.endtime.toISOString()}) before it starts`);
  }
  return { server, sessionKey: makeKey(part.key.keytype, part.key.keyvalue) };
}
