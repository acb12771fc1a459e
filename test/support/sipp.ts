/**
 * Running SIPp (the Debian `sip-tester` package) from tests and benchmarks.
 *
 * Every run is a child process in its own working directory, bounded by SIPp's own
 * global timeout and by a hard kill a little later. Results come from the statistics
 * CSV SIPp writes on exit (`-trace_stat -stf`), with the exit code and the final
 * screen as fallbacks; the message, error and scenario logs are read back as text.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The scenario files that ship with the tests. */
export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');
export const UAC_TCP_SCENARIO = join(SCENARIO_DIR, 'uac-tcp.xml');
export const UAS_TCP_SCENARIO = join(SCENARIO_DIR, 'uas-tcp.xml');

// ───────────────────────────── locating and installing ─────────────────────────────

/** The absolute path of `name` on PATH (or the usual sbin directories), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const extra of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!dirs.includes(extra)) dirs.push(extra);
  }
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

let aptUpdated = false;

/**
 * Installs a Debian package with apt-get (running `apt-get update` once per process first).
 * Only possible as root; otherwise throws with the command to run by hand.
 */
export function aptInstall(pkg: string, forExecutable: string): void {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`"${forExecutable}" is not installed and this process is not root; install it with: sudo apt-get install -y ${pkg}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) {
      execFileSync('apt-get', ['update'], { stdio: 'pipe', env, timeout: 300_000 });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'pipe', env, timeout: 600_000 });
  } catch (err) {
    const detail = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr).slice(-2000) : String(err);
    throw new Error(`Installing ${pkg} (for "${forExecutable}") failed: ${detail}`, { cause: err });
  }
}

/** Path of the sipp binary, installing `sip-tester` first if it is missing and we are root. */
export function ensureSipp(): string {
  let path = findExecutable('sipp');
  if (!path) {
    aptInstall('sip-tester', 'sipp');
    path = findExecutable('sipp');
  }
  if (!path) throw new Error('sipp is still not on PATH after installing sip-tester');
  return path;
}

/** SIPp's version line, e.g. "SIPp v3.6.1-SCTP-PCAP-RTPSTREAM." */
export function sippVersion(): string {
  const sipp = ensureSipp();
  let out: string;
  try {
    out = execFileSync(sipp, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    // sipp -v exits non-zero on some versions; the text is still there.
    const e = err as { stdout?: string | Buffer };
    out = String(e.stdout ?? '');
  }
  const line = out.split('\n').map((l) => l.trim()).find((l) => /^SIPp v/i.test(l));
  return line ?? out.trim().split('\n')[0] ?? 'unknown';
}

// ───────────────────────────── loopback helpers ─────────────────────────────

/** A TCP port that was free on `host` a moment ago (the OS picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not obtain a free port'))));
    });
  });
}

function ipv4ToProcHex(host: string): string {
  const parts = host.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${host}`);
  }
  // /proc/net/tcp prints the address in host byte order (little-endian on x86/arm).
  return parts.map((p) => p.toString(16).padStart(2, '0').toUpperCase()).reverse().join('');
}

/**
 * Whether some socket is in LISTEN state on host:port (IPv4), read from /proc/net/tcp
 * so that checking does not itself open a connection to the listener.
 */
export function isTcpListening(host: string, port: number): boolean {
  const want = `${ipv4ToProcHex(host)}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const any = `00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let text: string;
  try {
    text = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return false;
  }
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const state = cols[3];
    if (state === '0A' && (local === want || local === any)) return true;
  }
  return false;
}

/** Waits until host:port is listening; fails after `timeoutMs` or when `alive()` turns false. */
export async function waitForTcpListen(host: string, port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isTcpListening(host, port)) return;
    if (!alive()) throw new Error(`process exited before listening on ${host}:${port}`);
    await sleep(25);
  }
  throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ───────────────────────────── running SIPp ─────────────────────────────

