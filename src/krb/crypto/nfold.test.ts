import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { nfold } from './nfold';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// RFC 3961 Appendix A.1, every vector.
const VECTORS: [bits: number, input: string, output: string][] = [
  [64, '012345', 'be072631276b1955'],
  [56, 'password', '78a07b6caf85fa'],
  [64, 'Rough Consensus, and Running Code', 'bb6ed30870b7f0e0'],
  [168, 'password', '59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e'],
  [192, 'MASSACHVSETTS INSTITVTE OF TECHNOLOGY', 'db3b0d8f0b061e603282b308a50841229ad798fab9540c1b'],
  [168, 'Q', '518a54a215a8452a518a54a215a8452a518a54a215'],
  [168, 'ba', 'fb25d531ae8974499f52fd92ea9857c4ba24cf297e'],
  [64, 'kerberos', '6b65726265726f73'],
  [128, 'kerberos', '6b65726265726f737b9b5b2b93132b93'],
  [168, 'kerberos', '8372c236344e5f1550cd0747e15d62ca7a5a3bcea4'],
  [256, 'kerberos', '6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4'],
];

describe('n-fold (RFC 3961 §5.1)', () => {
  it.each(VECTORS)('%i-fold(%j) matches RFC 3961 A.1', (bits, input, output) => {
    expect(bytesToHex(nfold(ascii(input), bits / 8))).toBe(output);
  });

  it('is the identity when the sizes are equal', () => {
    const x = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(nfold(x, 16)).toEqual(x);
  });

  it('does not modify its input', () => {
    const x = ascii('kerberos');
    nfold(x, 21);
    expect(x).toEqual(ascii('kerberos'));
  });

  it('refuses an empty input or a bad size', () => {
    expect(() => nfold(new Uint8Array(0), 16)).toThrow(KrbError);
    expect(() => nfold(ascii('a'), 0)).toThrow(KrbError);
  });
});
