/**
 * Serves the plain JsSIP reference page (bench/ui-plain/page.ts, bundled and minified with
 * esbuild) on a loopback HTTP port for the UI benchmark.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = join(fileURLToPath(new URL('.', import.meta.url)), 'ui-plain', 'page.ts');

export interface PlainPageServer {
  /** The page's address without parameters, e.g. `http://127.0.0.1:1234/`. */
  url: string;
  /** The bundled script as served. */
  script: string;
  stop(): Promise<void>;
}

const HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain JsSIP</title></head><body><script src="/page.js"></script></body></html>';

export async function startPlainPageServer(host = '127.0.0.1'): Promise<PlainPageServer> {
  const out = await build({ entryPoints: [ENTRY], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'silent' });
  const script = out.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(script);
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(HTML);
    } else {
      // favicon.ico and anything else: nothing, without an error in the page's console
      res.writeHead(204).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    script,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
