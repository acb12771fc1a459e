/** MS-SIPAE v4 Kerberos for the JsSIP user agent. See README.md. */
export { kerberosStage } from './kerberos-stage.js';
export { bindUa, installChallengePatch, unbindUa } from './challenge-patch.js';
export { securityText } from './status-text.js';
export { kerberosTicketSource } from './tickets.js';
export { UaAuth, proxyName, type AuthFailure, type ProxySecurity, type UaAuthOptions } from './ua-auth.js';
