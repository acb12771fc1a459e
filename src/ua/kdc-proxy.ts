/**
 * Kerberos over HTTPS (MS-KKDCP): how the browser reaches the KDC, through the server's
 * `POST /KdcProxy`. Errors become the typed Kerberos errors a sign-in screen shows.
 */
import { KrbError } from '../krb/errors.js';
import type { KdcSend } from '../krb/client/index.js';
import { KKDCP_CONTENT_TYPE, unwrapKdcProxyReply, wrapKdcProxyRequest } from '../krb/kkdcp.js';

export function kdcProxySend(url: string, fetchFn: typeof fetch = (...a) => fetch(...a)): KdcSend {
  return async (request, realm) => {
    let res: Response;
    try {
      res = await fetchFn(url, { method: 'POST', headers: { 'Content-Type': KKDCP_CONTENT_TYPE }, body: new Uint8Array(wrapKdcProxyRequest(request, realm)) });
    } catch (e) {
      throw new KrbError('kdc-unreachable', `Cannot reach the Kerberos proxy at ${url}`, undefined, { cause: e });
    }
    if (!res.ok) {
      const text = (await res.text().catch(() => '')).trim().slice(0, 200);
      const code = res.status === 503 || res.status === 502 || res.status === 504 ? 'kdc-unreachable' : 'kdc-error';
      throw new KrbError(code, `The Kerberos proxy answered ${res.status}${text ? `: ${text}` : ''}`);
    }
    return unwrapKdcProxyReply(new Uint8Array(await res.arrayBuffer()));
  };
}
