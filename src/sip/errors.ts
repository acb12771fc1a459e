/** A message that cannot be understood. `reason` is the text a 400 carries back to the sender. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  constructor(
    readonly reason: string,
    /** Whatever header fields were read before the failure, so a 400 can still be addressed. */
    readonly partial?: { isRequest: boolean; headers: ReadonlyArray<readonly [string, string]> },
  ) {
    super(reason);
  }
}
