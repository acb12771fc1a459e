/**
 * The KDC's request processing: one encoded Kerberos request in, one encoded reply out, with no
 * I/O. `tcp.ts` is the network shell around it.
 */
import { ErrorCode, errorCodeName, MessageType, messageType } from '../../krb/asn1/index.js';
import { KrbError } from '../../krb/errors.js';
import { processAsReq } from './as.js';
import type { PrincipalDatabase } from './database.js';
import { encodeFailure, KdcFailure } from './failure.js';
import { wholeSeconds, type KdcContext, type KdcOutcome } from './issue.js';
import { ReplayCache } from './replay.js';
import { processTgsReq } from './tgs.js';

export interface KdcOptions {
  /** Longest ticket lifetime granted, seconds. */
  ticketLifetimeSec: number;
  /** Largest clock difference accepted, seconds (RFC 4120 §1.6: usually 5 minutes). */
  maxSkewSec?: number;
  /** The clock; tests move it. */
  now?: () => Date;
}

export class KdcCore {
  private readonly replay: ReplayCache;
  private readonly now: () => Date;
  private readonly skewMs: number;

  constructor(
    readonly db: PrincipalDatabase,
    private readonly options: KdcOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.skewMs = (options.maxSkewSec ?? 300) * 1000;
    this.replay = new ReplayCache(2 * this.skewMs);
  }

  get realm(): string {
    return this.db.realm;
  }

  /** Processes one AS-REQ or TGS-REQ (without the TCP length prefix). Never throws. */
  handle(request: Uint8Array): KdcOutcome {
    const clock = this.now();
    const ctx: KdcContext = {
      db: this.db,
      realm: this.db.realm,
      now: wholeSeconds(clock),
      clock,
      lifetimeMs: this.options.ticketLifetimeSec * 1000,
      skewMs: this.skewMs,
      replay: this.replay,
    };
    let kind = 'request';
    try {
      let type: number;
      try {
        type = messageType(request);
      } catch (e) {
        throw new KdcFailure(ErrorCode.KRB_ERR_GENERIC, `Not a Kerberos message: ${(e as Error).message}`);
      }
      if (type === MessageType.AS_REQ) {
        kind = 'AS-REQ';
        return processAsReq(ctx, request);
      }
      if (type === MessageType.TGS_REQ) {
        kind = 'TGS-REQ';
        return processTgsReq(ctx, request);
      }
      throw new KdcFailure(ErrorCode.KRB_AP_ERR_MSG_TYPE, `Message type ${type} is not a KDC request (expected AS-REQ 10 or TGS-REQ 12)`);
    } catch (e) {
      const f =
        e instanceof KdcFailure ? e
        : e instanceof KrbError && e.code === 'malformed' ? new KdcFailure(ErrorCode.KRB_ERR_GENERIC, `Malformed ${kind}: ${e.message}`)
        : e instanceof KrbError && e.code === 'unsupported-enctype' ? new KdcFailure(ErrorCode.KDC_ERR_ETYPE_NOSUPP, e.message)
        : new KdcFailure(ErrorCode.KRB_ERR_GENERIC, `Internal KDC error while processing the ${kind}`);
      const detail = e instanceof KdcFailure || e instanceof KrbError ? '' : ` (${(e as Error)?.stack ?? String(e)})`;
      return { reply: this.error(f, clock), summary: `${kind}: ${errorCodeName(f.errorCode)} (${f.errorCode}): ${f.eText}${detail}`, errorCode: f.errorCode };
    }
  }

  /** A KRB-ERROR not tied to a request, e.g. for an oversized TCP frame. */
  error(f: KdcFailure, clock = this.now()): Uint8Array {
    return encodeFailure(f, this.db.realm, this.db.krbtgtName, clock);
  }
}
