import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
// Only what sign-in needs is imported statically; the UA itself loads when "Sign in" is pressed.
import { parseCallTarget, parseSipAddress, type SipAddress } from '../ua/address.js';
import type { DeclineCode } from '../ua/call.js';
import { checkWebSocketUrl, phoneConfig, type CallSecuritySettings, type PhoneConfig } from '../ua/config.js';
import type { Contact } from '../ua/contacts.js';
import type { CallOptions, PlainSdpQuestion } from '../ua/phone.js';
import type { CallOutcome, CallSnapshot, RegistrationState } from '../ua/states.js';
import { DEFAULT_ACCOUNT, loadAccount, saveAccount, type AccountSettings } from './account.js';
import { qualityFrom, type CallQuality } from './call-quality.js';
import { callResult, indexedDbHistory, type HistoryEntry, type HistoryStore } from './history.js';
import { summarizeSecurity } from './security-summary.js';
import { fetchServerInfo, NO_SERVER_INFO, type ServerInfo } from './server-info.js';

/** What the store needs from a call (the UA's Call satisfies it). */
export interface CallControl {
  readonly snapshot: CallSnapshot;
  on(event: 'change', listener: (snapshot: CallSnapshot) => void): () => void;
  answer(): void;
  decline(code?: DeclineCode): void;
  hangUp(): void;
  mute(): void;
  unmute(): void;
  hold(): boolean;
  unhold(): boolean;
  sendDtmf(tones: string): boolean;
  setInputDevice(deviceId: string): Promise<void>;
  peerConnection(): RTCPeerConnection | null;
}

/** What the store needs from a phone (the UA's Phone satisfies it). */
export interface PhoneControl {
  readonly address: SipAddress;
  readonly registration: RegistrationState;
  readonly incomingCount: number;
  start(): void;
  stop(): void;
  call(target: SipAddress, options?: CallOptions): CallControl;
  contacts(): Promise<Contact[]>;
  on(event: 'registration', listener: (state: RegistrationState) => void): () => void;
  on(event: 'incoming', listener: (call: CallControl) => void): () => void;
  /** Questions before a call would go out with unencrypted SDP (the callee has no certificate). */
  onPlainSdpQuestion?(listener: (question: PlainSdpQuestion) => void): () => void;
}

export interface SignInForm {
  address: string;
  password: string;
  /** Advanced: leave empty to use the page's own server. */
  webSocketUrl?: string;
  /** Advanced: leave empty for the server's `/keyhop.json`. */
  realm?: string;
  kdcProxy?: string;
  /** Advanced: the person's security choices for calls (defaults otherwise). */
  security?: CallSecuritySettings;
}

/** A message about the last call or a refused action. `alert` ones are errors. */
export interface Notice {
  readonly text: string;
  readonly alert: boolean;
}

/** Audio devices the browser offers. */
export interface AudioDevices {
  readonly inputs: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly outputs: ReadonlyArray<{ readonly id: string; readonly label: string }>;
}

export interface PhoneState {
  /** The address being signed in or signed in with. */
  account: string | null;
  registration: RegistrationState;
  /** A problem with what was typed into the sign-in form. */
  signInError: string | null;
  /** The call in progress. */
  call: CallSnapshot | null;
  notice: Notice | null;
  /** The remembered account and advanced settings (never the password). */
  saved: AccountSettings;
  /** The Keyhop proxies' domains, from the server's `/keyhop.json`. */
  knownProxies: string[];
  /** The Kerberos realm the server names in `/keyhop.json`, if any. */
  serverRealm: string | null;
  /** The proxies that may read the next call's SDP; starts as the default setting at sign-in. */
  readers: string[];
  /** The people the policy lets this user call; null until loaded. */
  contacts: Contact[] | null;
  contactsError: string | null;
  /** This account's finished calls, newest first. */
  history: HistoryEntry[];
  /** Tones sent during the current call. */
  sentTones: string;
  /** The current call's line quality and audio levels, while it is up. */
  quality: CallQuality | null;
  devices: AudioDevices;
  /** Chosen devices; empty means the browser's default. */
  inputDevice: string;
  outputDevice: string;

