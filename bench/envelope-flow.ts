/**
 * The measured work of `npm run bench:envelope`, run unchanged in Node (bench/envelope.ts) and in a
 * Chromium page (bench/envelope-page.ts): `sealSdp` by the caller for 1, 2 or 4 readers (the
 * callee first, then proxies), and `openSdp` by the callee, signer checked against the CA and the
 * dialog context against the Call-ID, as a user agent does for every offer and answer.
 */
import { importIdentityKeys, openSdp, sealSdp } from '../src/envelope/index.js';

export interface EnvelopeBenchParams {
  sdp: string;
  callId: string;
  /** Base64 DER: PKCS#8 private keys and certificates. */
  signer: { pkcs8: string; cert: string };
  /** The callee: always the first reader, and the one who opens. */
  callee: { pkcs8: string; cert: string };
  /** Further readers (proxies), certificates only; the first `n − 1` are used for n readers. */
  proxies: string[];
  caCert: string;
  readerCounts: number[];
  warmup: number;
  batches: number;
  batch: number;
}

export interface EnvelopeBenchResult {
  readers: number;
  /** Operations per second, one figure per batch. */
  sealPerSec: number[];
  openPerSec: number[];
  /** Size of one sealed body (DER bytes). */
  sealedBytes: number;
}

function bytes(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export interface EnvelopeOps {
  seal(): Promise<unknown>;
  open(): Promise<void>;
  sealedBytes: number;
}

/** The keys imported once, and the two operations for `n` readers. */
export async function envelopeOps(p: EnvelopeBenchParams): Promise<(n: number) => Promise<EnvelopeOps>> {
  const signerKeys = await importIdentityKeys(bytes(p.signer.pkcs8));
  const calleeKeys = await importIdentityKeys(bytes(p.callee.pkcs8));
  const signerCert = bytes(p.signer.cert);
  const calleeCert = bytes(p.callee.cert);
  const caCert = bytes(p.caCert);
  return async (n) => {
    const readers = [{ cert: calleeCert }, ...p.proxies.slice(0, n - 1).map((c) => ({ cert: bytes(c) }))];
    const seal = () => sealSdp({ sdp: p.sdp, signer: { key: signerKeys.signingKey, cert: signerCert }, readers, context: p.callId });
    const sample = await seal();
    const open = async () => {
      const opened = await openSdp(sample.der, { recipient: { key: calleeKeys.agreementKey, cert: calleeCert }, trust: { caCerts: [caCert] }, context: p.callId });
      if (opened.sdp !== p.sdp) throw new Error('The opened SDP differs from the sealed one');
    };
    return { seal, open, sealedBytes: sample.der.length };
  };
}

export async function runEnvelopeBench(p: EnvelopeBenchParams): Promise<EnvelopeBenchResult[]> {
  const opsFor = await envelopeOps(p);
  const out: EnvelopeBenchResult[] = [];
  for (const n of p.readerCounts) {
    const ops = await opsFor(n);
    const rates = async (op: () => Promise<unknown>) => {
      for (let i = 0; i < p.warmup; i++) await op();
      const perSec: number[] = [];
      for (let b = 0; b < p.batches; b++) {
        const t0 = performance.now();
        for (let i = 0; i < p.batch; i++) await op();
        perSec.push((p.batch * 1000) / (performance.now() - t0));
      }
      return perSec;
    };
    out.push({ readers: n, sealPerSec: await rates(ops.seal), openPerSec: await rates(ops.open), sealedBytes: ops.sealedBytes });
  }
  return out;
}
