/** What the page's server says about itself in `/keyhop.json`; empty when it says nothing. */
export interface ServerInfo {
  /** The Keyhop proxies' domains, in the order the server lists them. */
  readonly domains: readonly string[];
  readonly realm: string | null;
}

export const NO_SERVER_INFO: ServerInfo = { domains: [], realm: null };

export async function fetchServerInfo(origin: string, fetchFn: typeof fetch = (...a) => fetch(...a)): Promise<ServerInfo> {
  try {
    const res = await fetchFn(new URL('/keyhop.json', origin).toString(), { headers: { Accept: 'application/json' } });
    if (!res.ok) return NO_SERVER_INFO;
    const v = (await res.json()) as { domains?: unknown; realm?: unknown };
    return {
      domains: Array.isArray(v.domains) ? v.domains.filter((d): d is string => typeof d === 'string') : [],
      realm: typeof v.realm === 'string' ? v.realm : null,
    };
  } catch {
    return NO_SERVER_INFO;
  }
}
