import type { CallDirection, CallOutcome } from './states.js';

/**
 * Plain-words explanations of why registration or a call did not work.
 * JsSIP reports a `cause` string (see its `causes` enum) and, when a response came back, the SIP
 * status code; the code is the more precise of the two, so it wins when present.
 */

/** The `cause` strings JsSIP 3.13 uses (values of `JsSIP.C.causes`). */
export const Cause = {
  CONNECTION_ERROR: 'Connection Error',
  REQUEST_TIMEOUT: 'Request Timeout',
  SIP_FAILURE_CODE: 'SIP Failure Code',
  INTERNAL_ERROR: 'Internal Error',
  BUSY: 'Busy',
  REJECTED: 'Rejected',
  REDIRECTED: 'Redirected',
  UNAVAILABLE: 'Unavailable',
  NOT_FOUND: 'Not Found',
  ADDRESS_INCOMPLETE: 'Address Incomplete',
  INCOMPATIBLE_SDP: 'Incompatible SDP',
  MISSING_SDP: 'Missing SDP',
  AUTHENTICATION_ERROR: 'Authentication Error',
  BYE: 'Terminated',
  WEBRTC_ERROR: 'WebRTC Error',
  CANCELED: 'Canceled',
  NO_ANSWER: 'No Answer',
  EXPIRES: 'Expires',
  NO_ACK: 'No ACK',
  DIALOG_ERROR: 'Dialog Error',
  USER_DENIED_MEDIA_ACCESS: 'User Denied Media Access',
  BAD_MEDIA_DESCRIPTION: 'Bad Media Description',
  RTP_TIMEOUT: 'RTP Timeout',
} as const;

export const WRONG_CREDENTIALS = 'Wrong SIP address or password';
export const CANNOT_REACH_SERVER = 'Cannot reach the server';

function statusText(code: number, phrase: string | null): string {
  return phrase ? `${code} ${phrase}` : String(code);
}

/** Why a REGISTER did not succeed. */
export function registrationFailureReason(cause: string | null, statusCode: number | null, reasonPhrase: string | null = null): string {
  if (statusCode !== null) {
    if (statusCode === 401 || statusCode === 407 || statusCode === 403 || statusCode === 404 || statusCode === 604) return WRONG_CREDENTIALS;
    if (statusCode === 408 || statusCode === 504) return 'The server did not answer in time';
    if (statusCode === 503) return 'The server is not available right now';
    if (statusCode >= 500) return `The server could not register you (${statusText(statusCode, reasonPhrase)})`;
    return `Registration was refused (${statusText(statusCode, reasonPhrase)})`;
  }
  switch (cause) {
    case Cause.AUTHENTICATION_ERROR:
    case Cause.REJECTED:
    case Cause.NOT_FOUND:
      return WRONG_CREDENTIALS;
    case Cause.CONNECTION_ERROR:
      return CANNOT_REACH_SERVER;
    case Cause.REQUEST_TIMEOUT:
      return 'The server did not answer in time';
    default:
      return cause ? `Registration failed (${cause})` : 'Registration failed';
  }
}

/** What JsSIP tells about the end of a session. */
export interface SessionEnd {
  readonly originator: 'local' | 'remote' | 'system' | string;
  readonly cause: string;
  /** Set when the end came with a SIP response (a final non-2xx to our INVITE). */
  readonly statusCode: number | null;
  readonly reasonPhrase: string | null;
}

export interface CallContext {
  readonly direction: CallDirection;
  /** The other party as `user@domain`. */
  readonly peer: string;
}

function outcome(text: string, alert: boolean, statusCode: number | null = null): CallOutcome {
  return { text, alert, statusCode };
}

