export { parseCallTarget, parseSipAddress, type SipAddress } from './address.js';
export { Call, type DeclineCode } from './call.js';
export { checkWebSocketUrl, DEFAULT_CALL_SECURITY, phoneConfig, webSocketUrlFor, type CallSecuritySettings, type PhoneConfig, type SignInDetails } from './config.js';
export { Phone, type CallOptions, type PlainSdpQuestion } from './phone.js';
export { CANNOT_REACH_SERVER, WRONG_CREDENTIALS } from './reasons.js';
export type { RefusedCall } from './route-security/index.js';
export {
  isCallOver,
  type CallDirection,
  type CallOutcome,
  type CallPhase,
  type CallSnapshot,
  type HopView,
  type RegistrationState,
  type RouteSecurityView,
  type SdpProtectionView,
} from './states.js';
export { installTestHook, type KeyhopTestHook } from './test-hook.js';
