import { describe, expect, it } from 'vitest';
import type { CallOptions, CallSnapshot, PhoneConfig, RegistrationState, SipAddress } from '../ua/index.js';
import type { AccountSettings } from './account.js';
import type { HistoryEntry, HistoryStore } from './history.js';
import { createPhoneStore, type CallControl, type PhoneControl } from './store.js';

class FakeCall implements CallControl {
  snapshot: CallSnapshot;
  readonly actions: string[] = [];
  #listeners = new Set<(s: CallSnapshot) => void>();

  constructor(direction: 'incoming' | 'outgoing', peer: string) {
    this.snapshot = {
      id: `${direction}-${peer}`,
      direction,
      peer,
      peerName: null,
      phase: direction === 'incoming' ? 'incoming' : 'calling',
      muted: false,
      onHold: false,
      remoteHold: false,
      renegotiating: false,
      establishedAt: null,
      outcome: null,
      remoteStream: null,
      routeSecurity: null,
      sdp: null,
    };
  }

  on(_event: 'change', listener: (s: CallSnapshot) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  set(patch: Partial<CallSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of [...this.#listeners]) l(this.snapshot);
  }

  answer() {
    this.actions.push('answer');
  }
  decline(code?: number) {
    this.actions.push(`decline ${code ?? ''}`.trim());
  }
  hangUp() {
    this.actions.push('hangUp');
  }
  mute() {
    this.actions.push('mute');
  }
  unmute() {
    this.actions.push('unmute');
  }
  hold() {
    this.actions.push('hold');
    return true;
  }
  unhold() {
    this.actions.push('unhold');
    return true;
  }
  sendDtmf(tones: string) {
    this.actions.push(`dtmf ${tones}`);
    return this.snapshot.phase === 'established';
  }
  async setInputDevice(id: string) {
    this.actions.push(`input ${id}`);
  }
  peerConnection() {
    return null;
  }
}

class FakePhone implements PhoneControl {
  registration: RegistrationState = { kind: 'signed-out' };
  incomingCount = 0;
  started = false;
  stopped = false;
  readonly placed: FakeCall[] = [];
  #reg = new Set<(s: RegistrationState) => void>();
  #inc = new Set<(c: CallControl) => void>();

  constructor(readonly config: PhoneConfig) {}

  get address(): SipAddress {
    return this.config.address;
  }
  start() {
    this.started = true;
  }
  stop() {
    this.stopped = true;
  }
  readonly options: Array<CallOptions | undefined> = [];
  call(target: SipAddress, options?: CallOptions) {
    const c = new FakeCall('outgoing', target.aor);
    this.placed.push(c);
    this.options.push(options);
    return c;
  }
  async contacts() {
    return [{ address: 'bob@b.keyhop.test' }];
  }
  on(event: 'registration', listener: (s: RegistrationState) => void): () => void;
  on(event: 'incoming', listener: (c: CallControl) => void): () => void;
  on(event: 'registration' | 'incoming', listener: ((s: RegistrationState) => void) | ((c: CallControl) => void)) {
    const set = (event === 'registration' ? this.#reg : this.#inc) as Set<typeof listener>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }
  setRegistration(s: RegistrationState) {
    this.registration = s;
    for (const l of [...this.#reg]) l(s);
  }
  ring(c: FakeCall) {
    this.incomingCount += 1;
    for (const l of [...this.#inc]) l(c);
  }
}

function memoryHistory(): HistoryStore & { entries: HistoryEntry[] } {
  const entries: HistoryEntry[] = [];
  return {
    entries,
    list: async (account) => entries.filter((e) => e.account === account),
    add: async (e) => {
      entries.unshift(e);
    },
    clear: async () => {
      entries.length = 0;
    },
  };
}

function setup() {
  const phones: FakePhone[] = [];
  const saved: AccountSettings[] = [];
  const history = memoryHistory();
  const store = createPhoneStore({
    createPhone: (config) => {
      const p = new FakePhone(config);
      phones.push(p);
      return p;
    },
    origin: () => 'http://localhost:4000',
    serverInfo: async () => ({ domains: ['a.keyhop.test', 'b.keyhop.test'], realm: 'KEYHOP.TEST' }),
    saveAccount: (a) => saved.push(a),
    history: () => history,
  });
  return { store, phones, saved, history };
}

function signedIn() {
  const t = setup();
  t.store.getState().signIn({ address: 'alice@a.keyhop.test', password: 'alice-pass' });
  const phone = t.phones[0]!;
  phone.setRegistration({ kind: 'registered' });
  return { ...t, phone };
}

describe('phone store', () => {
  it('refuses a malformed address without creating a phone', () => {
    const { store, phones } = setup();
    store.getState().signIn({ address: 'alice', password: 'x' });
    expect(phones).toHaveLength(0);
    expect(store.getState().signInError).toMatch(/SIP address/);
  });

  it('signs in with the origin-derived WebSocket URL and follows registration', () => {
    const { store, phones } = setup();
    store.getState().signIn({ address: 'alice@a.keyhop.test', password: 'alice-pass' });
    const phone = phones[0]!;
    expect(phone.started).toBe(true);
    expect(phone.config.webSocketUrl).toBe('ws://localhost:4000/sip/a.keyhop.test');
    expect(store.getState().registration.kind).toBe('connecting');
    phone.setRegistration({ kind: 'registered' });
    expect(store.getState()).toMatchObject({ account: 'alice@a.keyhop.test', registration: { kind: 'registered' } });
  });

  it('places a call, follows it, and turns a failure into an alert', () => {
    const { store, phone } = signedIn();
    store.getState().dial('bob@b.keyhop.test');
    const call = phone.placed[0]!;
    expect(store.getState().call?.phase).toBe('calling');
    call.set({ phase: 'failed', outcome: { text: 'bob@b.keyhop.test is not available', alert: true, statusCode: 480 } });
    expect(store.getState().call).toBeNull();
    expect(store.getState().notice).toEqual({ text: 'bob@b.keyhop.test is not available', alert: true });
  });

  it('routes mute and hold to the call as toggles', () => {
    const { store, phone } = signedIn();
    store.getState().dial('bob');
    const call = phone.placed[0]!;
    expect(call.snapshot.peer).toBe('bob@a.keyhop.test');
    call.set({ phase: 'established' });
    store.getState().toggleMute();
    call.set({ muted: true });
    store.getState().toggleMute();
    store.getState().toggleHold();
    call.set({ onHold: true });
    store.getState().toggleHold();
    store.getState().hangUp();
    expect(call.actions).toEqual(['mute', 'unmute', 'hold', 'unhold', 'hangUp']);
  });

  it('offers an incoming call and declines a second one as busy', () => {
    const { store, phone } = signedIn();
    const first = new FakeCall('incoming', 'carol@a.keyhop.test');
    const second = new FakeCall('incoming', 'bob@b.keyhop.test');
    phone.ring(first);
    phone.ring(second);
    expect(store.getState().call?.peer).toBe('carol@a.keyhop.test');
    expect(second.actions).toEqual(['decline 486']);
    store.getState().answer();
    expect(first.actions).toEqual(['answer']);
    expect(store.getState().incomingCalls()).toBe(2);
  });

  it('refuses to dial before registration and stops the phone on sign-out', () => {
    const { store, phones } = setup();
    store.getState().signIn({ address: 'alice@a.keyhop.test', password: 'alice-pass' });
    store.getState().dial('bob@b.keyhop.test');
    expect(store.getState().notice?.alert).toBe(true);
    store.getState().signOut();
    expect(phones[0]!.stopped).toBe(true);
    expect(store.getState().registration.kind).toBe('signed-out');
  });

  it('passes the security settings to the phone, remembers them without the password, and starts the readers from them', async () => {
    const { store, phones, saved } = setup();
    await store.getState().loadServerInfo();
    expect(store.getState().knownProxies).toEqual(['a.keyhop.test', 'b.keyhop.test']);
    store.getState().signIn({
      address: 'alice@a.keyhop.test',
      password: 'alice-pass',
      security: { minHopLevel: 2, sdpReaders: ['b.keyhop.test'], withoutCertificate: 'ask' },
    });
    expect(phones[0]!.config.security).toEqual({ minHopLevel: 2, sdpReaders: ['b.keyhop.test'], withoutCertificate: 'ask' });
    expect(saved[0]).toMatchObject({ address: 'alice@a.keyhop.test', security: { minHopLevel: 2 } });
    expect(JSON.stringify(saved)).not.toContain('alice-pass');
    expect(store.getState().readers).toEqual(['b.keyhop.test']);
    phones[0]!.setRegistration({ kind: 'registered' });
    store.getState().setReaders(['a.keyhop.test']);
    store.getState().dial('bob@b.keyhop.test');
    expect(phones[0]!.options[0]).toEqual({ readers: ['a.keyhop.test'] });
  });

  it('loads the contact list once registered', async () => {
    const { store, phone } = signedIn();
    await Promise.resolve();
    expect(phone.registration.kind).toBe('registered');
    await store.getState().loadContacts();
    expect(store.getState().contacts).toEqual([{ address: 'bob@b.keyhop.test' }]);
  });

  it('sends dial-pad tones only in an established call and records finished calls in the history', async () => {
    const { store, phone, history } = signedIn();
    store.getState().dial('bob@b.keyhop.test');
    const call = phone.placed[0]!;
    store.getState().sendTone('1');
    expect(store.getState().sentTones).toBe('');
    call.set({ phase: 'established', establishedAt: Date.now() - 5_000 });
    store.getState().sendTone('5');
    store.getState().sendTone('#');
    expect(store.getState().sentTones).toBe('5#');
    call.set({ phase: 'ended', outcome: { text: 'bob@b.keyhop.test hung up', alert: false, statusCode: null } });
    const [entry] = store.getState().history;
    expect(entry).toMatchObject({ account: 'alice@a.keyhop.test', peer: 'bob@b.keyhop.test', direction: 'outgoing', outcome: 'bob@b.keyhop.test hung up' });
    expect(entry!.durationMs).toBeGreaterThanOrEqual(5_000);
    expect(history.entries).toHaveLength(1);
    expect(store.getState().sentTones).toBe('');
  });
});
