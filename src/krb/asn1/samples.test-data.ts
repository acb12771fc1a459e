/** Sample messages for the codec tests, with every OPTIONAL field present or absent. */
import type { Authenticator, ApRep, ApReq, EncApRepPart } from './ap';
import type { EncryptedData, EncryptionKey, PaData } from './common';
import { NameType } from './constants';
import { ApOption, KdcOption, TicketFlag, namedFlags } from './flags';
import type { EncKdcRepPart, KdcRep } from './kdc-rep';
import type { KdcReq } from './kdc-req';
import type { KrbErrorMessage } from './krb-error';
import type { EncTicketPart, Ticket } from './ticket';

export const bytes = (...v: number[]): Uint8Array => new Uint8Array(v);
export const filled = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

export const t0 = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
export const t1 = new Date(Date.UTC(2025, 0, 2, 13, 4, 5));
export const t2 = new Date(Date.UTC(2025, 0, 9, 3, 4, 5));

export const alice = { nameType: NameType.NT_PRINCIPAL, nameString: ['alice'] };
export const sipService = { nameType: NameType.NT_SRV_HST, nameString: ['sip', 'proxy-a.example'] };
export const krbtgt = { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', 'EXAMPLE.TEST'] };

export const key: EncryptionKey = { keytype: 18, keyvalue: filled(32, 0x11) };
export const enc = (n: number, kvno?: number): EncryptedData => (kvno === undefined ? { etype: 18, cipher: filled(n, 0xee) } : { etype: 18, kvno, cipher: filled(n, 0xee) });

export const ticket: Ticket = { realm: 'EXAMPLE.TEST', sname: sipService, encPart: enc(40, 2) };
export const tgt: Ticket = { realm: 'EXAMPLE.TEST', sname: krbtgt, encPart: enc(48, 1) };

export const padata: PaData[] = [
  { padataType: 2, padataValue: bytes(1, 2, 3) },
  { padataType: 149, padataValue: new Uint8Array(0) },
];

export const encTicketPartFull: EncTicketPart = {
  flags: namedFlags(TicketFlag, ['forwardable', 'renewable', 'initial', 'preAuthent']),
  key,
  crealm: 'EXAMPLE.TEST',
  cname: alice,
  transited: { trType: 1, contents: new Uint8Array(0) },
  authtime: t0,
  starttime: t0,
  endtime: t1,
  renewTill: t2,
  caddr: [{ addrType: 2, address: bytes(192, 0, 2, 1) }],
  authorizationData: [{ adType: 1, adData: bytes(0x30, 0x00) }],
};

export const encTicketPartMinimal: EncTicketPart = {
  flags: 0,
  key,
  crealm: 'EXAMPLE.TEST',
  cname: alice,
  transited: { trType: 0, contents: new Uint8Array(0) },
  authtime: t0,
  endtime: t1,
};

export const asReqMinimal: KdcReq = {
  reqBody: {
    kdcOptions: namedFlags(KdcOption, ['forwardable', 'renewable', 'canonicalize', 'renewableOk']),
    cname: alice,
    realm: 'EXAMPLE.TEST',
    sname: krbtgt,
    till: t1,
    nonce: 0xfedcba98,
    etype: [18, 17],
  },
};

export const tgsReqFull: KdcReq = {
  padata,
  reqBody: {
    kdcOptions: namedFlags(KdcOption, ['forwardable', 'encTktInSkey']),
    cname: alice,
    realm: 'EXAMPLE.TEST',
    sname: sipService,
    from: t0,
    till: t1,
    rtime: t2,
    nonce: 0,
    etype: [18],
    addresses: [{ addrType: 24, address: filled(16, 0x20) }],
    encAuthorizationData: enc(20),
    additionalTickets: [tgt, ticket],
  },
};

export const kdcRep: KdcRep = { padata: [{ padataType: 19, padataValue: bytes(0x30, 0x00) }], crealm: 'EXAMPLE.TEST', cname: alice, ticket: tgt, encPart: enc(64, 1) };
export const kdcRepMinimal: KdcRep = { crealm: 'EXAMPLE.TEST', cname: alice, ticket, encPart: enc(64) };

export const encKdcRepPartFull: EncKdcRepPart = {
  key,
  lastReq: [{ lrType: 0, lrValue: t0 }, { lrType: -6, lrValue: t2 }],
  nonce: 0xffffffff,
  keyExpiration: t2,
  flags: namedFlags(TicketFlag, ['forwardable', 'initial', 'preAuthent', 'encPaRep']),
  authtime: t0,
  starttime: t0,
  endtime: t1,
  renewTill: t2,
  srealm: 'EXAMPLE.TEST',
  sname: krbtgt,
  caddr: [{ addrType: 2, address: bytes(127, 0, 0, 1) }],
  encryptedPaData: [{ padataType: 149, padataValue: bytes(0x30, 0x00) }],
};

export const encKdcRepPartMinimal: EncKdcRepPart = {
  key,
  lastReq: [],
  nonce: 1,
  flags: 0,
  authtime: t0,
  endtime: t1,
  srealm: 'EXAMPLE.TEST',
  sname: krbtgt,
};

export const apReq: ApReq = { apOptions: namedFlags(ApOption, ['mutualRequired']), ticket, authenticator: enc(90) };
export const apRep: ApRep = { encPart: enc(50) };

export const authenticatorFull: Authenticator = {
  crealm: 'EXAMPLE.TEST',
  cname: alice,
  cksum: { cksumtype: 0x8003, checksum: new Uint8Array(24) },
  cusec: 999_999,
  ctime: t0,
  subkey: key,
  seqNumber: 0x80000000,
  authorizationData: [{ adType: 1, adData: bytes(0x30, 0x00) }],
};

export const authenticatorMinimal: Authenticator = { crealm: 'EXAMPLE.TEST', cname: alice, cusec: 0, ctime: t0 };

export const encApRepPartFull: EncApRepPart = { ctime: t0, cusec: 123456, subkey: key, seqNumber: 42 };
export const encApRepPartMinimal: EncApRepPart = { ctime: t0, cusec: 0 };

export const krbErrorFull: KrbErrorMessage = {
  ctime: t0,
  cusec: 5,
  stime: t1,
  susec: 6,
  errorCode: 25,
  crealm: 'EXAMPLE.TEST',
  cname: alice,
  realm: 'EXAMPLE.TEST',
  sname: krbtgt,
  eText: 'Additional pre-authentication required',
  eData: bytes(0x30, 0x00),
};

export const krbErrorMinimal: KrbErrorMessage = { stime: t1, susec: 0, errorCode: 37, realm: 'EXAMPLE.TEST', sname: sipService };
