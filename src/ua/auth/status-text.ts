import { proxyName, type ProxySecurity } from './ua-auth.js';

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** One proxy's line, e.g. "a.keyhop.test: authenticated with Kerberos (mutual), messages verified, SA expires 13:45". */
export function securityText(p: ProxySecurity): string {
  const name = proxyName(p.proxy);
  if (p.scheme === 'Digest') return `${name}: authenticated with Digest (password; the server does not prove its identity)`;
  switch (p.state) {
    case 'established': {
      const verified = p.verified > 0 ? `messages verified (${p.verified})` : 'messages signed';
      return `${name}: authenticated with Kerberos${p.mutual ? ' (mutual)' : ''}, ${verified}, SA expires ${p.expiresAt !== null ? clock(p.expiresAt) : 'never'}`;
    }
    case 'acquiring':
      return `${name}: authenticating with Kerberos…`;
    case 'backing-off':
    case 'failed':
      return `${name}: not authenticated: ${p.problem ?? 'Kerberos authentication failed'}`;
  }
}
