import { CallCard } from './CallCard.js';
import { Dialer } from './Dialer.js';
import { NoticeBanner } from './NoticeBanner.js';
import { SignIn } from './SignIn.js';
import { StatusLine } from './StatusLine.js';
import { usePhone } from './store.js';

export function App() {
  const registration = usePhone((s) => s.registration);
  const hasCall = usePhone((s) => s.call !== null);
  const showSignIn = registration.kind === 'signed-out' || (registration.kind === 'failed' && !registration.retrying);

  return (
    <main className="app">
      <header className="app-header">
        <h1>Keyhop</h1>
        <StatusLine />
      </header>
      {showSignIn ? (
        <SignIn />
      ) : (
        <>
          <NoticeBanner />
          {hasCall ? <CallCard /> : <Dialer />}
        </>
      )}
    </main>
  );
}
