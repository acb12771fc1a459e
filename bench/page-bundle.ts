/**
 * Bundles a benchmark's page script (one entry file) into a single minified script that a
 * Chromium page of Keyhop's origin can evaluate: the same code as in Node, built for the browser.
 */
import { build } from 'esbuild';

export async function bundlePage(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}
