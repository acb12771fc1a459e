import { lazy, Suspense } from 'react';
import { SignIn } from './SignIn.js';
import { StatusLine } from './StatusLine.js';
import { ThemePicker } from './ThemePicker.js';
import { usePhone } from './store.js';

// The signed-in screens (and the UA they drive) load only once "Sign in" is pressed.
const Workspace = lazy(() => import('./Workspace.js').then((m) => ({ default: m.Workspace })));

export function App() {
  const registration = usePhone((s) => s.registration);
  const showSignIn = registration.kind === 'signed-out' || (registration.kind === 'failed' && !registration.retrying);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <h1>Keyhop</h1>
          <ThemePicker />
        </div>
        <StatusLine />
      </header>
      <main className="app-main">
        {showSignIn ? (
          <SignIn />
        ) : (
          <Suspense fallback={<p className="card loading">Loading the phone…</p>}>
            <Workspace />
          </Suspense>
        )}
      </main>
    </div>
  );
}
