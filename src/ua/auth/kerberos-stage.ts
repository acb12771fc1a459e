/**
 * MS-SIPAE v4 as a socket stage: every outgoing frame is signed for each proxy with a security
 * association (ACK, CANCEL and BYE included, since every write passes here); every incoming one
 * is verified and dropped when it fails. Synchronous: signing and MIC checks are.
 */
import type { SocketStage } from '../stage-socket.js';
import type { UaAuth } from './ua-auth.js';

export function kerberosStage(auth: UaAuth): SocketStage {
  return {
    name: 'Kerberos',
    outgoing(raw) {
      try {
        return auth.outgoing(raw);
      } catch (error) {
        // Unsigned, the proxy challenges the message again: better than losing it.
        console.warn('Keyhop: could not sign an outgoing SIP message', error);
        return raw;
      }
    },
    incoming(raw) {
      // A message that cannot be checked is not trusted: a throw drops it (StageSocket).
      return auth.incoming(raw) ? raw : null;
    },
    // The proxy ties its associations to the connection: a new one starts from scratch.
    reset: () => auth.reset(),
  };
}
