/**
 * Kerberos at sign-in: the page asks the server that served it for its realm (`/keyhop.json`),
 * then turns the password into a ticket-granting ticket through `/KdcProxy` (MS-KKDCP). The
 * password is used for the key derivation and kept nowhere.
 */
import { getInitialCredentials, type Credentials } from '../krb/client/index.js';
import { KrbError } from '../krb/errors.js';
import type { SipAddress } from './address.js';
import { kdcProxySend } from './kdc-proxy.js';

export interface KerberosSession {
  readonly principal: string;
  readonly credentials: Credentials;
}

interface ClientConfig {
  realm?: unknown;
  kdcProxy?: unknown;
}

/**
 * Null when the server offers no Kerberos (a third-party server, or no `/keyhop.json`).
 * `explicit`: a realm and KDC proxy set in the advanced settings win over `/keyhop.json`.
 */
export async function kerberosSignIn(
  origin: string,
  address: SipAddress,
  password: string,
  fetchFn: typeof fetch = (...a) => fetch(...a),
  explicit: { readonly realm?: string | undefined; readonly kdcProxy?: string | undefined } = {},
): Promise<KerberosSession | null> {
  let config: ClientConfig = {};
  if (!explicit.realm || !explicit.kdcProxy) {
    try {
      const res = await fetchFn(new URL('/keyhop.json', origin).toString(), { headers: { Accept: 'application/json' } });
      if (res.ok) config = (await res.json()) as ClientConfig;
    } catch {
      // No server description: only explicit settings can enable Kerberos.
    }
  }
  config = { realm: explicit.realm || config.realm, kdcProxy: explicit.kdcProxy || config.kdcProxy };
  if (typeof config.realm !== 'string' || typeof config.kdcProxy !== 'string') return null;
  const client = address.user.toLowerCase();
  const credentials = await getInitialCredentials({
    client,
    realm: config.realm,
    password,
    send: kdcProxySend(new URL(config.kdcProxy, origin).toString(), fetchFn),
  });
  return { principal: `${client}@${config.realm}`, credentials };
}

/** What to tell a person whose Kerberos sign-in failed. */
export function kerberosFailureReason(e: unknown): string {
  if (!(e instanceof KrbError)) return `Kerberos sign-in failed (${e instanceof Error ? e.message : String(e)})`;
  switch (e.code) {
    case 'wrong-password':
      return 'Wrong SIP address or password (Kerberos pre-authentication failed)';
    case 'unknown-principal':
      return 'Wrong SIP address or password (the Kerberos server does not know this user)';
    case 'clock-skew':
      return "Your computer's clock differs from the server's by more than 5 minutes; correct it and sign in again";
    case 'kdc-unreachable':
      return 'Cannot reach the Kerberos server; try again shortly';
    case 'unsupported-enctype':
      return 'The Kerberos server offers no encryption type Keyhop accepts (AES only)';
    default:
      return `Kerberos sign-in failed: ${e.message}`;
  }
}