export interface SippOptions {
  /** Scenario XML file (`-sf`). */
  scenario: string;
  /** Short name used in error messages and file names, e.g. "uac". */
  label?: string;
  /** SIPp transport mode (`-t`); t1 = one TCP connection for all calls. Default t1. */
  transport?: 't1' | 'tn' | 'u1' | 'un';
  /** Local address for sockets and for [local_ip] (`-i`). Default 127.0.0.1. */
  localHost?: string;
  /** Local port (`-p`); a UAS listens here. Default: a free port. */
  localPort?: number;
  /** The remote host:port positional argument ([remote_ip]/[remote_port]); omit for a UAS. */
  remote?: string;
  /** Send everything to this host:port instead of `remote` (`-rsa`), e.g. an outbound proxy. */
  sendTo?: string;
  /** Username part of the Request-URI (`-s`). */
  service?: string;
  /** Stop after this many calls (`-m`). */
  calls?: number;
  /** Call rate in calls per second (`-r`, period 1 s). */
  rate?: number;
  /** Maximum simultaneous calls (`-l`). */
  limit?: number;
  /** Global receive timeout in ms (`-recv_timeout`): an awaited message that never comes fails the call. */
  recvTimeoutMs?: number;
  /** SIPp's global timeout (`-timeout`) in ms; the process is killed outright 5 s after it. */
  timeoutMs: number;
  /** Record every sent and received message (`-trace_msg`). */
  traceMessages?: boolean;
  /** Record `<log>` actions (`-trace_logs`). */
  traceLogs?: boolean;
  /** Extra keywords (`-key name value`) usable as [name] in the scenario. */
  keys?: Record<string, string>;
  /** Further raw arguments placed before the remote host. */
  extraArgs?: string[];
  /** Working directory for SIPp and its files; default a new temp directory. */
  workDir?: string;
  /** How often statistics are written (`-fd`), in seconds. Default 1. */
  statsEverySeconds?: number;
}

export interface SippStats {
  /** Raw final row of the statistics CSV, by column name. */
  columns: Record<string, string>;
  created: number;
  successful: number;
  failed: number;
  /** Calls still in progress when SIPp stopped. */
  current: number;
  failedTimeoutOnRecv: number;
  failedUnexpectedMessage: number;
  failedRegexpDoesntMatch: number;
  failedRegexpHdrNotFound: number;
  failedTcpConnect: number;
  failedTcpClosed: number;
  deadCallMsgs: number;
  outOfCallMsgs: number;
  /** Cumulative call rate SIPp achieved (calls created per second of run time). */
  callRate: number;
}

export interface SippResult {
  label: string;
  args: string[];
  workDir: string;
  pid: number;
  /** 0: every call succeeded; 1: some failed; 97: stopped by command/signal; 99: ended with no calls; 254/255: fatal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The hard kill fired (SIPp did not honour its own -timeout). */
  killed: boolean;
  durationMs: number;
  stats: SippStats;
  stdoutTail: string;
  stderrTail: string;
  /** Contents of the error log (unexpected messages, failed checks), '' if none. */
  errors: string;
  /** Message trace ('' unless traceMessages). */
  messages: string;
  /** Scenario `<log>` output ('' unless traceLogs). */
  logs: string;
}

export interface SippProcess {
  readonly label: string;
  readonly pid: number;
  readonly localPort: number;
  readonly workDir: string;
  readonly args: readonly string[];
  readonly child: ChildProcess;
  /** Resolves once SIPp has exited and its files have been read. */
  readonly result: Promise<SippResult>;
  /** True until the process exits. */
  alive(): boolean;
  /** Asks SIPp to finish (SIGUSR1: stop new calls, dump final statistics), then kills it after `graceMs`. */
  stop(graceMs?: number): Promise<SippResult>;
}

const TAIL = 64 * 1024;

function appendTail(acc: string, chunk: string): string {
  const next = acc + chunk;
  return next.length > TAIL ? next.slice(next.length - TAIL) : next;
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'latin1') : '';
}

/** Parses SIPp's `-trace_stat` CSV (semicolon separated; the last data row holds the final values). */
export function parseSippStatsCsv(csv: string): Record<string, string> | undefined {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length < 2) return undefined;
  const header = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const out: Record<string, string> = {};
  header.forEach((name, i) => {
    if (name) out[name] = last[i] ?? '';
  });
  return out;
}

