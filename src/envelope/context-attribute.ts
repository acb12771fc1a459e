/**
 * An optional signed dialog binding: a short text the application chooses (for example the
 * Call-ID, or Call-ID and From tag) that the opener compares with its own view of the dialog, so a
 * sealed body cannot be replayed into another dialog unnoticed (seed 003 §7.3 UA-10).
 *
 *   id-keyhop-sdp-context OBJECT IDENTIFIER ::= { keyhop-arc 2 }   -- see oids.ts
 *   SdpContext ::= UTF8String
 */
import { Attribute } from '@peculiar/asn1-cms';
import { DirectoryString } from '@peculiar/asn1-x509';
import { toArrayBuffer } from './bytes.js';
import { parseDer, serialize } from './der.js';
import { EnvelopeError } from './errors.js';
import { ID_KEYHOP_SDP_CONTEXT } from './oids.js';

export const MAX_CONTEXT_LENGTH = 1024;

export function contextAttribute(context: string): Attribute {
  if (context.length === 0 || context.length > MAX_CONTEXT_LENGTH) {
    throw new EnvelopeError('invalid-argument', `The dialog context must have 1..${MAX_CONTEXT_LENGTH} characters`);
  }
  const value = new DirectoryString({ utf8String: context });
  return new Attribute({ attrType: ID_KEYHOP_SDP_CONTEXT, attrValues: [toArrayBuffer(serialize(value))] });
}

export function parseContextAttribute(attribute: Attribute): string {
  if (attribute.attrValues.length !== 1) throw new EnvelopeError('malformed', 'The signed context attribute must have exactly one value');
  const value = parseDer(attribute.attrValues[0]!, DirectoryString, 'Signed context attribute');
  if (value.utf8String === undefined) throw new EnvelopeError('malformed', 'The signed context attribute is not a UTF8String');
  return value.utf8String;
}
