/**
 * A throw-away MIT Kerberos realm on loopback, for interoperability tests of Keyhop's Kerberos
 * client and acceptor, plus a small python-gssapi peer (MIT's GSS-API library) driven over pipes.
 *
 * Everything lives in a temp directory: krb5.conf, kdc.conf, the database, the stash, the log,
 * credential caches and keytabs. `krb5kdc -n` runs in the foreground on 127.0.0.1 (TCP and UDP on
 * a free port) and is stopped by its pid. The Debian packages are installed when missing and the
 * process is root (`apt-get update` once).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { addLengthPrefix, stripLengthPrefix } from '../../src/krb/kkdcp.js';
import { aptInstall, findExecutable, freePort, sleep, waitForTcpListen } from './sipp.js';

export const PYTHON = '/usr/bin/python3';
const HOST = '127.0.0.1';

/** MIT names of the enctypes Keyhop implements. */
export const MIT_ENCTYPE_NAMES: Record<number, string> = {
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
};

function pythonHasGssapi(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import gssapi'], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

/** Makes sure krb5kdc, kdb5_util, kadmin.local, kinit and python3-gssapi are there, installing them if not. */
export function ensureMitKerberos(): void {
  const needs: [string, string][] = [
    ['krb5kdc', 'krb5-kdc'],
    ['kdb5_util', 'krb5-kdc'],
    ['kadmin.local', 'krb5-admin-server'],
    ['kinit', 'krb5-user'],
  ];
  for (const [exe, pkg] of needs) if (!findExecutable(exe)) aptInstall(pkg, exe);
  for (const [exe] of needs) if (!findExecutable(exe)) throw new Error(`${exe} is still missing after installing MIT Kerberos`);
  if (!pythonHasGssapi()) aptInstall('python3-gssapi', 'python3 gssapi');
  if (!pythonHasGssapi()) throw new Error(`${PYTHON} cannot import gssapi even after installing python3-gssapi`);
}

/** MIT Kerberos's version, e.g. "krb5-1.20.1" (from `krb5-config`, or the package). */
export function mitVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'krb5-kdc'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

export interface MitRealmOptions {
  realm?: string;
  /** Enctypes the KDC supports (kdc.conf `supported_enctypes`); default 18, 17, 20, 19. */
  supportedEnctypes?: number[];
  /** Log everything the KDC says to the test's stderr as well. */
  verbose?: boolean;
}

export interface ClientConfigOptions {
  /** `permitted_enctypes` (and the default TGS/TKT lists) of this client; default all four. */
  enctypes?: number[];
}

export interface MitRealm {
  readonly realm: string;
  readonly dir: string;
  readonly port: number;
  /** krb5.conf for clients that may use every enctype. */
  readonly krb5Conf: string;
  /** Environment for MIT tools (KRB5_CONFIG, KRB5_KDC_PROFILE, no DNS, no replay cache). */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Runs a kadmin.local query and returns its output. */
  kadmin(query: string): string;
  /** Writes another krb5.conf (e.g. one that permits only some enctypes) and returns its path. */
  clientConfig(name: string, o?: ClientConfigOptions): string;
  /** `kinit` with the password on stdin into `ccache`. */
  kinit(principal: string, password: string, o: { ccache: string; config?: string }): void;
  /** Raw KDC messages over TCP with the 4-byte length prefix (RFC 4120 §7.2.2). */
  send(request: Uint8Array, realm: string): Promise<Uint8Array>;
  /** The KDC's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts a KDC for a new realm in a temp directory. */
export async function startMitRealm(o: MitRealmOptions = {}): Promise<MitRealm> {
  ensureMitKerberos();
  const realm = o.realm ?? 'MIT.TEST';
  const supported = o.supportedEnctypes ?? [18, 17, 20, 19];
  const dir = mkdtempSync(join(tmpdir(), 'keyhop-mit-krb-'));
  const port = await freePort(HOST);
  const kdcConf = join(dir, 'kdc.conf');
  const krb5Conf = join(dir, 'krb5.conf');
  writeFileSync(join(dir, 'kadm5.acl'), `*/admin@${realm} *\n`);
  writeFileSync(
    kdcConf,
    `[kdcdefaults]
    kdc_listen = ${HOST}:${port}
    kdc_tcp_listen = ${HOST}:${port}

[realms]
    ${realm} = {
        database_name = ${join(dir, 'principal')}
        key_stash_file = ${join(dir, 'stash')}
        acl_file = ${join(dir, 'kadm5.acl')}
        kdc_listen = ${HOST}:${port}
        kdc_tcp_listen = ${HOST}:${port}
        supported_enctypes = ${supported.map((e) => `${MIT_ENCTYPE_NAMES[e]}:normal`).join(' ')}
        default_principal_flags = +preauth
        max_life = 10h 0m 0s
        max_renewable_life = 7d 0h 0m 0s
    }

[logging]
    kdc = FILE:${join(dir, 'kdc.log')}
    default = FILE:${join(dir, 'kdc.log')}
`,
  );

  const writeKrb5Conf = (path: string, enctypes: number[]): void => {
    const list = enctypes.map((e) => MIT_ENCTYPE_NAMES[e]).join(' ');
    writeFileSync(
      path,
      `[libdefaults]
    default_realm = ${realm}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
    permitted_enctypes = ${list}
    default_tgs_enctypes = ${list}
    default_tkt_enctypes = ${list}
    clockskew = 300

[realms]
    ${realm} = {
        kdc = ${HOST}:${port}
    }

[domain_realm]
    .${realm.toLowerCase()} = ${realm}
    ${realm.toLowerCase()} = ${realm}
`,
    );
  };
  writeKrb5Conf(krb5Conf, supported);

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin`,
    HOME: dir,
    LANG: 'C',
    KRB5_CONFIG: krb5Conf,
    KRB5_KDC_PROFILE: kdcConf,
    KRB5CCNAME: `FILE:${join(dir, 'ccache')}`,
    KRB5RCACHETYPE: 'none',
    KRB5_TRACE: '/dev/null',
    ...extra,
  });
  const run = (cmd: string, args: string[], input?: string, extraEnv?: Record<string, string>): string => {
    try {
      return execFileSync(cmd, args, { env: env(extraEnv), input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}`, { cause: err });
    }
  };

  run('kdb5_util', ['create', '-s', '-P', 'keyhop-master-pw', '-r', realm]);
  const kadmin = (query: string): string => run('kadmin.local', ['-r', realm, '-q', query]);

  const child: ChildProcess = spawn('krb5kdc', ['-n', '-r', realm], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  let output = '';
  child.on('exit', () => (exited = true));
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
    if (o.verbose) process.stderr.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
    if (o.verbose) process.stderr.write(d);
  });
  try {
    await waitForTcpListen(HOST, port, 15_000, () => !exited);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`krb5kdc did not start: ${String(e)}\n${output}\n${safeRead(join(dir, 'kdc.log'))}`, { cause: e });
  }

  return {
    realm,
    dir,
    port,
    krb5Conf,
    env,
    kadmin,
    clientConfig(name, co = {}) {
      const path = join(dir, `${name}.conf`);
      writeKrb5Conf(path, co.enctypes ?? supported);
      return path;
    },
    kinit(principal, password, ko) {
      run('kinit', [principal], `${password}\n`, { KRB5CCNAME: `FILE:${ko.ccache}`, ...(ko.config ? { KRB5_CONFIG: ko.config } : {}) });
    },
    send: (request: Uint8Array, r: string) => {
      if (r !== realm) return Promise.reject(new Error(`no KDC for realm ${r}`));
      return tcpExchange(HOST, port, request, 10_000);
    },
    log: () => safeRead(join(dir, 'kdc.log')),
    async stop() {
      if (!exited && child.pid !== undefined) {
        child.kill('SIGTERM');
        for (let i = 0; i < 100 && !exited; i++) await sleep(20);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** One Kerberos request/reply over TCP (RFC 4120 §7.2.2): length-prefixed both ways. */
export function tcpExchange(host: string, port: number, request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply from the KDC at ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (err?: Error, reply?: Uint8Array): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply as Uint8Array);
    };
    socket.on('connect', () => socket.write(addLengthPrefix(request)));
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const length = all.readUInt32BE(0);
      if (received >= 4 + length) {
        try {
          finish(undefined, stripLengthPrefix(new Uint8Array(all.subarray(0, 4 + length))));
        } catch (e) {
          finish(e as Error);
        }
      }
    });
    socket.on('error', (e) => finish(e));
    socket.on('end', () => finish(new Error(`the KDC at ${host}:${port} closed the connection after ${received} bytes`)));
  });
}

