/**
 * Interop: MIT Kerberos's own tools (`kinit`, `kvno`, `klist` from the Debian `krb5-user`
 * package) against Keyhop's embedded KDC, over TCP and over the KKDCP endpoint (HTTPS), and
 * MIT reading the proxies' keytab.
 *
 * MIT 1.20 (Debian 12) reads `kdc = tcp/127.0.0.1:<port>` as a host named "tcp/127.0.0.1", so the
 * configuration names the bare address and sets `udp_preference_limit = 1`, which makes MIT send
 * every request over TCP first (the embedded KDC has no UDP listener). The HTTPS case trusts the
 * test's own CA with `http_anchors`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyhop, type RunningKeyhop } from '../../src/server/keyhop.js';
import { ensureCa, ensureProxyCert } from '../../src/server/pki.js';
import { aptInstall, findExecutable } from '../support/sipp.js';

const HOST = '127.0.0.1';
const REALM = 'KEYHOP.TEST';
const AES = 'aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192 aes128-cts-hmac-sha256-128';

function ensureMitTools(): void {
  if (!findExecutable('kinit') || !findExecutable('kvno') || !findExecutable('klist')) aptInstall('krb5-user', 'kinit');
  if (!findExecutable('kinit')) throw new Error('kinit is still missing after installing krb5-user');
}

/** MIT's HTTPS (KKDCP) support is a plugin in its own package. */
function k5tlsPresent(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu/krb5/plugins/tls', '/usr/lib/aarch64-linux-gnu/krb5/plugins/tls', '/usr/lib/krb5/plugins/tls', '/usr/lib64/krb5/plugins/tls'];
  const found = () => dirs.some((d) => existsSync(join(d, 'k5tls.so')));
  if (!found()) {
    try {
      aptInstall('krb5-k5tls', 'k5tls.so');
    } catch {
      return false;
    }
  }
  return found();
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  trace: string;
}

let dir: string;
let k: RunningKeyhop;
let caPem: string;

beforeAll(async () => {
  ensureMitTools();
  dir = mkdtempSync(join(tmpdir(), 'keyhop-mit-'));
  const pki = join(dir, 'web-pki');
  const ca = await ensureCa(pki, null, null);
  const pair = await ensureProxyCert(pki, ca, 'localhost', HOST, { cert: null, key: null });
  writeFileSync(join(dir, 'web.crt'), pair.cert);
  writeFileSync(join(dir, 'web.key'), pair.key);
  caPem = join(dir, 'web-ca.pem');
  writeFileSync(caPem, ca.cert);
  k = await startKeyhop({
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    http: { host: HOST, port: 0, tlsCert: join(dir, 'web.crt'), tlsKey: join(dir, 'web.key') },
    sip: { host: HOST },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: 0, tlsPort: 0 } },
    kdc: { host: HOST, port: 0 },
  });
});