/** Reads "Successful call | x | y" style rows off SIPp's final screen. */
export function parseSippScreen(screen: string): Partial<Record<'successful' | 'failed' | 'created', number>> {
  const cumulative = (label: RegExp): number | undefined => {
    let value: number | undefined;
    for (const line of screen.split('\n')) {
      if (!label.test(line)) continue;
      const cells = line.split('|').map((c) => c.trim());
      const n = Number((cells[2] ?? '').split(/\s+/)[0]);
      if (Number.isFinite(n)) value = n;
    }
    return value;
  };
  const out: Partial<Record<'successful' | 'failed' | 'created', number>> = {};
  const s = cumulative(/^\s*Successful call\s*\|/);
  const f = cumulative(/^\s*Failed call\s*\|/);
  const c = cumulative(/^\s*Total Calls created\s*\|/);
  if (s !== undefined) out.successful = s;
  if (f !== undefined) out.failed = f;
  if (c !== undefined) out.created = c;
  return out;
}

function toStats(columns: Record<string, string> | undefined, screen: string): SippStats {
  const num = (name: string): number => {
    const v = Number(columns?.[name] ?? NaN);
    return Number.isFinite(v) ? v : 0;
  };
  const fromScreen = parseSippScreen(screen);
  return {
    columns: columns ?? {},
    created: columns ? num('TotalCallCreated') : (fromScreen.created ?? 0),
    successful: columns ? num('SuccessfulCall(C)') : (fromScreen.successful ?? 0),
    failed: columns ? num('FailedCall(C)') : (fromScreen.failed ?? 0),
    current: num('CurrentCall'),
    failedTimeoutOnRecv: num('FailedTimeoutOnRecv(C)'),
    failedUnexpectedMessage: num('FailedUnexpectedMessage(C)'),
    failedRegexpDoesntMatch: num('FailedRegexpDoesntMatch(C)'),
    failedRegexpHdrNotFound: num('FailedRegexpHdrNotFound(C)'),
    failedTcpConnect: num('FailedTcpConnect(C)'),
    failedTcpClosed: num('FailedTcpClosed(C)'),
    deadCallMsgs: num('DeadCallMsgs(C)'),
    outOfCallMsgs: num('OutOfCallMsgs(C)'),
    callRate: num('CallRate(C)'),
  };
}

function buildArgs(o: SippOptions, localPort: number, label: string): string[] {
  const args = ['-sf', o.scenario, '-t', o.transport ?? 't1', '-i', o.localHost ?? '127.0.0.1', '-p', String(localPort)];
  args.push('-nostdin');
  args.push('-trace_stat', '-stf', `${label}.csv`, '-fd', String(o.statsEverySeconds ?? 1));
  args.push('-trace_err', '-error_file', `${label}.errors.log`);
  args.push('-trace_screen', '-screen_file', `${label}.screen.log`);
  if (o.traceMessages) args.push('-trace_msg', '-message_file', `${label}.messages.log`);
  if (o.traceLogs) args.push('-trace_logs', '-log_file', `${label}.log`);
  if (o.sendTo) args.push('-rsa', o.sendTo);
  if (o.service) args.push('-s', o.service);
  if (o.calls !== undefined) args.push('-m', String(o.calls));
  if (o.rate !== undefined) args.push('-r', String(o.rate), '-rp', '1000');
  if (o.limit !== undefined) args.push('-l', String(o.limit));
  if (o.recvTimeoutMs !== undefined) args.push('-recv_timeout', String(Math.max(1, Math.round(o.recvTimeoutMs))));
  args.push('-timeout', `${Math.max(1, Math.ceil(o.timeoutMs / 1000))}s`);
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  args.push(...(o.extraArgs ?? []));
  if (o.remote) args.push(o.remote);
  return args;
}

/**
 * Starts SIPp and returns at once. A UAS is ready once `waitForTcpListen(localHost, localPort)`
 * succeeds; a UAC starts calling immediately.
 */
