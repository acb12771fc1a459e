/**
 * A throw-away Kamailio proxy on loopback, used as the reference SIP proxy in interop
 * tests and benchmarks.
 *
 * The configuration is written into a temp directory: transaction-stateful (tm), record-routing
 * (rr), loose-routing in-dialog requests, relaying everything else to its Request-URI, TCP only,
 * no database and no control socket. Kamailio runs in the foreground (`-DD -E`), with its working
 * and runtime directories in the temp directory, so nothing under /etc or /var/run is touched.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aptInstall, findExecutable, freePort, sleep, waitForTcpListen } from './sipp.js';

/** Path of the kamailio binary, installing the `kamailio` package first if it is missing and we are root. */
export function ensureKamailio(): string {
  let path = findExecutable('kamailio');
  if (!path) {
    aptInstall('kamailio', 'kamailio');
    path = findExecutable('kamailio');
  }
  if (!path) throw new Error('kamailio is still not on PATH after installing the kamailio package');
  return path;
}

/** First line of `kamailio -v`, e.g. "version: kamailio 5.6.3 (x86_64/linux)". */
export function kamailioVersion(): string {
  const out = execFileSync(ensureKamailio(), ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  return (out.split('\n')[0] ?? '').replace(/^version:\s*/, '').trim() || 'unknown';
}

/** Kamailio's default module directory, as it reports it in `kamailio -h`. */
export function kamailioModuleDir(): string {
  let help: string;
  try {
    help = execFileSync(ensureKamailio(), ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    const e = err as { stdout?: string | Buffer; stderr?: string | Buffer };
    help = `${String(e.stdout ?? '')}${String(e.stderr ?? '')}`;
  }
  const m = /Modules search path \(default:\s*([^)\s]+)\)/.exec(help);
  const candidates = [m?.[1], '/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules', '/usr/local/lib64/kamailio/modules'];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'tm.so'))) return dir;
  }
  throw new Error(`cannot find Kamailio's modules (looked in ${candidates.filter(Boolean).join(', ')})`);
}

export interface KamailioConfigOptions {
  host: string;
  port: number;
  /** SIP worker processes per listener (`children`, also used for `tcp_children`). */
  children: number;
  /** Core log level (`debug`): -1 error … 3 debug. */
  logLevel: number;
  moduleDir: string;
  /** Send every initial request to this next hop over TCP instead of resolving its Request-URI. */
  forwardTo?: { host: string; port: number };
}

/** Core settings both configurations share: processes, no DNS, one TCP listener on loopback. */
function globalSection(o: Pick<KamailioConfigOptions, 'logLevel' | 'children' | 'host' | 'port'>): string {
  return `debug=${o.logLevel}
log_stderror=yes
fork=yes
children=${o.children}
tcp_children=${o.children}
disable_sctp=yes
auto_aliases=no
dns=no
rev_dns=no
server_header="Server: kamailio-reference"
listen=tcp:${o.host}:${o.port}`;
}

/** The modules both configurations load: transactions, record-routing and message helpers. */
function baseModules(o: Pick<KamailioConfigOptions, 'moduleDir'>): string {
  return `mpath="${o.moduleDir}"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"`;
}

/** The proxy's routing script: stateful relay to the Request-URI with Record-Route; loose routing in dialogs. */
export function kamailioConfig(o: KamailioConfigOptions): string {
  return `#!KAMAILIO
# Minimal stateful, record-routing SIP proxy for Keyhop's interop tests and benchmarks.

${globalSection(o)}

${baseModules(o)}

request_route {
  if (!mf_process_maxfwd_header("10")) {
    sl_send_reply("483", "Too Many Hops");
    exit;
  }

  # Liveness probe: OPTIONS addressed to the proxy itself.
  if (is_method("OPTIONS") && uri == myself && $rU == $null) {
    sl_send_reply("200", "Alive");
    exit;
  }

  # In-dialog requests follow the Route set this proxy put into Record-Route.
  if (has_totag()) {
    if (loose_route()) {
      if (!t_relay()) sl_reply_error();
      exit;
    }
    if (is_method("ACK")) {
      if (t_check_trans()) t_relay();
      exit;
    }
    sl_send_reply("404", "Not Here");
    exit;
  }

  if (is_method("CANCEL")) {
    if (t_check_trans()) t_relay();
    exit;
  }

  # Absorb retransmissions of requests already being handled.
  t_check_trans();

  # An initial request carrying a Route (preloaded) is routed by it.
  loose_route();

  if (is_method("INVITE|SUBSCRIBE|REFER")) record_route();
${o.forwardTo ? `\n  # Fixed next hop for requests outside dialogs.\n  $du = "sip:${o.forwardTo.host}:${o.forwardTo.port};transport=tcp";\n` : ''}
  if (!t_relay()) {
    xlog("L_ERR", "relay of $rm to $ru failed\\n");
    sl_reply_error();
  }
  exit;
}
`;
}

/**
 * A SIP-over-WebSocket (RFC 7118) registrar and proxy for browser user agents: the same TCP port
 * answers the HTTP upgrade (xhttp + websocket modules) and plain SIP over TCP (the liveness probe).
 * No authentication; registrations live in memory (usrloc without a database). Browser contacts
 * carry unresolvable `.invalid` hosts, so REGISTER records the connection it came on
 * (fix_nated_register) and other requests and replies get an `alias` parameter naming that
 * connection (add_contact_alias), which in-dialog requests are routed by (handle_ruri_alias).
 */
export function kamailioWsConfig(o: Omit<KamailioConfigOptions, 'forwardTo'> & { domain: string }): string {
  return `#!KAMAILIO
