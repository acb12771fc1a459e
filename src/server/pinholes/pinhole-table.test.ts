import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { mediaStreams } from './media-streams.js';
import { PinholeTable } from './pinhole-table.js';

const tables: PinholeTable[] = [];
function table(maxDialogs = 10, maxEvents = 50): PinholeTable {
  const t = new PinholeTable({ maxDialogs, idleMs: 3_600_000, maxEvents, log: createLogger('silent') });
  tables.push(t);
  return t;
}
afterEach(() => tables.splice(0).forEach((t) => t.stop()));

const dialog = (callId: string) => ({ callId, fromTag: 'f', toTag: null, caller: 'alice@a.keyhop.test', callee: 'bob@b.keyhop.test' });
const audio = [{ media: 'audio', address: '192.0.2.1', port: 4000, count: 1, proto: 'RTP/AVP' }];

describe('media streams of an SDP', () => {
  it('takes each stream with its own c= or the session one, and skips refused streams', () => {
    const sdp = 'v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\nm=video 5000/2 RTP/AVP 31\r\nc=IN IP6 2001:db8::1\r\n';
    expect(mediaStreams(sdp)).toEqual([
      { media: 'audio', address: '192.0.2.1', port: 4000, count: 1, proto: 'RTP/AVP' },
      { media: 'video', address: '2001:db8::1', port: 5000, count: 2, proto: 'RTP/AVP' },
    ]);
    expect(mediaStreams('v=0\r\nm=audio 4000 RTP/AVP 0\r\n')).toEqual([]);
  });
});

describe('pinhole table', () => {
  it('replaces a side on new SDP and keeps the other side', () => {
    const t = table();
    t.record(t.ticket(), dialog('c1'), 'caller', audio, 'INVITE');
    t.record(t.ticket(), dialog('c1'), 'callee', [{ ...audio[0]!, address: '198.51.100.1' }], '200 INVITE');
    t.record(t.ticket(), dialog('c1'), 'caller', [{ ...audio[0]!, port: 4002 }], 'INVITE');
    expect(t.find('c1')!.pinholes.map((p) => `${p.side} ${p.address}:${p.port}`)).toEqual(['callee 198.51.100.1:4000', 'caller 192.0.2.1:4002']);
  });

  it('records nothing from a read that finishes after the call closed', () => {
    const t = table();
    const ticket = t.ticket();
    t.close('c1', 'BYE');
    t.record(ticket, dialog('c1'), 'caller', audio, 'INVITE');
    expect(t.open()).toEqual([]);
  });

  it('stays bounded: a full table closes the dialog idle longest, and old events are dropped', () => {
    const t = table(2, 3);
    for (const id of ['c1', 'c2', 'c3']) t.record(t.ticket(), dialog(id), 'caller', audio, 'INVITE');
    expect(t.open().map((d) => d.callId).sort()).toEqual(['c2', 'c3']);
    const events = t.events();
    expect(events).toHaveLength(3);
    expect(events.find((e) => e.event === 'closed')).toMatchObject({ callId: 'c1', detail: expect.stringMatching(/table full/) });
  });
});
