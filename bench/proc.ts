/**
 * The benchmark process: memory and CPU of a process tree and a description of the machine, read
 * from /proc (Linux); its command-line counts; and its life from start to exit, cleaning up always.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { processTree } from '../test/support/kamailio.js';

export interface TreeMemory {
  pids: number[];
  /** Sum of VmRSS over the processes, KiB. Shared pages are counted once per process. */
  rssKb: number;
  /** Sum of Pss (proportional set size) over the processes, KiB: shared pages split between sharers. */
  pssKb: number;
}

function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** A process's command line, '' if it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Decides which processes of a tree belong to the program being measured. */
export type ProcessFilter = (pid: number, commandLine: string) => boolean;

const everything: ProcessFilter = () => true;

/** The processes of `root`'s tree that `include` accepts. */
export function measuredPids(root: number, include: ProcessFilter = everything): number[] {
  return processTree(root).filter((pid) => pid === root || include(pid, commandLine(pid)));
}

/** RSS and PSS of `root` and its descendants (those `include` accepts) right now. */
export function treeMemory(root: number, include: ProcessFilter = everything): TreeMemory {
  const pids = measuredPids(root, include);
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += statusKb(pid, 'VmRSS');
    pss += pssKb(pid);
  }
  return { pids, rssKb: rss, pssKb: pss };
}

/** Samples a tree's memory every `everyMs` and keeps the largest values seen. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  peak: TreeMemory = { pids: [], rssKb: 0, pssKb: 0 };
  last: TreeMemory = { pids: [], rssKb: 0, pssKb: 0 };

  constructor(
    private readonly root: number,
    private readonly everyMs = 1_000,
    private readonly include: ProcessFilter = everything,
  ) {}

  sample(): TreeMemory {
    const m = treeMemory(this.root, this.include);
    this.last = m;
    if (m.rssKb > this.peak.rssKb) this.peak = { ...this.peak, rssKb: m.rssKb, pids: m.pids };
    if (m.pssKb > this.peak.pssKb) this.peak = { ...this.peak, pssKb: m.pssKb };
    return m;
  }

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): TreeMemory {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }
}

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU time (user + system) used so far by the given processes, in ms. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is field 3 (state); utime and stime are fields 14 and 15
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** The 1-, 5- and 15-minute load averages, e.g. "0.12 0.30 0.25". */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memory: string;
  kernel: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    // not Linux
  }
  let cpus = availableParallelism();
  try {
    cpus = Number(execFileSync('nproc', { encoding: 'utf8', timeout: 5_000 }).trim()) || cpus;
  } catch {
    // keep Node's count
  }
  let kernel = 'unknown';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  return { cpus, cpuModel, memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`, kernel, node: process.version };
}

/** The machine as the benchmark sections describe it, e.g. "2 CPU(s) (`nproc`), <model>, 7.8 GiB RAM, Linux 6.1.0". */
export function describeMachine(m: MachineInfo = machineInfo()): string {
  return `${m.cpus} CPU(s) (\`nproc\`), ${m.cpuModel}, ${m.memory} RAM, Linux ${m.kernel}`;
}

export function mib(kb: number): string {
  return `${(kb / 1024).toFixed(1)} MiB`;
}

/** A command-line count: `value` as an integer in [min, max], or an error naming the option `--name`. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}], got ${value}`);
  return n;
}

/** Something to undo when the benchmark ends, however it ends: a child to stop, a directory to remove. */
export type Cleanup = () => Promise<void> | void;

/** Runs `cleanups` newest first, each one even if another fails. */
async function runCleanups(cleanups: Iterable<Cleanup>): Promise<void> {
  for (const c of [...cleanups].reverse()) {
    try {
      await c();
    } catch {
      // best effort: the process exits next
    }
  }
}

/**
 * Runs a benchmark's `main` as the whole process: whatever is left in `cleanups` is undone when it
 * ends, fails, is interrupted (SIGINT/SIGTERM, exit 130) or runs past `timeoutMs`, so no child
 * process or temporary directory outlives it. Exits 0 on success and 1 on failure, with the stack.
 */
export function runBenchmark(name: string, main: () => Promise<void>, cleanups: Iterable<Cleanup>, timeoutMs?: number): void {
  const exit = (code: number) => void runCleanups(cleanups).finally(() => process.exit(code));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => exit(130));
  if (timeoutMs !== undefined) {
    setTimeout(() => {
      console.error(`${name}: gave up after ${Math.round(timeoutMs / 60_000)} minutes`);
      exit(1);
    }, timeoutMs).unref();
  }
  main().then(
    () => exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      exit(1);
    },
  );
}
