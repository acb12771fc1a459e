import { CallCard } from './CallCard.js';
import { Contacts } from './Contacts.js';
import { Dialer } from './Dialer.js';
import { History } from './History.js';
import { NoticeBanner } from './NoticeBanner.js';
import { PlainSdpPrompt } from './PlainSdpPrompt.js';
import { RegistrationDetails } from './RegistrationDetails.js';
import { Ringer } from './Ringer.js';
import { usePhone } from './store.js';

/** The signed-in screen: the call (or the dialer) in one fixed slot, contacts and history beside it. */
export function Workspace() {
  const hasCall = usePhone((s) => s.call !== null);
  return (
    <div className="workspace">
      <div className="primary-column">
        <NoticeBanner />
        <Ringer />
        <PlainSdpPrompt />
        {hasCall ? <CallCard /> : <Dialer />}
      </div>
      <div className="side-column">
        <Contacts />
        <History />
        <RegistrationDetails />
      </div>
    </div>
  );
}
