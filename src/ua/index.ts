export { parseCallTarget, parseSipAddress, type SipAddress } from './address.js';
export { Call, type DeclineCode } from './call.js';
export { checkWebSocketUrl, phoneConfig, webSocketUrlFor, type PhoneConfig, type SignInDetails } from './config.js';
export { Phone } from './phone.js';
export { CANNOT_REACH_SERVER, WRONG_CREDENTIALS } from './reasons.js';
export { isCallOver, type CallDirection, type CallOutcome, type CallPhase, type CallSnapshot, type RegistrationState } from './states.js';
export { installTestHook, type KeyhopTestHook } from './test-hook.js';