// ───────────────────────────── python-gssapi peer ─────────────────────────────

/**
 * A GSS-API peer in python-gssapi speaking a line protocol on stdin/stdout (base64 fields):
 *   initiator: prints "TOKEN <ap-req>"; reads "REPLY <ap-rep>"; prints "COMPLETE <flags>"
 *   acceptor:  reads "TOKEN <ap-req>"; prints "REPLY <ap-rep> <initiator name>"
 *   both then: "SIGN <msg>" -> "MIC <token>"; "VERIFY <msg> <token>" -> "OK" / "ERR <text>";
 *              "QUIT" ends it. Any failure prints "ERR <text>" and exits 1.
 */
const GSS_PEER = String.raw`
import base64, sys, gssapi

def out(*words):
    sys.stdout.write(' '.join(words) + '\n')
    sys.stdout.flush()

def b64(b):
    return base64.b64encode(b).decode()

def unb64(s):
    return base64.b64decode(s)

KRB5 = gssapi.MechType.kerberos

def main():
    role, name = sys.argv[1], sys.argv[2]
    try:
        if role == 'initiate':
            target = gssapi.Name(name, gssapi.NameType.hostbased_service)
            flags = [gssapi.RequirementFlag.mutual_authentication, gssapi.RequirementFlag.integrity,
                     gssapi.RequirementFlag.out_of_sequence_detection]
            ctx = gssapi.SecurityContext(name=target, usage='initiate', mech=KRB5, flags=flags)
            out('TOKEN', b64(ctx.step()))
            words = sys.stdin.readline().split()
            if not words or words[0] != 'REPLY':
                raise Exception('expected REPLY')
            ctx.step(unb64(words[1]))
            out('COMPLETE' if ctx.complete else 'INCOMPLETE', str(int(ctx.actual_flags)))
        else:
            creds = gssapi.Credentials(usage='accept', name=gssapi.Name(name, gssapi.NameType.hostbased_service))
            ctx = gssapi.SecurityContext(creds=creds, usage='accept')
            words = sys.stdin.readline().split()
            if not words or words[0] != 'TOKEN':
                raise Exception('expected TOKEN')
            reply = ctx.step(unb64(words[1]))
            out('REPLY', b64(reply or b''), str(ctx.initiator_name), str(int(ctx.actual_flags)))
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] == 'QUIT':
                break
            if words[0] == 'SIGN':
                out('MIC', b64(ctx.get_signature(unb64(words[1]))))
            elif words[0] == 'VERIFY':
                try:
                    ctx.verify_signature(unb64(words[1]), unb64(words[2]))
                    out('OK')
                except gssapi.exceptions.GSSError as e:
                    out('ERR', str(e).replace('\n', ' '))
    except Exception as e:
        out('ERR', (type(e).__name__ + ': ' + str(e)).replace('\n', ' '))
        sys.exit(1)

main()
`;

