/** Assigned numbers of Kerberos V5 (RFC 4120 §7.5 unless noted). */

/** Protocol version number (pvno, tkt-vno, authenticator-vno). */
export const KRB5_PVNO = 5;

/** Message types (RFC 4120 §7.5.7); also the APPLICATION tag of each message. */
export const MessageType = {
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  KRB_SAFE: 20,
  KRB_PRIV: 21,
  KRB_CRED: 22,
  KRB_ERROR: 30,
} as const;

/** APPLICATION tags of structures that are not messages (RFC 4120 §5). */
export const ApplicationTag = {
  TICKET: 1,
  AUTHENTICATOR: 2,
  ENC_TICKET_PART: 3,
  ENC_AS_REP_PART: 25,
  ENC_TGS_REP_PART: 26,
  ENC_AP_REP_PART: 27,
} as const;

/** Principal name types (RFC 4120 §6.2; 10 from RFC 6806, 11 from RFC 6111). */
export const NameType = {
  NT_UNKNOWN: 0,
  NT_PRINCIPAL: 1,
  NT_SRV_INST: 2,
  NT_SRV_HST: 3,
  NT_SRV_XHST: 4,
  NT_UID: 5,
  NT_X500_PRINCIPAL: 6,
  NT_SMTP_NAME: 7,
  NT_ENTERPRISE: 10,
  NT_WELLKNOWN: 11,
} as const;

/** Pre-authentication data types (RFC 4120 §7.5.2; later RFCs and MS-KILE as noted). */
export const PaDataType = {
  PA_TGS_REQ: 1,
  PA_ENC_TIMESTAMP: 2,
  PA_PW_SALT: 3,
  PA_ETYPE_INFO: 11,
  PA_PK_AS_REQ: 16,
  PA_PK_AS_REP: 17,
  PA_ETYPE_INFO2: 19,
  /** MS-KILE §2.2.3 KERB-PA-PAC-REQUEST */
  PA_PAC_REQUEST: 128,
  /** RFC 6113 */
  PA_FX_COOKIE: 133,
  PA_FX_FAST: 136,
  PA_FX_ERROR: 137,
  PA_ENCRYPTED_CHALLENGE: 138,
  /** RFC 6806 §11: a Checksum of the AS-REQ, returned in encrypted-pa-data. */
  PA_REQ_ENC_PA_REP: 149,
} as const;

/** Error codes carried in KRB-ERROR (RFC 4120 §7.5.9; 90–93 from RFC 6113). */
export const ErrorCode = {
  KDC_ERR_NONE: 0,
  KDC_ERR_NAME_EXP: 1,
  KDC_ERR_SERVICE_EXP: 2,
  KDC_ERR_BAD_PVNO: 3,
  KDC_ERR_C_OLD_MAST_KVNO: 4,
  KDC_ERR_S_OLD_MAST_KVNO: 5,
  KDC_ERR_C_PRINCIPAL_UNKNOWN: 6,
  KDC_ERR_S_PRINCIPAL_UNKNOWN: 7,
  KDC_ERR_PRINCIPAL_NOT_UNIQUE: 8,
  KDC_ERR_NULL_KEY: 9,
  KDC_ERR_CANNOT_POSTDATE: 10,
  KDC_ERR_NEVER_VALID: 11,
  KDC_ERR_POLICY: 12,
  KDC_ERR_BADOPTION: 13,
  KDC_ERR_ETYPE_NOSUPP: 14,
  KDC_ERR_SUMTYPE_NOSUPP: 15,
  KDC_ERR_PADATA_TYPE_NOSUPP: 16,
  KDC_ERR_TRTYPE_NOSUPP: 17,
  KDC_ERR_CLIENT_REVOKED: 18,
  KDC_ERR_SERVICE_REVOKED: 19,
  KDC_ERR_TGT_REVOKED: 20,
  KDC_ERR_CLIENT_NOTYET: 21,
  KDC_ERR_SERVICE_NOTYET: 22,
  KDC_ERR_KEY_EXPIRED: 23,
  KDC_ERR_PREAUTH_FAILED: 24,
  KDC_ERR_PREAUTH_REQUIRED: 25,
  KDC_ERR_SERVER_NOMATCH: 26,
  KDC_ERR_MUST_USE_USER2USER: 27,
  KDC_ERR_PATH_NOT_ACCEPTED: 28,
  KDC_ERR_SVC_UNAVAILABLE: 29,
  KRB_AP_ERR_BAD_INTEGRITY: 31,
  KRB_AP_ERR_TKT_EXPIRED: 32,
  KRB_AP_ERR_TKT_NYV: 33,
  KRB_AP_ERR_REPEAT: 34,
  KRB_AP_ERR_NOT_US: 35,
  KRB_AP_ERR_BADMATCH: 36,
  KRB_AP_ERR_SKEW: 37,
  KRB_AP_ERR_BADADDR: 38,
  KRB_AP_ERR_BADVERSION: 39,
  KRB_AP_ERR_MSG_TYPE: 40,
  KRB_AP_ERR_MODIFIED: 41,
  KRB_AP_ERR_BADORDER: 42,
  KRB_AP_ERR_BADKEYVER: 44,
  KRB_AP_ERR_NOKEY: 45,
  KRB_AP_ERR_MUT_FAIL: 46,
  KRB_AP_ERR_BADDIRECTION: 47,
  KRB_AP_ERR_METHOD: 48,
  KRB_AP_ERR_BADSEQ: 49,
  KRB_AP_ERR_INAPP_CKSUM: 50,
  KRB_AP_PATH_NOT_ACCEPTED: 51,
  KRB_ERR_RESPONSE_TOO_BIG: 52,
  KRB_ERR_GENERIC: 60,
  KRB_ERR_FIELD_TOOLONG: 61,
  KDC_ERROR_CLIENT_NOT_TRUSTED: 62,
  KDC_ERROR_KDC_NOT_TRUSTED: 63,
  KDC_ERROR_INVALID_SIG: 64,
  KDC_ERR_KEY_TOO_WEAK: 65,
  KDC_ERR_CERTIFICATE_MISMATCH: 66,
  KRB_AP_ERR_NO_TGT: 67,
  KDC_ERR_WRONG_REALM: 68,
  KRB_AP_ERR_USER_TO_USER_REQUIRED: 69,
  KDC_ERR_CANT_VERIFY_CERTIFICATE: 70,
  KDC_ERR_INVALID_CERTIFICATE: 71,
  KDC_ERR_REVOKED_CERTIFICATE: 72,
  KDC_ERR_REVOCATION_STATUS_UNKNOWN: 73,
  KDC_ERR_REVOCATION_STATUS_UNAVAILABLE: 74,
  KDC_ERR_CLIENT_NAME_MISMATCH: 75,
  KDC_ERR_KDC_NAME_MISMATCH: 76,
  KDC_ERR_PREAUTH_EXPIRED: 90,
  KDC_ERR_MORE_PREAUTH_DATA_REQUIRED: 91,
  KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET: 92,
  KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS: 93,
} as const;

const errorNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** The RFC name of an error code, e.g. 25 → "KDC_ERR_PREAUTH_REQUIRED", or "error 99". */
export function errorCodeName(code: number): string {
  return errorNames.get(code) ?? `error ${code}`;
}

/**
 * Key usage numbers for encryption and checksums (RFC 4120 §7.5.1; 22–25 from RFC 4121 §2;
 * 56 from RFC 6806 §11).
 */
export const KeyUsage = {
  /** AS-REQ PA-ENC-TIMESTAMP padata timestamp, encrypted with the client key. */
  AS_REQ_PA_ENC_TIMESTAMP: 1,
  /** Ticket enc-part (AS-REP and TGS-REP), encrypted with the service key. */
  KDC_REP_TICKET: 2,
  /** AS-REP enc-part, encrypted with the client key (or reply key). */
  AS_REP_ENC_PART: 3,
  /** TGS-REQ req-body enc-authorization-data, encrypted with the TGS session key. */
  TGS_REQ_AD_SESSION_KEY: 4,
  /** TGS-REQ req-body enc-authorization-data, encrypted with the TGS authenticator subkey. */
  TGS_REQ_AD_SUBKEY: 5,
  /** TGS-REQ PA-TGS-REQ authenticator cksum, keyed with the TGS session key. */
  TGS_REQ_AUTH_CKSUM: 6,
  /** TGS-REQ PA-TGS-REQ authenticator, encrypted with the TGS session key. */
  TGS_REQ_AUTH: 7,
  /** TGS-REP enc-part, encrypted with the TGS session key. */
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  /** TGS-REP enc-part, encrypted with the TGS authenticator subkey. */
  TGS_REP_ENC_PART_SUBKEY: 9,
  /** AP-REQ authenticator cksum, keyed with the application session key. */
  AP_REQ_AUTH_CKSUM: 10,
  /** AP-REQ authenticator, encrypted with the application session key. */
  AP_REQ_AUTH: 11,
  /** AP-REP enc-part, encrypted with the application session key. */
  AP_REP_ENC_PART: 12,
  KRB_PRIV_ENC_PART: 13,
  KRB_CRED_ENC_PART: 14,
  KRB_SAFE_CKSUM: 15,
  /** RFC 4121 per-message tokens. */
  KG_USAGE_ACCEPTOR_SEAL: 22,
  KG_USAGE_ACCEPTOR_SIGN: 23,
  KG_USAGE_INITIATOR_SEAL: 24,
  KG_USAGE_INITIATOR_SIGN: 25,
  /** RFC 6806 PA-REQ-ENC-PA-REP checksum over the AS-REQ. */
  AS_REQ: 56,
} as const;

/** Host address types (RFC 4120 §7.5.3). */
export const AddressType = {
  IPV4: 2,
  DIRECTIONAL: 3,
  CHAOSNET: 5,
  XNS: 6,
  ISO: 7,
  DECNET_PHASE_IV: 12,
  APPLETALK_DDP: 16,
  NETBIOS: 20,
  IPV6: 24,
} as const;

/** Authorization data types (RFC 4120 §7.5.4; 128 from MS-PAC). */
export const AuthorizationDataType = {
  AD_IF_RELEVANT: 1,
  AD_INTENDED_FOR_SERVER: 2,
  AD_INTENDED_FOR_APPLICATION_CLASS: 3,
  AD_KDC_ISSUED: 4,
  AD_AND_OR: 5,
  AD_MANDATORY_TICKET_EXTENSIONS: 6,
  AD_IN_TICKET_EXTENSIONS: 7,
  AD_MANDATORY_FOR_KDC: 8,
  AD_WIN2K_PAC: 128,
} as const;

/** Transited encoding types (RFC 4120 §7.5.5). */
export const TransitedType = {
  DOMAIN_X500_COMPRESS: 1,
} as const;

/** Last request types (RFC 4120 §5.4.2; the absolute value, negative means "for this principal only"). */
export const LastReqType = {
  NONE: 0,
  LAST_INITIAL_TGT_REQUEST: 1,
  LAST_INITIAL_REQUEST: 2,
  NEWEST_TGT_ISSUE: 3,
  LAST_RENEWAL: 4,
  LAST_REQUEST: 5,
  PW_EXPTIME: 6,
  ACCT_EXPTIME: 7,
} as const;
