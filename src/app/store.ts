import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  Phone,
  checkWebSocketUrl,
  parseCallTarget,
  parseSipAddress,
  phoneConfig,
  type CallOutcome,
  type CallSnapshot,
  type DeclineCode,
  type PhoneConfig,
  type RegistrationState,
  type SipAddress,
} from '../ua/index.js';

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
  peerConnection(): RTCPeerConnection | null;
}

/** What the store needs from a phone (the UA's Phone satisfies it). */
export interface PhoneControl {
  readonly address: SipAddress;
  readonly registration: RegistrationState;
  readonly incomingCount: number;
  start(): void;
  stop(): void;
  call(target: SipAddress): CallControl;
  on(event: 'registration', listener: (state: RegistrationState) => void): () => void;
  on(event: 'incoming', listener: (call: CallControl) => void): () => void;
}

export interface SignInForm {
  address: string;
  password: string;
  /** Advanced: leave empty to use the page's own server. */
  webSocketUrl?: string;
}

/** A message about the last call or a refused action. `alert` ones are errors. */
export interface Notice {
  readonly text: string;
  readonly alert: boolean;
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

  signIn(form: SignInForm): void;
  signOut(): void;
  dial(target: string): void;
  answer(): void;
  decline(): void;
  hangUp(): void;
  toggleMute(): void;
  toggleHold(): void;
  dismissNotice(): void;

  /** The call's RTCPeerConnection (for diagnostics and tests). */
  peerConnection(): RTCPeerConnection | null;
  /** Incoming invitations seen since signing in. */
  incomingCalls(): number;
}

export interface StoreDeps {
  createPhone(config: PhoneConfig): PhoneControl;
  /** The page's origin, from which the server's WebSocket address is derived. */
  origin(): string;
}

const browserDeps: StoreDeps = {
  createPhone: (config) => new Phone(config),
  origin: () => window.location.origin,
};

function noticeFrom(outcome: CallOutcome | null): Notice | null {
  return outcome ? { text: outcome.text, alert: outcome.alert } : null;
}

export function createPhoneStore(deps: StoreDeps = browserDeps): StoreApi<PhoneState> {
  let phone: PhoneControl | null = null;
  let call: CallControl | null = null;
  let unsubscribe: Array<() => void> = [];

  return createStore<PhoneState>()((set, get) => {
    const follow = (next: CallControl): void => {
      call = next;
      const off = next.on('change', (snapshot) => {
        if (call !== next) return;
        if (snapshot.phase === 'ended' || snapshot.phase === 'failed') {
          off();
          call = null;
          set({ call: null, notice: noticeFrom(snapshot.outcome) });
        } else {
          set({ call: snapshot });
        }
      });
      set({ call: next.snapshot, notice: null });
    };

    const dropPhone = (): void => {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      call = null;
      const old = phone;
      phone = null;
      old?.stop();
    };

    return {
      account: null,
      registration: { kind: 'signed-out' },
      signInError: null,
      call: null,
      notice: null,

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
        let config: PhoneConfig;
        try {
          config = phoneConfig({ address, password: form.password, webSocketUrl: ws || undefined }, deps.origin());
        } catch (error) {
          set({ signInError: error instanceof Error ? error.message : String(error) });
          return;
        }
        dropPhone();
        const next = deps.createPhone(config);
        phone = next;
        unsubscribe = [
          next.on('registration', (registration) => {
            if (phone === next) set({ registration });
          }),
          next.on('incoming', (incoming) => {
            if (phone !== next) return;
            if (call) {
              incoming.decline(486);
              return;
            }
            follow(incoming);
          }),
        ];
        set({ account: address.aor, signInError: null, notice: null, call: null, registration: { kind: 'connecting' } });
        next.start();
      },

      signOut() {
        dropPhone();
        set({ account: null, registration: { kind: 'signed-out' }, call: null, notice: null, signInError: null });
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
          follow(phone.call(target));
        } catch (error) {
          set({ notice: { text: `The call could not be placed (${error instanceof Error ? error.message : String(error)})`, alert: true } });
        }
      },

      answer() {
        call?.answer();
      },

      decline() {
        call?.decline(486);
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

      dismissNotice() {
        set({ notice: null });
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
