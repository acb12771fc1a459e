/**
 * Firewall pinholes a reader proxy keeps per dialog (seed 003 embodiment 2, ¶0030–0033): the
 * media addresses and ports of each side's SDP, opened when the proxy has read the SDP and closed
 * when the dialog ends (BYE, a failed INVITE, CANCEL) or after `idleMs` without any message of
 * the dialog. Bounded: at most `maxDialogs` dialogs (the one idle longest is closed to make room)
 * and the last `maxEvents` events. Keyhop drives no firewall; the table and its event log are what
 * a firewall controller would follow (`GET /admin/pinholes`).
 */
import type { Logger } from '../log.js';
import type { MediaStream } from './media-streams.js';

export interface Pinhole extends MediaStream {
  /** Whose SDP it came from: the caller (From of the initial INVITE) or the callee. */
  side: 'caller' | 'callee';
}

export interface DialogPinholes {
  callId: string;
  /** The caller's tag, and the callee's once an answer has been read. */
  fromTag: string;
  toTag: string | null;
  caller: string;
  callee: string;
  pinholes: Pinhole[];
  openedAt: string;
}

export type PinholeEventKind = 'opened' | 'closed' | 'refused';

export interface PinholeEvent {
  at: string;
  event: PinholeEventKind;
  callId: string;
  /** The message concerned: `INVITE`, `200 INVITE`… */
  message?: string;
  /** For `refused`: the envelope error code (`bad-ciphertext`…), `reader-header` or `busy`. */
  code?: string;
  /** Plain words: what was opened, why it was closed or refused. */
  detail: string;
}

export interface PinholeTableOptions {
  maxDialogs: number;
  idleMs: number;
  maxEvents: number;
  log: Logger;
}

interface Entry extends DialogPinholes {
  lastActivity: number;
}

export class PinholeTable {
  private readonly dialogs = new Map<string, Entry>();
  /** Sequence number of each call's last close, so a late open of a closed call records nothing. */
  private readonly closedAt = new Map<string, number>();
  private readonly recent: PinholeEvent[] = [];
  private seq = 0;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly o: PinholeTableOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(o.idleMs / 4, 30_000)));
    this.sweeper.unref();
  }

  /** Most dialogs the table holds at once. */
  get maxDialogs(): number {
    return this.o.maxDialogs;
  }

  /** A ticket taken when reading starts; `record` ignores it if the call closed since. */
  ticket(): number {
    return ++this.seq;
  }

  /** Replaces `side`'s pinholes of the dialog with `streams`. */
  record(ticket: number, d: Omit<DialogPinholes, 'pinholes' | 'openedAt'>, side: Pinhole['side'], streams: MediaStream[], message: string): void {
    if ((this.closedAt.get(d.callId) ?? 0) > ticket) return;
    let entry = this.dialogs.get(d.callId);
    if (!entry) {
      if (this.dialogs.size >= this.o.maxDialogs) this.evictIdlest();
      entry = { ...d, pinholes: [], openedAt: new Date().toISOString(), lastActivity: Date.now() };
      this.dialogs.set(d.callId, entry);
    }
    if (d.toTag && !entry.toTag) entry.toTag = d.toTag;
    entry.lastActivity = Date.now();
    entry.pinholes = [...entry.pinholes.filter((p) => p.side !== side), ...streams.map((s) => ({ ...s, side }))];
    const list = streams.map((s) => `${s.media} ${s.address}:${s.port}${s.count > 1 ? `/${s.count}` : ''} ${s.proto}`).join(', ');
    this.event({ event: 'opened', callId: d.callId, message, detail: `${side} media: ${list || 'none'}` });
  }

  /** Any message of the dialog: it is still alive. */
  touch(callId: string): void {
    const entry = this.dialogs.get(callId);
    if (entry) entry.lastActivity = Date.now();
  }

  close(callId: string, why: string, message?: string): void {
    this.closedAt.delete(callId);
    this.closedAt.set(callId, ++this.seq);
    if (this.closedAt.size > this.o.maxDialogs) this.closedAt.delete(this.closedAt.keys().next().value!);
    if (!this.dialogs.delete(callId)) return;
    this.event({ event: 'closed', callId, ...(message ? { message } : {}), detail: why });
  }

  refused(callId: string, message: string, code: string, detail: string): void {
    this.event({ event: 'refused', callId, message, code, detail });
  }

  /** The open pinholes of one call, if any. */
  find(callId: string): DialogPinholes | undefined {
    return this.open().find((d) => d.callId === callId);
  }

  open(): DialogPinholes[] {
    return [...this.dialogs.values()].map(({ lastActivity: _, ...d }) => ({ ...d, pinholes: d.pinholes.map((p) => ({ ...p })) }));
  }

  events(): PinholeEvent[] {
    return this.recent.map((e) => ({ ...e }));
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const limit = Date.now() - this.o.idleMs;
    for (const [callId, e] of this.dialogs) if (e.lastActivity < limit) this.close(callId, `no message for ${Math.round(this.o.idleMs / 1000)} s`);
  }

  private evictIdlest(): void {
    let idlest: Entry | null = null;
    for (const e of this.dialogs.values()) if (!idlest || e.lastActivity < idlest.lastActivity) idlest = e;
    if (idlest) this.close(idlest.callId, `table full (${this.o.maxDialogs} dialogs): closed the one idle longest`);
  }

  private event(e: Omit<PinholeEvent, 'at'>): void {
    const full: PinholeEvent = { at: new Date().toISOString(), ...e };
    this.recent.push(full);
    if (this.recent.length > this.o.maxEvents) this.recent.splice(0, this.recent.length - this.o.maxEvents);
    const line = `pinholes ${JSON.stringify(full)}`;
    if (e.event === 'refused') this.o.log.warn(line);
    else this.o.log.info(line);
  }
}
