import type { Socket } from 'jssip/lib/Socket';
import { describe, expect, it } from 'vitest';
import { StageSocket, type SocketStage } from './stage-socket.js';

/** An inner socket that records what reaches the wire and lets the test deliver frames. */
class WireSocket implements Socket {
  via_transport = 'WS';
  readonly url = 'ws://a.keyhop.test/sip';
  readonly sip_uri = 'sip:a.keyhop.test;transport=ws';
  readonly sent: string[] = [];
  connected = true;
  connect(): void {}
  disconnect(): void {}
  send(message: string | ArrayBufferLike | Blob | ArrayBufferView): boolean {
    this.sent.push(String(message));
    return true;
  }
  isConnected(): boolean {
    return this.connected;
  }
  isConnecting(): boolean {
    return false;
  }
  onconnect(): void {}
  ondisconnect(_e: boolean, _c?: number, _r?: string): void {}
  ondata<T>(_d: T): void {}
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function setup(stages: SocketStage[]) {
  const wire = new WireSocket();
  const socket = new StageSocket(wire, stages);
  const received: string[] = [];
  socket.ondata = <T>(d: T) => void received.push(String(d));
  return { wire, socket, received };
}

describe('StageSocket', () => {
  it('runs outgoing frames through stages in order and incoming ones in reverse order', () => {
    const trace: string[] = [];
    const stage = (name: string): SocketStage => ({
      name,
      outgoing: (raw) => (trace.push(`out:${name}`), `${raw}+${name}`),
      incoming: (raw) => (trace.push(`in:${name}`), `${raw}+${name}`),
    });
    const { wire, socket, received } = setup([stage('envelope'), stage('kerberos')]);
    expect(socket.send('INVITE')).toBe(true);
    wire.ondata('200');
    expect(wire.sent).toEqual(['INVITE+envelope+kerberos']);
    expect(received).toEqual(['200+kerberos+envelope']);
    expect(trace).toEqual(['out:envelope', 'out:kerberos', 'in:kerberos', 'in:envelope']);
  });

  it('keeps the order of frames when a stage is slow for one of them', async () => {
    const slow: SocketStage = {
      name: 'slow',
      outgoing: (raw) => (raw.startsWith('A') ? tick(20).then(() => raw) : raw),
      incoming: (raw) => (raw.startsWith('A') ? tick(20).then(() => raw) : raw),
    };
    const { wire, socket, received } = setup([slow]);
    socket.send('A first');
    socket.send('B second');
    socket.send('\r\n\r\n');
    wire.ondata('A one');
    wire.ondata('B two');
    expect(wire.sent).toEqual([]);
    await tick(40);
    expect(wire.sent).toEqual(['A first', 'B second', '\r\n\r\n']);
    expect(received).toEqual(['A one', 'B two']);
  });

  it('drops a frame a stage refuses or fails on, and delivers the next one', async () => {
    const picky: SocketStage = {
      name: 'picky',
      incoming: (raw) => {
        if (raw === 'bad') return null;
        if (raw === 'boom') throw new Error('unreadable');
        if (raw === 'late-boom') return Promise.reject(new Error('cannot open'));
        return raw;
      },
    };
    const { wire, received } = setup([picky]);
    for (const f of ['bad', 'boom', 'late-boom', 'good']) wire.ondata(f);
    await tick();
    expect(received).toEqual(['good']);
  });

  it('lets a stage answer a message itself through the outgoing stages', () => {
    const signer: SocketStage = { name: 'sign', outgoing: (raw) => `${raw};signed` };
    const refuser: SocketStage = {
      name: 'refuse',
      incoming: (raw, ctx) => {
        ctx.reply(`493 for ${raw}`);
        return null;
      },
    };
    const { wire, received } = setup([refuser, signer]);
    wire.ondata('INVITE');
    expect(received).toEqual([]);
    expect(wire.sent).toEqual(['493 for INVITE;signed']);
  });

  it('reports a dead transport synchronously and resets the stages on disconnect', () => {
    let resets = 0;
    const { wire, socket } = setup([{ name: 'x', reset: () => void resets++ }]);
    wire.connected = false;
    expect(socket.send('OPTIONS')).toBe(false);
    wire.ondisconnect(true, 1006, 'gone');
    expect(resets).toBe(1);
  });
});