  /** Reads `/keyhop.json` (the proxies' domains). */
  loadServerInfo(): Promise<void>;
  signIn(form: SignInForm): void;
  signOut(): void;
  setReaders(readers: readonly string[]): void;
  /** The callee of the call being placed has no certificate: send its SDP unencrypted? */
  plainSdpQuestion: PlainSdpQuestion | null;
  answerPlainSdp(ok: boolean): void;
  dial(target: string): void;
  answer(): void;
  decline(): void;
  hangUp(): void;
  toggleMute(): void;
  toggleHold(): void;
  /** Sends a dial-pad tone in the current call. */
  sendTone(tone: string): void;
  dismissNotice(): void;
  loadContacts(): Promise<void>;
  clearHistory(): Promise<void>;
  refreshDevices(): Promise<void>;
  setInputDevice(id: string): Promise<void>;
  setOutputDevice(id: string): void;

  /** The call's RTCPeerConnection (for diagnostics and tests). */
  peerConnection(): RTCPeerConnection | null;
  /** Incoming invitations seen since signing in. */
  incomingCalls(): number;
}

export interface StoreDeps {
  /** A phone for the config; may load the UA first. */
  createPhone(config: PhoneConfig): PhoneControl | Promise<PhoneControl>;
  /** The page's origin, from which the server's WebSocket address is derived. */
  origin(): string;
  serverInfo?(): Promise<ServerInfo>;
  loadAccount?(): AccountSettings;
  saveAccount?(account: AccountSettings): void;
  history?(): HistoryStore;
  listDevices?(): Promise<MediaDeviceInfo[]>;
  /** How often call statistics are read, in milliseconds (0: never). */
  statsEveryMs?: number;
}

const browserDeps: StoreDeps = {
  createPhone: async (config) => {
    const { Phone } = await import('../ua/phone.js');
    return new Phone(config);
  },
  origin: () => window.location.origin,
  serverInfo: () => fetchServerInfo(window.location.origin),
  loadAccount: () => loadAccount(),
  saveAccount: (account) => saveAccount(account),
  history: () => indexedDbHistory(),
  listDevices: () => navigator.mediaDevices.enumerateDevices(),
  statsEveryMs: 500,
};

const NO_DEVICES: AudioDevices = { inputs: [], outputs: [] };