# SIP over WebSocket registrar and proxy for browser user agents, loopback only.

${globalSection(o)}
tcp_accept_no_cl=yes
alias="${o.domain}"

${baseModules(o)}
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "nathelper.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"

modparam("nathelper|registrar", "received_avp", "$avp(RECEIVED)")
modparam("websocket", "keepalive_mechanism", 0)

request_route {
  if (!mf_process_maxfwd_header("10")) {
    sl_send_reply("483", "Too Many Hops");
    exit;
  }

  if (is_method("OPTIONS") && uri == myself && $rU == $null) {
    sl_send_reply("200", "Alive");
    exit;
  }

  # 64: the request came over a WebSocket.
  if (nat_uac_test("64")) {
    force_rport();
    if (is_method("REGISTER")) {
      fix_nated_register();
    } else if (!add_contact_alias()) {
      sl_send_reply("400", "Bad Contact");
      exit;
    }
  }

  if (has_totag()) {
    if (loose_route() || is_method("ACK")) {
      handle_ruri_alias();
      t_on_reply("WS_REPLY");
      if (!t_relay()) sl_reply_error();
      exit;
    }
    sl_send_reply("404", "Not Here");
    exit;
  }

  if (is_method("CANCEL")) {
    if (t_check_trans()) t_relay();
    exit;
  }

  t_check_trans();

  if (is_method("REGISTER")) {
    if (!save("location")) sl_reply_error();
    exit;
  }

  if (!lookup("location")) {
    sl_send_reply("404", "Not Found");
    exit;
  }
  if (is_method("INVITE|SUBSCRIBE|REFER")) record_route();
  t_on_reply("WS_REPLY");
  if (!t_relay()) {
    xlog("L_ERR", "relay of $rm to $ru failed\\n");
    sl_reply_error();
  }
  exit;
}

onreply_route[WS_REPLY] {
  if (nat_uac_test("64")) add_contact_alias();
}

event_route[xhttp:request] {
  set_reply_close();
  set_reply_no_connect();
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) exit;
  }
  xhttp_reply("404", "Not Found", "", "");
}
`;
}

export interface KamailioOptions {
  host?: string;
  /** TCP port to listen on; default a free port. */
  port?: number;
  /** Worker processes (see KamailioConfigOptions.children); default 2. */
  children?: number;
  /** Shared memory in MB (`-m`); default 64. */
  shmMb?: number;
  /** Private memory per process in MB (`-M`); default 8. */
  pkgMb?: number;
  /** Core log level; default 1 (notices and worse). */
  logLevel?: number;
  /** Directory for the config, log and runtime files; default a new temp directory, removed by stop(). */
  dir?: string;
  /** Keep the temp directory (config and log) after stop(). */
  keepDir?: boolean;
  /** How long to wait for the proxy to answer its liveness probe. Default 15 s. */
  startTimeoutMs?: number;
  /** See KamailioConfigOptions.forwardTo. */
  forwardTo?: { host: string; port: number };
  /** Run kamailioWsConfig for this SIP domain instead of the relay (`ws://host:port/`). */
  websocket?: { domain: string };
}

