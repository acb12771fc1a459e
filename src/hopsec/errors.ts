/**
 * Every failure of the Route-Security core that is not a verification result is a
 * `RouteSecurityError`. Verification results are never thrown: `verifyChain` and `checkTopEntry`
 * return reports (see `verify.ts`, `check-top.ts`).
 */
export type RouteSecurityErrorCode =
  /** A header value that does not follow the Route-Security syntax. */
  | 'syntax'
  /** More entries than `MAX_ENTRIES`, or an entry longer than `MAX_ENTRY_LENGTH`. */
  | 'too-long'
  /** The message lacks usable dialog identifiers (CSeq, From). */
  | 'dialog'
  /** A private or public key that is not a valid P-256 key of the expected raw size. */
  | 'key'
  /** Values given to `addEntry` / `insertUnattested` that cannot be written. */
  | 'invalid-argument';

export class RouteSecurityError extends Error {
  override readonly name = 'RouteSecurityError';
  constructor(
    readonly code: RouteSecurityErrorCode,
    message: string,
    /** Path position of the offending entry (0 = bottom, the first sender), when there is one. */
    readonly index?: number,
  ) {
    super(message);
  }
}

export function syntaxError(what: string, value: string, index?: number): RouteSecurityError {
  return new RouteSecurityError('syntax', `Invalid Route-Security value: ${what} in "${value.slice(0, 120)}"`, index);
}
