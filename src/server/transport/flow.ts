/**
 * A flow: one connection a SIP message arrived on or leaves by (RFC 5626 §3 sense). Bindings,
 * identities and responses all hang off the flow, so a binding dies with its connection.
 */
import type { SipMessage } from '../../sip/message.js';

export type TransportName = 'ws' | 'wss' | 'tcp' | 'tls';

/** Who is at the other end, as far as the transport itself can tell. */
export type PeerKind =
  /** A user agent: must authenticate; every request's From must match its identity. */
  | { kind: 'user' }
  /** Another proxy of the deployment, authenticated by its CA-issued certificate over mutual TLS. */
  | { kind: 'proxy'; domain: string }
  /** A configured trusted peer (trunk, test tool): no authentication, no identity check. */
  | { kind: 'trusted' };

export interface Flow {
  readonly id: string;
  readonly transport: TransportName;
  readonly remote: { address: string; port: number };
  readonly local: { address: string; port: number };
  readonly peer: PeerKind;
  /** The identity (AOR `user@host`) authenticated on this flow, once there is one. */
  identity: string | null;
  readonly closed: boolean;
  send(msg: SipMessage): void;
  close(): void;
  /** Calls `listener` once when the flow closes; returns a function that unsubscribes. */
  onClose(listener: () => void): () => void;
}

let counter = 0;
export function nextFlowId(transport: TransportName): string {
  return `${transport}-${(++counter).toString(36)}`;
}

/** Common bookkeeping for flows: close listeners, once-only close. */
export abstract class BaseFlow implements Flow {
  readonly id: string;
  identity: string | null = null;
  closed = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly transport: TransportName,
    readonly remote: { address: string; port: number },
    readonly local: { address: string; port: number },
    readonly peer: PeerKind,
  ) {
    this.id = nextFlowId(transport);
  }

  abstract send(msg: SipMessage): void;
  protected abstract destroy(): void;

  close(): void {
    this.destroy();
    this.markClosed();
  }

  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l();
  }
}