export async function startSipp(o: SippOptions): Promise<SippProcess> {
  const sipp = ensureSipp();
  const label = (o.label ?? 'sipp').replace(/[^A-Za-z0-9_.-]/g, '_');
  const workDir = o.workDir ?? mkdtempSync(join(tmpdir(), `keyhop-sipp-${label}-`));
  const localPort = o.localPort ?? (await freePort(o.localHost ?? '127.0.0.1'));
  const args = buildArgs(o, localPort, label);
  const started = Date.now();
  const child = spawn(sipp, args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) {
    // spawn failures surface asynchronously as 'error'; wait for it to report something useful
    const reason = await new Promise<string>((resolve) => {
      child.once('error', (e) => resolve(e.message));
      setTimeout(() => resolve('unknown spawn failure'), 1000);
    });
    throw new Error(`could not start sipp (${label}): ${reason}`);
  }
  const pid = child.pid;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('latin1').on('data', (d: string) => (stdout = appendTail(stdout, d)));
  child.stderr?.setEncoding('latin1').on('data', (d: string) => (stderr = appendTail(stderr, d)));

  let exited = false;
  let killed = false;
  const hardKill = setTimeout(() => {
    if (!exited) {
      killed = true;
      child.kill('SIGKILL');
    }
  }, o.timeoutMs + 5_000);

  const result = new Promise<SippResult>((resolve) => {
    child.once('close', (code, signal) => {
      exited = true;
      clearTimeout(hardKill);
      const screen = readIfExists(join(workDir, `${label}.screen.log`));
      const columns = parseSippStatsCsv(readIfExists(join(workDir, `${label}.csv`)));
      resolve({
        label,
        args,
        workDir,
        pid,
        exitCode: code,
        signal,
        killed,
        durationMs: Date.now() - started,
        stats: toStats(columns, screen || stdout),
        stdoutTail: stdout,
        stderrTail: stderr,
        errors: readIfExists(join(workDir, `${label}.errors.log`)),
        messages: readIfExists(join(workDir, `${label}.messages.log`)),
        logs: readIfExists(join(workDir, `${label}.log`)),
      });
    });
  });

  const stop = async (graceMs = 5_000): Promise<SippResult> => {
    if (!exited) {
      child.kill('SIGUSR1');
      const timer = setTimeout(() => {
        if (!exited) {
          killed = true;
          child.kill('SIGKILL');
        }
      }, graceMs);
      await result;
      clearTimeout(timer);
    }
    return result;
  };

  return { label, pid, localPort, workDir, args, child, result, alive: () => !exited, stop };
}

/** Runs SIPp to completion (or its timeout) and returns what it reported. */
export async function runSipp(o: SippOptions): Promise<SippResult> {
  const p = await startSipp(o);
  return p.result;
}

/** One line for assertion messages: counts, exit code and the start of the error log. */
export function describeSippResult(r: SippResult): string {
  const s = r.stats;
  const parts = [
    `${r.label}: exit=${r.exitCode ?? r.signal}${r.killed ? ' (killed)' : ''}`,
    `created=${s.created} ok=${s.successful} failed=${s.failed} current=${s.current}`,
    `recvTimeout=${s.failedTimeoutOnRecv} unexpected=${s.failedUnexpectedMessage} regexp=${s.failedRegexpDoesntMatch + s.failedRegexpHdrNotFound}`,
    `tcpConnect=${s.failedTcpConnect} tcpClosed=${s.failedTcpClosed} dead=${s.deadCallMsgs} outOfCall=${s.outOfCallMsgs}`,
  ];
  const err = r.errors.trim();
  if (err) parts.push(`errors: ${err.slice(0, 1500)}`);
  if (r.exitCode !== 0 && r.exitCode !== 1 && r.stderrTail.trim()) parts.push(`stderr: ${r.stderrTail.trim().slice(-800)}`);
  return parts.join('; ');
}

// ───────────────────────────── message trace ─────────────────────────────

export interface TracedMessage {
  direction: 'sent' | 'received';
  transport: string;
  /** First line, e.g. "INVITE sip:… SIP/2.0" or "SIP/2.0 200 OK". */
  startLine: string;
  /** Request method, or undefined for a response. */
  method?: string;
  /** Response status, or undefined for a request. */
  status?: number;
  /** CSeq method (useful for responses). */
  cseqMethod?: string;
  /** Header fields in order, names in canonical long form, folded lines joined. */
  headers: Array<[string, string]>;
  body: string;
  raw: string;
}

const COMPACT: Record<string, string> = {
  v: 'Via', f: 'From', t: 'To', i: 'Call-ID', m: 'Contact', l: 'Content-Length', c: 'Content-Type',
  k: 'Supported', s: 'Subject', e: 'Content-Encoding', o: 'Event', r: 'Refer-To', u: 'Allow-Events',
};

