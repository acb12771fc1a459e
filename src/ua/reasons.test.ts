import { describe, expect, it } from 'vitest';
import { CANNOT_REACH_SERVER, Cause, WRONG_CREDENTIALS, callEndOutcome, callFailureOutcome, registrationFailureReason } from './reasons.js';

const toBob = { direction: 'outgoing', peer: 'bob@b.keyhop.test' } as const;
const fromAlice = { direction: 'incoming', peer: 'alice@a.keyhop.test' } as const;

function refused(statusCode: number, cause: string = Cause.SIP_FAILURE_CODE) {
  return callFailureOutcome({ originator: 'remote', cause, statusCode, reasonPhrase: null }, toBob);
}

describe('registrationFailureReason', () => {
  it('says wrong credentials for auth refusals', () => {
    expect(registrationFailureReason(Cause.AUTHENTICATION_ERROR, 401)).toBe(WRONG_CREDENTIALS);
    expect(registrationFailureReason(Cause.REJECTED, 403)).toBe(WRONG_CREDENTIALS);
    expect(registrationFailureReason(Cause.AUTHENTICATION_ERROR, null)).toBe(WRONG_CREDENTIALS);
  });

  it('says the server cannot be reached for transport errors', () => {
    expect(registrationFailureReason(Cause.CONNECTION_ERROR, null)).toBe(CANNOT_REACH_SERVER);
  });

  it('names other status codes', () => {
    expect(registrationFailureReason(Cause.SIP_FAILURE_CODE, 500, 'Server Internal Error')).toMatch(/500 Server Internal Error/);
  });
});

describe('callFailureOutcome', () => {
  it('explains the usual refusals in words', () => {
    expect(refused(480, Cause.UNAVAILABLE).text).toBe('bob@b.keyhop.test is not available');
    expect(refused(486, Cause.BUSY).text).toBe('bob@b.keyhop.test is busy');
    expect(refused(603, Cause.REJECTED).text).toBe('bob@b.keyhop.test declined the call');
    expect(refused(408, Cause.UNAVAILABLE).text).toBe('bob@b.keyhop.test did not answer');
    expect(refused(487, Cause.CANCELED).text).toBe('The call was cancelled');
    expect(refused(404, Cause.NOT_FOUND).text).toBe('bob@b.keyhop.test does not exist');
  });

  it('alerts for refusals but not for the person’s own actions', () => {
    expect(refused(480).alert).toBe(true);
    expect(refused(480).statusCode).toBe(480);
    expect(callFailureOutcome({ originator: 'local', cause: Cause.CANCELED, statusCode: null, reasonPhrase: null }, toBob)).toEqual({
      text: 'Call cancelled',
      alert: false,
      statusCode: null,
    });
    expect(callFailureOutcome({ originator: 'local', cause: Cause.REJECTED, statusCode: null, reasonPhrase: null }, fromAlice).alert).toBe(false);
  });

  it('reports a caller who gave up as a missed call', () => {
    expect(callFailureOutcome({ originator: 'remote', cause: Cause.CANCELED, statusCode: null, reasonPhrase: null }, fromAlice).text).toBe(
      'Missed call from alice@a.keyhop.test',
    );
  });

  it('explains failures without a response', () => {
    expect(callFailureOutcome({ originator: 'system', cause: Cause.USER_DENIED_MEDIA_ACCESS, statusCode: null, reasonPhrase: null }, toBob).text).toBe(
      'Microphone access was denied',
    );
    expect(callFailureOutcome({ originator: 'system', cause: Cause.CONNECTION_ERROR, statusCode: null, reasonPhrase: null }, toBob).text).toMatch(
      CANNOT_REACH_SERVER,
    );
  });
});

describe('callEndOutcome', () => {
  it('tells who hung up', () => {
    expect(callEndOutcome({ originator: 'remote', cause: Cause.BYE, statusCode: null, reasonPhrase: null }, toBob)).toEqual({
      text: 'bob@b.keyhop.test hung up',
      alert: false,
      statusCode: null,
    });
    expect(callEndOutcome({ originator: 'local', cause: Cause.BYE, statusCode: null, reasonPhrase: null }, toBob).text).toBe('Call ended');
  });

  it('alerts when the call was lost', () => {
    expect(callEndOutcome({ originator: 'system', cause: Cause.RTP_TIMEOUT, statusCode: null, reasonPhrase: null }, toBob).alert).toBe(true);
  });
});