/** Why an outgoing call was refused, from the final response's status code. */
function refusal(code: number, phrase: string | null, peer: string): CallOutcome {
  switch (code) {
    case 480:
    case 410:
    case 430:
      return outcome(`${peer} is not available`, true, code);
    case 404:
    case 604:
      return outcome(`${peer} does not exist`, true, code);
    case 486:
    case 600:
      return outcome(`${peer} is busy`, true, code);
    case 603:
      return outcome(`${peer} declined the call`, true, code);
    case 408:
      return outcome(`${peer} did not answer`, true, code);
    case 487:
      return outcome('The call was cancelled', true, code);
    case 403:
      return outcome(`You are not allowed to call ${peer}`, true, code);
    case 401:
    case 407:
      return outcome('The server did not accept your credentials for this call', true, code);
    case 484:
    case 416:
      return outcome(`${peer} is not a complete address`, true, code);
    case 488:
    case 606:
      return outcome(`${peer} cannot take this kind of call`, true, code);
    case 503:
      return outcome('The server is not available right now', true, code);
    case 504:
      return outcome(`The server could not reach ${peer} in time`, true, code);
    default:
      if (code >= 500) return outcome(`The server could not complete the call (${statusText(code, phrase)})`, true, code);
      return outcome(`The call to ${peer} failed (${statusText(code, phrase)})`, true, code);
  }
}

/** Why a call that never came up did not. */
export function callFailureOutcome(end: SessionEnd, ctx: CallContext): CallOutcome {
  const { peer, direction } = ctx;
  if (direction === 'outgoing' && end.originator === 'remote' && end.statusCode !== null && end.statusCode >= 300) {
    return refusal(end.statusCode, end.reasonPhrase, peer);
  }
  if (end.originator === 'local') {
    if (end.cause === Cause.CANCELED) return outcome('Call cancelled', false);
    if (end.cause === Cause.REJECTED) return outcome(`You declined the call from ${peer}`, false);
    if (end.cause === Cause.NO_ANSWER) return outcome(`Missed call from ${peer}`, false);
  }
  if (direction === 'incoming' && end.cause === Cause.CANCELED) return outcome(`Missed call from ${peer}`, false);
  switch (end.cause) {
    case Cause.CONNECTION_ERROR:
      return outcome(`${CANNOT_REACH_SERVER}; the call could not be made`, true);
    case Cause.REQUEST_TIMEOUT:
      return outcome('The server did not respond', true);
    case Cause.USER_DENIED_MEDIA_ACCESS:
      return outcome('Microphone access was denied', true);
    case Cause.WEBRTC_ERROR:
    case Cause.BAD_MEDIA_DESCRIPTION:
    case Cause.INCOMPATIBLE_SDP:
    case Cause.MISSING_SDP:
      return outcome('The call could not set up its audio', true);
    case Cause.NO_ANSWER:
      return outcome(`${peer} did not answer`, true);
    case Cause.UNAVAILABLE:
      return outcome(`${peer} is not available`, true);
    case Cause.BUSY:
      return outcome(`${peer} is busy`, true);
    case Cause.REJECTED:
      return outcome(direction === 'outgoing' ? `${peer} declined the call` : 'The call was refused', true);
    case Cause.NOT_FOUND:
      return outcome(`${peer} does not exist`, true);
    case Cause.CANCELED:
      return outcome('The call was cancelled', true);
    case Cause.AUTHENTICATION_ERROR:
      return outcome('The server did not accept your credentials for this call', true);
    case Cause.NO_ACK:
    case Cause.DIALOG_ERROR:
      return outcome('The call was lost while connecting', true);
    default:
      return outcome(`The call failed (${end.cause})`, true);
  }
}

/** Why a call that was up is over. */
export function callEndOutcome(end: SessionEnd, ctx: CallContext): CallOutcome {
  switch (end.cause) {
    case Cause.BYE:
      return end.originator === 'local' ? outcome('Call ended', false) : outcome(`${ctx.peer} hung up`, false);
    case Cause.RTP_TIMEOUT:
      return outcome('The audio connection was lost', true);
    case Cause.CONNECTION_ERROR:
      return outcome('The connection to the server was lost', true);
    case Cause.NO_ACK:
    case Cause.DIALOG_ERROR:
    case Cause.REQUEST_TIMEOUT:
      return outcome('The call was lost', true);
    case Cause.WEBRTC_ERROR:
      return outcome('The call could not keep its audio running', true);
    default:
      return outcome(end.originator === 'local' ? 'Call ended' : `Call ended (${end.cause})`, end.originator !== 'local');
  }
}
