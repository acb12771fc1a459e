/**
 * Why an envelope could not be opened or verified, in words a person understands: shown on the
 * page and sent in the Warning of a 493 (seed 003 §7, UA-9).
 */
import { EnvelopeError, type EnvelopeErrorCode } from '../../envelope/index.js';

const WORDS: Record<EnvelopeErrorCode, string> = {
  'not-a-recipient': 'The call\'s media description was not encrypted for this phone',
  'bad-wrapped-key': 'The key of the call\'s media description was altered on the way (it no longer unwraps)',
  'bad-ciphertext': 'The call\'s media description was altered on the way (it no longer decrypts)',
  'bad-signature': 'The signature on the call\'s media description does not match: it was changed after signing',
  'untrusted-signer': 'The media description is signed with a certificate this server\'s CA did not issue, or one that has expired',
  'untrusted-reader': 'A chosen reader\'s certificate is not one this server\'s CA issued, or it has expired',
  'reader-mismatch': 'The list of servers allowed to read the media description was altered on the way',
  'context-mismatch': 'The encrypted media description belongs to another call',
  malformed: 'The encrypted media description is damaged (it cannot be read)',
  'unsupported-algorithm': 'The media description is encrypted with an algorithm this phone does not accept',
  'invalid-argument': 'The media description could not be encrypted',
};

/** The words for an envelope failure (any thrown value); whether it concerns the peer's signature. */
export function envelopeProblem(error: unknown): { text: string; signature: boolean } {
  if (error instanceof EnvelopeError) {
    return { text: WORDS[error.code], signature: error.code === 'bad-signature' || error.code === 'untrusted-signer' };
  }
  return { text: WORDS.malformed, signature: false };
}

export const PLAIN_WHEN_SEALED = 'The media description arrived unencrypted although the peer has a certificate; it may have been replaced on the way';
export const READER_HEADER_ALTERED = 'The SDP-Readers header was altered on the way: it no longer names the servers the media description was encrypted for';

export function wrongSigner(signer: string | undefined, peer: string): string {
  return `The media description is signed by ${signer ?? 'an unnamed certificate'}, not by ${peer}`;
}
