/**
 * The media addresses an SDP reveals (RFC 8866 §5.7 `c=`, §5.14 `m=`): one entry per media stream,
 * with the stream's own connection address or else the session's. These are what a firewall
 * needs to open for the dialog (seed 003 embodiment 2). Streams with port 0 are refused streams
 * (RFC 3264 §6) and need no pinhole.
 */
export interface MediaStream {
  /** `audio`, `video`, `application`… */
  media: string;
  /** The connection address, as written (an IPv4/IPv6 address or a host name). */
  address: string;
  /** The first port; `count` > 1 for `m=<media> <port>/<count>` (RFC 8866 §5.14). */
  port: number;
  count: number;
  /** Transport protocol, e.g. `UDP/TLS/RTP/SAVPF`. */
  proto: string;
}

export function mediaStreams(sdp: string): MediaStream[] {
  let sessionAddress: string | null = null;
  const streams: Array<Omit<MediaStream, 'address'> & { address: string | null }> = [];
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      const m = /^m=(\S+)\s+(\d+)(?:\/(\d+))?\s+(\S+)/.exec(line);
      if (!m) continue;
      streams.push({ media: m[1]!, port: Number(m[2]), count: m[3] ? Number(m[3]) : 1, proto: m[4]!, address: null });
    } else if (line.startsWith('c=')) {
      const c = /^c=IN\s+IP[46]\s+([^\s/]+)/.exec(line);
      if (!c) continue;
      const current = streams[streams.length - 1];
      if (current) current.address = c[1]!;
      else sessionAddress = c[1]!;
    }
  }
  const out: MediaStream[] = [];
  for (const s of streams) {
    const address = s.address ?? sessionAddress;
    if (address === null || s.port === 0 || s.port > 65535) continue;
    out.push({ ...s, address });
  }
  return out;
}
