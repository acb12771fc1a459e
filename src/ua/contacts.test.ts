import { describe, expect, it } from 'vitest';
import { parseContacts } from './contacts.js';

describe('contact list answer', () => {
  it('keeps the addresses and ignores unknown fields and malformed entries', () => {
    expect(parseContacts('{"contacts":[{"address":"bob@b.keyhop.test","name":"Bob"},{"x":1},7],"more":true}')).toEqual([{ address: 'bob@b.keyhop.test' }]);
  });

  it('refuses a body that is no contact list', () => {
    expect(() => parseContacts('{"users":[]}')).toThrow(/no contact list/);
    expect(() => parseContacts('<html>')).toThrow();
  });
});