export interface GssPeer {
  /** The next line the peer prints, split into words (rejects after the timeout or on exit). */
  read(): Promise<string[]>;
  write(...words: string[]): void;
  /** Stderr so far, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the python-gssapi peer as `role` for the host-based service `service` (e.g.
 * `sip@proxy.mit.test`), with MIT's environment from `env` (KRB5_CONFIG, KRB5CCNAME or
 * KRB5_KTNAME). `script` replaces the default python program (same argv and line framing).
 */
export function startGssPeer(role: 'initiate' | 'accept', service: string, env: NodeJS.ProcessEnv, timeoutMs = 20_000, script: string = GSS_PEER): GssPeer {
  const child = spawn(PYTHON, ['-c', script, role, service], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  let exited = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // A peer that died shows in its exit and stderr; a write to it must not crash the test run.
  child.stdin.on('error', () => undefined);
  const lines: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  });
  child.on('exit', () => {
    exited = true;
    for (const w of waiters.splice(0)) w(undefined);
  });
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  killTimer.unref();
  return {
    read() {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line.split(' '));
      if (exited) return Promise.reject(new Error(`python gssapi peer exited: ${err}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`python gssapi peer: no output within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push((l) => {
          clearTimeout(timer);
          if (l === undefined) reject(new Error(`python gssapi peer exited: ${err}`));
          else resolve(l.split(' '));
        });
      });
    },
    write(...words) {
      child.stdin.write(`${words.join(' ')}\n`);
    },
    stderr: () => err,
    async stop() {
      clearTimeout(killTimer);
      if (!exited) {
        child.stdin.end('QUIT\n');
        for (let i = 0; i < 50 && !exited; i++) await sleep(20);
        if (!exited) child.kill('SIGKILL');
      }
    },
  };
}

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
export const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
