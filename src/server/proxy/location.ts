/**
 * Location service (RFC 3261 §10.3): AOR → contacts. Each binding lives on the flow it was
 * registered over (seeds 001/002 R5): it expires on time, or dies with the connection.
 */
import type { Flow } from '../transport/flow.js';
import { aor as aorOf, parseUri, type SipUri } from '../../sip/uri.js';

export interface Binding {
  aor: string;
  contact: string;
  contactUri: SipUri;
  flow: Flow;
  expiresAt: number;
  callId: string;
  cseq: number;
}

export class LocationService {
  private readonly byAor = new Map<string, Binding[]>();
  private readonly timers = new Map<Binding, ReturnType<typeof setTimeout>>();
  private readonly watchedFlows = new WeakSet<Flow>();

  /** Adds or refreshes the binding of `contact` for `aor` on `flow`. */
  upsert(aor: string, contact: string, flow: Flow, expiresSec: number, callId: string, cseq: number): Binding {
    this.remove(aor, contact);
    const b: Binding = { aor, contact, contactUri: parseUri(contact), flow, expiresAt: Date.now() + expiresSec * 1000, callId, cseq };
    const list = this.byAor.get(aor) ?? [];
    list.push(b);
    this.byAor.set(aor, list);
    this.timers.set(b, setTimeout(() => this.drop(b), expiresSec * 1000));
    if (!this.watchedFlows.has(flow)) {
      this.watchedFlows.add(flow);
      flow.onClose(() => this.removeFlow(flow));
    }
    return b;
  }

  find(aor: string, contact: string): Binding | undefined {
    const key = contactKey(contact);
    return this.byAor.get(aor)?.find((b) => contactKey(b.contact) === key);
  }

  remove(aor: string, contact: string): void {
    const b = this.find(aor, contact);
    if (b) this.drop(b);
  }

  removeAll(aor: string): void {
    for (const b of [...(this.byAor.get(aor) ?? [])]) this.drop(b);
  }

  lookup(aor: string): Binding[] {
    return (this.byAor.get(aor) ?? []).filter((b) => !b.flow.closed && b.expiresAt > Date.now());
  }

  /** The binding whose contact is this URI: how in-dialog requests find the UA's connection. */
  byContact(uri: SipUri): Binding | undefined {
    const key = `${aorOf(uri)}:${uri.port ?? ''}`;
    for (const list of this.byAor.values()) {
      for (const b of list) if (!b.flow.closed && `${aorOf(b.contactUri)}:${b.contactUri.port ?? ''}` === key) return b;
    }
    return undefined;
  }

  removeFlow(flow: Flow): void {
    for (const list of [...this.byAor.values()]) for (const b of [...list]) if (b.flow === flow) this.drop(b);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.byAor.clear();
  }

  private drop(b: Binding): void {
    clearTimeout(this.timers.get(b));
    this.timers.delete(b);
    const list = this.byAor.get(b.aor);
    if (!list) return;
    const rest = list.filter((x) => x !== b);
    if (rest.length) this.byAor.set(b.aor, rest);
    else this.byAor.delete(b.aor);
  }
}

/** Contacts compare by user, host and port (RFC 3261 §10.3 step 6 uses URI equality; parameters aside). */
function contactKey(contact: string): string {
  const u = parseUri(contact);
  return `${aorOf(u)}:${u.port ?? ''}`;
}