afterAll(async () => {
  await k?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A krb5.conf and a credentials cache of their own, in a fresh directory. */
function client(name: string, kdcLine: string, realmExtra = '', enctypes = AES) {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  const conf = join(home, 'krb5.conf');
  writeFileSync(
    conf,
    `[libdefaults]
  default_realm = ${REALM}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  default_tkt_enctypes = ${enctypes}
  default_tgs_enctypes = ${enctypes}
  permitted_enctypes = ${AES}
  kdc_timeout = 5000
  max_retries = 1

[realms]
  ${REALM} = {
    kdc = ${kdcLine}
${realmExtra}  }
`,
  );
  const trace = join(home, 'trace.log');
  const env = { ...process.env, KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${join(home, 'ccache')}`, KRB5_TRACE: trace, LANG: 'C', LC_ALL: 'C' };
  // Asynchronous: the KDC answering these tools runs in this very process.
  const run = (cmd: string, args: string[], input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (status) => {
        clearTimeout(timer);
        const t = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').slice(-40).join('\n') : '';
        resolve({ status, stdout, stderr, trace: t });
      });
      // A tool that needs no input (klist, kvno) may exit before reading it: its exit status is the verdict.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  return { run, home };
}

const why = (r: Run) => `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\ntrace:\n${r.trace}`;

describe('MIT kinit / kvno / klist against the embedded KDC', () => {
  it('kinit alice, kvno sip/a.keyhop.test (checked with the proxies\' keytab), klist', async () => {
    const c = client('tcp', `${HOST}:${k.kdc.port}`);
    const kinit = await c.run('kinit', [`alice@${REALM}`], 'alice-pass\n');
    expect(kinit.status, why(kinit)).toBe(0);
    const kvno = await c.run('kvno', [`sip/a.keyhop.test@${REALM}`]);
    expect(kvno.status, why(kvno)).toBe(0);
    expect(kvno.stdout).toMatch(/sip\/a\.keyhop\.test@KEYHOP\.TEST: kvno = 1/);
    // -k: MIT decrypts the service ticket with the keytab Keyhop wrote for its proxies.
    const verified = await c.run('kvno', ['-k', k.kdc.keytab, `sip/b.keyhop.test@${REALM}`]);
    expect(verified.status, why(verified)).toBe(0);
    expect(verified.stdout).toMatch(/kvno = 1, keytab entry valid/);
    const klist = await c.run('klist', ['-e']);
    expect(klist.status, why(klist)).toBe(0);
    expect(klist.stdout).toMatch(/Default principal: alice@KEYHOP\.TEST/);
    expect(klist.stdout).toMatch(/krbtgt\/KEYHOP\.TEST@KEYHOP\.TEST/);
    expect(klist.stdout).toMatch(/sip\/a\.keyhop\.test@KEYHOP\.TEST/);
    expect(klist.stdout).toMatch(/aes256-cts-hmac-sha1-96/);
  });

  it('works when the client asks for an RFC 8009 type only (aes256-cts-hmac-sha384-192)', async () => {
    const c = client('sha2', `${HOST}:${k.kdc.port}`, '', 'aes256-cts-hmac-sha384-192');
    const kinit = await c.run('kinit', [`bob@${REALM}`], 'bob-pass\n');
    expect(kinit.status, why(kinit)).toBe(0);
    const kvno = await c.run('kvno', ['-k', k.kdc.keytab, `sip/b.keyhop.test@${REALM}`]);
    expect(kvno.status, why(kvno)).toBe(0);
    const klist = await c.run('klist', ['-e']);
    expect(klist.stdout).toMatch(/Etype \(skey, tkt\): aes256-cts-hmac-sha384-192, aes256-cts-hmac-sha1-96/);
  });

  it('a wrong password fails with MIT\'s "Password incorrect"', async () => {
    const c = client('wrong', `${HOST}:${k.kdc.port}`);
    const kinit = await c.run('kinit', [`alice@${REALM}`], 'not-the-password\n');
    expect(kinit.status).not.toBe(0);
    expect(kinit.stderr).toMatch(/Password incorrect|Preauthentication failed/);
  });

  it('unknown client and unknown service are reported as such', async () => {
    const c = client('unknown', `${HOST}:${k.kdc.port}`);
    const kinit = await c.run('kinit', [`mallory@${REALM}`], 'x\n');
    expect(kinit.status).not.toBe(0);
    expect(kinit.stderr).toMatch(/not found in Kerberos database/);
    expect((await c.run('kinit', [`carol@${REALM}`], 'carol-pass\n')).status).toBe(0);
    const kvno = await c.run('kvno', [`sip/nowhere.keyhop.test@${REALM}`]);
    expect(kvno.status).not.toBe(0);
    expect(kvno.stderr).toMatch(/Server not found in Kerberos database|not found in Kerberos database/);
  });

  it('klist -k -e reads proxies.keytab', async () => {
    const c = client('keytab', `${HOST}:${k.kdc.port}`);
    const r = await c.run('klist', ['-k', '-e', k.kdc.keytab]);
    expect(r.status, why(r)).toBe(0);
    for (const p of ['sip/a.keyhop.test', 'sip/b.keyhop.test']) {
      for (const e of ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192', 'aes128-cts-hmac-sha256-128']) {
        expect(r.stdout).toMatch(new RegExp(`\\s1 ${p.replace(/\./g, '\\.')}@KEYHOP\\.TEST \\(${e}\\)`));
      }
    }
  });
});

describe('MIT kinit through the KKDCP endpoint (HTTPS)', () => {
  it('kinit and kvno with kdc = https://…/KdcProxy', async (ctx) => {
    // MIT's HTTPS transport is the k5tls plugin (Debian krb5-k5tls); without it (and without
    // root to install it) this case cannot run.
    if (!k5tlsPresent()) ctx.skip();
    const url = new URL(k.httpUrl);
    const c = client('kkdcp', `https://${HOST}:${url.port}/KdcProxy`, `    http_anchors = FILE:${caPem}\n`);
    const kinit = await c.run('kinit', [`alice@${REALM}`], 'alice-pass\n');
    expect(kinit.status, why(kinit)).toBe(0);
    expect(kinit.trace).toMatch(/HTTPS/);
    const kvno = await c.run('kvno', ['-k', k.kdc.keytab, `sip/a.keyhop.test@${REALM}`]);
    expect(kvno.status, why(kvno)).toBe(0);
    const wrong = await client('kkdcp-wrong', `https://${HOST}:${url.port}/KdcProxy`, `    http_anchors = FILE:${caPem}\n`).run('kinit', [`alice@${REALM}`], 'nope\n');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/Password incorrect|Preauthentication failed/);
  });
});
