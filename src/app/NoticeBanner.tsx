import { usePhone } from './store.js';

export function NoticeBanner() {
  const notice = usePhone((s) => s.notice);
  const dismiss = usePhone((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className={notice.alert ? 'notice notice-alert' : 'notice'}>
      {notice.alert ? <p role="alert">{notice.text}</p> : <p>{notice.text}</p>}
      <button type="button" className="link" onClick={dismiss} aria-label="Dismiss message">
        ×
      </button>
    </div>
  );
}
