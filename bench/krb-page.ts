/**
 * Entry of the browser bundle for the Kerberos benchmark (built with esbuild by `bench/krb.ts` and
 * injected into a page of Keyhop's own origin, so `/KdcProxy` is same-origin). It exposes
 * `globalThis.keyhopKrbBench(…)`, which runs the sign-ins in the page and returns their timings.
 */
import { ReplayCache } from '../src/krb/acceptor/index.js';
import { readKeytab } from '../src/krb/keytab.js';
import { kdcProxySend } from '../src/ua/kdc-proxy.js';
import { signIn, type SignInTiming } from './krb-flow.js';

export interface PageBenchParams {
  client: string;
  realm: string;
  password: string;
  service: string;
  etypes?: number[];
  /** The service's keytab, base64. */
  keytab: string;
  warmup: number;
  runs: number;
}

async function keyhopKrbBench(p: PageBenchParams): Promise<SignInTiming[]> {
  const keytab = readKeytab(Uint8Array.from(atob(p.keytab), (c) => c.charCodeAt(0)));
  const replayCache = new ReplayCache();
  const send = kdcProxySend(new URL('/KdcProxy', location.origin).toString());
  const params = { client: p.client, realm: p.realm, password: p.password, service: p.service, keytab, replayCache, send, ...(p.etypes ? { etypes: p.etypes } : {}) };
  for (let i = 0; i < p.warmup; i++) await signIn(params);
  const out: SignInTiming[] = [];
  for (let i = 0; i < p.runs; i++) out.push((await signIn(params)).timing);
  return out;
}

(globalThis as unknown as { keyhopKrbBench: typeof keyhopKrbBench }).keyhopKrbBench = keyhopKrbBench;