export interface KamailioInstance {
  host: string;
  port: number;
  /** The main (foreground) process. */
  pid: number;
  dir: string;
  configPath: string;
  logPath: string;
  child: ChildProcess;
  /** The main process and every process it forked (read from /proc now). */
  pids(): number[];
  /** Kamailio's stderr log so far. */
  log(): string;
  alive(): boolean;
  /**
   * SIGTERM to the main process; SIGKILL to it and its workers if they linger past `graceMs`.
   * Removes the temp directory it created unless `keepDir`.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Parent pid of `pid` from /proc, or undefined if it is gone. */
function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may contain spaces and parentheses
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

/** `root` and all its descendants that exist now, from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentPid(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  if (!existsSync(`/proc/${root}`)) return [];
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Sends an OPTIONS to the proxy itself over TCP and resolves true on a 200. */
export async function probeSipTcp(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('error', () => done(false));
    sock.on('connect', () => {
      const local = `${sock.localAddress ?? host}:${sock.localPort ?? 0}`;
      const branch = `z9hG4bK-probe-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      sock.write(
        [
          `OPTIONS sip:${host}:${port};transport=tcp SIP/2.0`,
          `Via: SIP/2.0/TCP ${local};branch=${branch}`,
          'Max-Forwards: 70',
          `From: <sip:probe@${host}>;tag=${branch.slice(-8)}`,
          `To: <sip:${host}:${port}>`,
          `Call-ID: ${branch}@${host}`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    });
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      if (/^SIP\/2\.0 200 /m.test(buf)) done(true);
      else if (/^SIP\/2\.0 [3-6]\d\d /m.test(buf)) done(false);
    });
  });
}

/** Writes the config, starts Kamailio and resolves once it answers an OPTIONS probe. */
export async function startKamailio(o: KamailioOptions = {}): Promise<KamailioInstance> {
  const bin = ensureKamailio();
  const host = o.host ?? '127.0.0.1';
  if (!host.startsWith('127.')) throw new Error(`Kamailio is only started on loopback, not ${host}`);
  const port = o.port ?? (await freePort(host));
  const ownDir = o.dir === undefined && !o.keepDir;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'keyhop-kamailio-'));
  const configPath = join(dir, 'kamailio.cfg');
  const logPath = join(dir, 'kamailio.log');
  const base = { host, port, children: o.children ?? 2, logLevel: o.logLevel ?? 1, moduleDir: kamailioModuleDir() };
  writeFileSync(configPath, o.websocket ? kamailioWsConfig({ ...base, domain: o.websocket.domain }) : kamailioConfig({ ...base, ...(o.forwardTo ? { forwardTo: o.forwardTo } : {}) }));

  const logFd = openSync(logPath, 'a');
  const args = ['-DD', '-E', '-f', configPath, '-w', dir, '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-m', String(o.shmMb ?? 64), '-M', String(o.pkgMb ?? 8)];
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  if (child.pid === undefined) {
    const reason = await new Promise<string>((resolve) => {
      child.once('error', (e) => resolve(e.message));
      setTimeout(() => resolve('unknown spawn failure'), 1000);
    });
    throw new Error(`could not start kamailio: ${reason}`);
  }
  const pid = child.pid;
  let exited = false;
  const closed = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  let known: number[] = [pid];
  const pids = (): number[] => {
    const now = processTree(pid);
    if (now.length > 0) known = now;
    return now;
  };

  const stop = async (graceMs = 5_000): Promise<void> => {
    const victims = new Set([...known, ...pids()]);
    if (!exited) child.kill('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && [...victims].some(isRunning)) await sleep(50);
    for (const p of victims) {
      if (isRunning(p)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await Promise.race([closed, sleep(2_000)]);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  const instance: KamailioInstance = { host, port, pid, dir, configPath, logPath, child, pids, log, alive: () => !exited, stop };

  try {
    const timeout = o.startTimeoutMs ?? 15_000;
    const deadline = Date.now() + timeout;
    await waitForTcpListen(host, port, timeout, () => !exited);
    while (!(await probeSipTcp(host, port, 1_000))) {
      if (exited) throw new Error('kamailio exited during start-up');
      if (Date.now() > deadline) throw new Error(`kamailio did not answer OPTIONS on ${host}:${port} within ${timeout} ms`);
      await sleep(100);
    }
    pids();
  } catch (err) {
    const text = log();
    await stop(2_000);
    throw new Error(`${(err as Error).message}\n--- kamailio log ---\n${text.slice(-4000)}`, { cause: err });
  }
  return instance;
}
