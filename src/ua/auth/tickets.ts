/**
 * Service tickets for the proxies that challenge: the TGT of sign-in, and the server's KDC proxy
 * (`kdcProxy` of `/keyhop.json`, read once, on the first challenge).
 */
import { getServiceCredentials, type Credentials, type KdcSend } from '../../krb/client/index.js';
import { KrbError } from '../../krb/errors.js';
import { kdcProxySend } from '../kdc-proxy.js';

export function kerberosTicketSource(origin: string, tgt: Credentials, fetchFn: typeof fetch = (...a) => fetch(...a)): (targetname: string) => Promise<Credentials> {
  let send: Promise<KdcSend> | null = null;
  const cache = new Map<string, Credentials>();
  return async (targetname) => {
    const cached = cache.get(targetname);
    // Reuse a ticket that has more than 10 minutes left.
    if (cached && cached.endtime.getTime() - Date.now() > 600_000) return cached;
    send ??= (async () => {
      const res = await fetchFn(new URL('/keyhop.json', origin).toString(), { headers: { Accept: 'application/json' } });
      const config = res.ok ? ((await res.json()) as { kdcProxy?: unknown }) : {};
      if (typeof config.kdcProxy !== 'string') throw new KrbError('kdc-unreachable', 'The server names no Kerberos proxy');
      return kdcProxySend(new URL(config.kdcProxy, origin).toString(), fetchFn);
    })();
    let sender: KdcSend;
    try {
      sender = await send;
    } catch (e) {
      send = null;
      throw e;
    }
    const creds = await getServiceCredentials({ tgt, server: targetname, send: sender });
    cache.set(targetname, creds);
    return creds;
  };
}