/** Canonical header name: compact forms expanded, case normalised by known names. */
export function canonicalHeaderName(name: string): string {
  const n = name.trim();
  if (n.length === 1) return COMPACT[n.toLowerCase()] ?? n;
  const known = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Record-Route', 'Route', 'Max-Forwards', 'Content-Length', 'Content-Type'];
  return known.find((k) => k.toLowerCase() === n.toLowerCase()) ?? n;
}

/** Splits a SIPp `-trace_msg` log into messages. */
export function parseSippMessageLog(log: string): TracedMessage[] {
  const out: TracedMessage[] = [];
  const blocks = log.split(/^-{20,}[^\n]*\n/m);
  for (const block of blocks) {
    const m = /^\s*(\S+) message (sent|received)[^\n]*\n\n?/.exec(block);
    if (!m) continue;
    const raw = block.slice(m[0].length).replace(/^\r?\n/, '');
    const sep = raw.search(/\r?\n\r?\n/);
    const head = sep >= 0 ? raw.slice(0, sep) : raw;
    const body = sep >= 0 ? raw.slice(sep).replace(/^\r?\n\r?\n/, '').replace(/\n+$/, '') : '';
    const lines = head.split(/\r?\n/);
    const startLine = (lines.shift() ?? '').trim();
    if (!startLine) continue;
    const headers: Array<[string, string]> = [];
    for (const line of lines) {
      if (/^[ \t]/.test(line) && headers.length > 0) {
        const last = headers[headers.length - 1]!;
        last[1] = `${last[1]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      headers.push([canonicalHeaderName(line.slice(0, colon)), line.slice(colon + 1).trim()]);
    }
    const msg: TracedMessage = { direction: m[2] as 'sent' | 'received', transport: m[1]!, startLine, headers, body, raw };
    const resp = /^SIP\/2\.0\s+(\d{3})/.exec(startLine);
    if (resp) msg.status = Number(resp[1]);
    else msg.method = startLine.split(/\s+/)[0];
    const cseq = headers.find(([n]) => n === 'CSeq')?.[1];
    if (cseq) msg.cseqMethod = cseq.trim().split(/\s+/)[1];
    out.push(msg);
  }
  return out;
}

/**
 * All values of a header in order, splitting comma-separated lists for the headers that
 * allow them (Via, Route, Record-Route, Contact), respecting quotes and angle brackets.
 */
export function headerValues(msg: TracedMessage, name: string): string[] {
  const want = canonicalHeaderName(name).toLowerCase();
  const lists = new Set(['via', 'route', 'record-route', 'contact']);
  const values: string[] = [];
  for (const [n, v] of msg.headers) {
    if (n.toLowerCase() !== want) continue;
    if (!lists.has(want)) {
      values.push(v);
      continue;
    }
    let depth = 0;
    let quoted = false;
    let start = 0;
    for (let i = 0; i < v.length; i++) {
      const ch = v[i];
      if (ch === '"' && v[i - 1] !== '\\') quoted = !quoted;
      else if (!quoted && ch === '<') depth++;
      else if (!quoted && ch === '>') depth = Math.max(0, depth - 1);
      else if (!quoted && depth === 0 && ch === ',') {
        values.push(v.slice(start, i).trim());
        start = i + 1;
      }
    }
    values.push(v.slice(start).trim());
  }
  return values.filter((v) => v.length > 0);
}

/** The sent-by part of a Via value ("host:port" as written) and its branch parameter. */
export function parseVia(value: string): { transport: string; sentBy: string; host: string; port?: number; branch?: string } {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*(\S+)\s+([^;\s]+)(.*)$/i.exec(value.trim());
  if (!m) throw new Error(`unparseable Via: ${value}`);
  const sentBy = m[2]!;
  const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(sentBy);
  const branch = /;\s*branch\s*=\s*([^;\s,]+)/i.exec(m[3] ?? '')?.[1];
  const out: { transport: string; sentBy: string; host: string; port?: number; branch?: string } = {
    transport: m[1]!.toUpperCase(),
    sentBy,
    host: hp?.[1] ?? sentBy,
  };
  if (hp?.[2]) out.port = Number(hp[2]);
  if (branch) out.branch = branch;
  return out;
}