function noticeFrom(outcome: CallOutcome | null): Notice | null {
  return outcome ? { text: outcome.text, alert: outcome.alert } : null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createPhoneStore(deps: StoreDeps = browserDeps): StoreApi<PhoneState> {
  let phone: PhoneControl | null = null;
  let call: CallControl | null = null;
  let unsubscribe: Array<() => void> = [];
  let history: HistoryStore | null = null;
  let stats: ReturnType<typeof setInterval> | null = null;
  let attempt = 0;
  let pending = 0;
  /** The incoming call the person declined, so the history says "Declined" rather than "Missed". */
  let declined: string | null = null;

  return createStore<PhoneState>()((set, get) => {
    const stopStats = (): void => {
      if (stats !== null) clearInterval(stats);
      stats = null;
    };

    const startStats = (watched: CallControl): void => {
      stopStats();
      const every = deps.statsEveryMs ?? 0;
      if (every <= 0) return;
      stats = setInterval(() => {
        const pc = watched.peerConnection();
        if (call !== watched || !pc) return;
        pc.getStats().then(
          (report) => {
            if (call === watched) set({ quality: qualityFrom(report) });
          },
          () => undefined,
        );
      }, every);
    };

    const record = (snapshot: CallSnapshot, startedAt: number): void => {
      const account = get().account;
      if (!account || !history) return;
      const security = summarizeSecurity(snapshot, get().registration);
      const entry: HistoryEntry = {
        id: `${snapshot.id}-${startedAt}`,
        account,
        peer: snapshot.peer,
        peerName: snapshot.peerName,
        direction: snapshot.direction,
        startedAt,
        durationMs: snapshot.establishedAt !== null ? Date.now() - snapshot.establishedAt : null,
        outcome: snapshot.outcome?.text ?? (snapshot.phase === 'failed' ? 'The call did not connect' : 'Call ended'),
        failed: snapshot.outcome?.alert ?? false,
        result: callResult(snapshot, declined === snapshot.id),
        security: { level: security.level, label: security.label },
      };
      set((s) => ({ history: [entry, ...s.history.filter((e) => e.id !== entry.id)] }));
      history.add(entry).catch(() => undefined);
    };

    const follow = (next: CallControl): void => {
      call = next;
      const startedAt = Date.now();
      let monitoring = false;
      const off = next.on('change', (snapshot) => {
        if (call !== next) return;
        if (snapshot.phase === 'ended' || snapshot.phase === 'failed') {
          off();
          call = null;
          stopStats();
          record(snapshot, startedAt);
          set({ call: null, quality: null, sentTones: '', notice: noticeFrom(snapshot.outcome) });
          return;
        }
        if (snapshot.phase === 'established' && !monitoring) {
          monitoring = true;
          startStats(next);
          const device = get().inputDevice;
          if (device) next.setInputDevice(device).catch(() => undefined);
        }
        set({ call: snapshot });
      });
      set({ call: next.snapshot, notice: null, sentTones: '', quality: null });
    };

    const dropPhone = (): void => {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      call = null;
      stopStats();
      const old = phone;
      phone = null;
      old?.stop();
    };

    const attach = (next: PhoneControl): void => {
      if (phone !== null || pending !== attempt) {
        next.stop();
        return;
      }
      phone = next;
      let loadedContacts = false;
      unsubscribe = [
        next.on('registration', (registration) => {
          if (phone !== next) return;
          set({ registration });
          if (registration.kind === 'registered' && !loadedContacts) {
            loadedContacts = true;
            void get().loadContacts();
          }
        }),
        next.on('incoming', (incoming) => {
          if (phone !== next) return;
          if (call) {
            incoming.decline(486);
            return;
          }
          follow(incoming);
        }),
        ...(next.onPlainSdpQuestion ? [next.onPlainSdpQuestion((question) => void (phone === next && set({ plainSdpQuestion: question })))] : []),
      ];
      next.start();
    };

    const loadHistory = (account: string): void => {
      history ??= deps.history?.() ?? null;
      history?.list(account).then(
        (entries) => {
          if (get().account === account) set({ history: entries });
        },
        () => undefined,
      );
    };

    return {
      account: null,
      registration: { kind: 'signed-out' },
      signInError: null,
      call: null,
      notice: null,
      saved: deps.loadAccount?.() ?? DEFAULT_ACCOUNT,
      knownProxies: [],
      serverRealm: null,
      readers: [],
      plainSdpQuestion: null,
      contacts: null,
      contactsError: null,
      history: [],
      sentTones: '',
      quality: null,
      devices: NO_DEVICES,
      inputDevice: '',
      outputDevice: '',

      async loadServerInfo() {
        const info = (await deps.serverInfo?.()) ?? NO_SERVER_INFO;
        set({ knownProxies: [...info.domains], serverRealm: info.realm });
      },

      setReaders(readers) {
        set({ readers: [...readers] });
      },

      answerPlainSdp(ok) {
        get().plainSdpQuestion?.answer(ok);
        set({ plainSdpQuestion: null });
      },

      signIn(form) {
        const address = parseSipAddress(form.address);
        if (!address) {
          set({ signInError: 'Enter a SIP address such as alice@a.keyhop.test' });
          return;
        }
        if (form.password === '') {
          set({ signInError: 'Enter your password' });
          return;
        }
        const ws = form.webSocketUrl?.trim() ?? '';
        if (ws !== '' && !checkWebSocketUrl(ws)) {
          set({ signInError: 'The WebSocket URL must start with ws:// or wss://' });
          return;
        }
        const realm = form.realm?.trim() ?? '';
        const kdcProxy = form.kdcProxy?.trim() ?? '';
        let config: PhoneConfig;
        try {
          config = phoneConfig(
            { address, password: form.password, webSocketUrl: ws || undefined, realm: realm || undefined, kdcProxy: kdcProxy || undefined, security: form.security },
            deps.origin(),
          );
        } catch (error) {
          set({ signInError: message(error) });
          return;
        }
        dropPhone();
        const saved: AccountSettings = { address: address.aor, webSocketUrl: ws, realm, kdcProxy, security: config.security };
        deps.saveAccount?.(saved);
        set({
          account: address.aor,
          saved,
          readers: [...config.security.sdpReaders],
          signInError: null,
          notice: null,
          call: null,
          contacts: null,
          contactsError: null,
          history: [],
          registration: { kind: 'connecting' },
        });
        loadHistory(address.aor);
        attempt += 1;
        pending = attempt;
        const made = deps.createPhone(config);
        if (!(made instanceof Promise)) {
          attach(made);
          return;
        }
        const mine = attempt;
        made.then(attach, (error: unknown) => {
          if (pending !== mine) return;
          set({
            registration: { kind: 'failed', reason: `The phone could not be loaded (${message(error)}); check the connection and sign in again`, retrying: false },
          });
        });
      },

      signOut() {
        pending = 0;
        dropPhone();
        set({
          account: null,
          registration: { kind: 'signed-out' },
          call: null,
          notice: null,
          signInError: null,
          contacts: null,
          contactsError: null,
          history: [],
          quality: null,
          sentTones: '',
        });
      },

      dial(input) {
        if (!phone || get().registration.kind !== 'registered') {
          set({ notice: { text: 'Sign in before placing a call', alert: true } });
          return;
        }
        if (call) return;
        const target = parseCallTarget(input, phone.address.domain);
        if (!target) {
          set({ notice: { text: 'Enter whom to call, such as bob@b.keyhop.test', alert: true } });
          return;
        }
        if (target.aor === phone.address.aor) {
          set({ notice: { text: 'You cannot call yourself', alert: true } });
          return;
        }
        try {
          follow(phone.call(target, { readers: get().readers }));
        } catch (error) {
          set({ notice: { text: `The call could not be placed (${message(error)})`, alert: true } });
        }
      },

      answer() {
        call?.answer();
      },

      decline() {
        if (!call) return;
        declined = call.snapshot.id;
        call.decline(486);
      },

      hangUp() {
        call?.hangUp();
      },

      toggleMute() {
        if (!call) return;
        if (call.snapshot.muted) call.unmute();
        else call.mute();
      },

      toggleHold() {
        if (!call) return;
        if (call.snapshot.onHold) call.unhold();
        else call.hold();
      },

      sendTone(tone) {
        if (call?.sendDtmf(tone)) set((s) => ({ sentTones: (s.sentTones + tone).slice(-32) }));
      },

      dismissNotice() {
        set({ notice: null });
      },

      async loadContacts() {
        const mine = phone;
        if (!mine) return;
        try {
          const contacts = await mine.contacts();
          if (phone === mine) set({ contacts, contactsError: null });
        } catch (error) {
          if (phone === mine) set({ contactsError: message(error) });
        }
      },

      async clearHistory() {
        const account = get().account;
        if (!account) return;
        set({ history: [] });
        await history?.clear(account).catch(() => undefined);
      },

      async refreshDevices() {
        let list: MediaDeviceInfo[] = [];
        try {
          list = (await deps.listDevices?.()) ?? [];
        } catch {
          return;
        }
        const pick = (kind: MediaDeviceKind) =>
          list.filter((d) => d.kind === kind && d.deviceId !== '').map((d, i) => ({ id: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
        set({ devices: { inputs: pick('audioinput'), outputs: pick('audiooutput') } });
      },

      async setInputDevice(id) {
        set({ inputDevice: id });
        if (!call || call.snapshot.phase !== 'established') return;
        try {
          await call.setInputDevice(id);
        } catch (error) {
          set({ notice: { text: `The microphone could not be switched (${message(error)})`, alert: true } });
        }
      },

      setOutputDevice(id) {
        set({ outputDevice: id });
      },

      peerConnection() {
        return call?.peerConnection() ?? null;
      },

      incomingCalls() {
        return phone?.incomingCount ?? 0;
      },
    };
  });
}

/** The application's one phone store. */
export const phoneStore = createPhoneStore();

export function usePhone<T>(selector: (state: PhoneState) => T): T {
  return useStore(phoneStore, selector);
}
