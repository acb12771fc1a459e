import type { SipAddress } from './address.js';

/** What a person types to sign in. */
export interface SignInDetails {
  /** SIP address, e.g. `alice@a.keyhop.test`. */
  readonly address: SipAddress;
  readonly password: string;
  /** Advanced: a WebSocket URL to use instead of the one derived from the page's origin. */
  readonly webSocketUrl?: string | undefined;
  /** Advanced: see `CallSecuritySettings`; defaults from `DEFAULT_CALL_SECURITY`. */
  readonly security?: Partial<CallSecuritySettings> | undefined;
  /** Advanced: the Kerberos realm, instead of the one the server's `/keyhop.json` names. */
  readonly realm?: string | undefined;
  /** Advanced: the KDC proxy (MS-KKDCP) URL or path, instead of the one `/keyhop.json` names. */
  readonly kdcProxy?: string | undefined;
}

/** The person's security choices for calls. */
export interface CallSecuritySettings {
  /** The lowest Route-Security level acceptable on any hop (0–3); a call with a weaker hop is refused. */
  readonly minHopLevel: 0 | 1 | 2 | 3;
  /** Proxies (by domain) that may read a call's SDP unless chosen otherwise for that call. */
  readonly sdpReaders: readonly string[];
  /** When the callee has no certificate: refuse the call, or ask before sending plain SDP. */
  readonly withoutCertificate: 'refuse' | 'ask';
}

export const DEFAULT_CALL_SECURITY: CallSecuritySettings = { minHopLevel: 1, sdpReaders: [], withoutCertificate: 'refuse' };

/** Everything the UA needs to connect and register, derived from the sign-in details. */
export interface PhoneConfig {
  readonly webSocketUrl: string;
  readonly uri: string;
  readonly authorizationUser: string;
  readonly password: string;
  readonly address: SipAddress;
  /** The page's origin, where the server's `/keyhop.json` and `/KdcProxy` are; null to skip Kerberos. */
  readonly origin: string | null;
  readonly security: CallSecuritySettings;
  /** Explicit Kerberos realm and KDC proxy (advanced settings); otherwise from `/keyhop.json`. */
  readonly realm?: string | undefined;
  readonly kdcProxy?: string | undefined;
}

/**
 * The WebSocket URL that reaches the proxy for `domain` through the server that served the page:
 * `http://host:port` becomes `ws://host:port/sip/<domain>`, `https` becomes `wss`.
 */
export function webSocketUrlFor(origin: string, domain: string): string {
  const url = new URL(origin);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else throw new Error(`Cannot derive a server address from a page served over ${url.protocol}`);
  return `${url.protocol}//${url.host}/sip/${encodeURIComponent(domain)}`;
}

/** Checks an explicitly configured WebSocket URL; returns it normalized, or null if unusable. */
export function checkWebSocketUrl(input: string): string | null {
  try {
    const url = new URL(input.trim());
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export function phoneConfig(details: SignInDetails, origin: string): PhoneConfig {
  const explicit = details.webSocketUrl?.trim();
  let webSocketUrl: string;
  if (explicit) {
    const checked = checkWebSocketUrl(explicit);
    if (!checked) throw new Error('The WebSocket URL must start with ws:// or wss://');
    webSocketUrl = checked;
  } else {
    webSocketUrl = webSocketUrlFor(origin, details.address.domain);
  }
  return {
    webSocketUrl,
    uri: details.address.uri,
    authorizationUser: details.address.user,
    password: details.password,
    address: details.address,
    origin,
    security: { ...DEFAULT_CALL_SECURITY, ...details.security },
    ...(details.realm?.trim() ? { realm: details.realm.trim() } : {}),
    ...(details.kdcProxy?.trim() ? { kdcProxy: details.kdcProxy.trim() } : {}),
  };
}
