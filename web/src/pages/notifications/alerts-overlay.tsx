import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useConsoleOffers } from '@web/api/console-store';
import { errorText } from '@web/api/errors';
import { notificationsStore, useNotifications, type Toast } from '@web/api/notifications';
import type { AppNotification } from '@web/api/types';
import { formatDateTime } from '@web/components/time';
import '@web/pages/notifications/notifications.css';

const TOAST_MS = 8000;

/**
 * What must reach the person wherever they are in the app: toasts of new notifications, an
 * offer ringing while they are not on their console (never muted), and a modal dialog for a
 * broadcast that requires acknowledgement, which nothing but acknowledging closes.
 */
export function AlertsOverlay() {
  const { pendingAcks, toasts } = useNotifications();
  return (
    <>
      <div className="toasts" aria-live="polite">
        <OfferToast />
        {toasts.map((toast) => (
          <ToastCard key={toast.key} toast={toast} />
        ))}
      </div>
      {pendingAcks.length > 0 ? <AckDialog notification={pendingAcks[0]} /> : null}
    </>
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const { t } = useTranslation();
  const n = toast.notification;
  useEffect(() => {
    if (n.critical) return;
    const timer = setTimeout(() => notificationsStore.dismissToast(toast.key), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.key, n.critical]);
  return (
    <section
      className={`toast${n.critical ? ' toast-critical' : ''}`}
      role="status"
      aria-label={t('notifications.toastLabel')}
    >
      <div className="toast-head">
        <span className="tag">{t(`notifications.kind.${n.kind}`)}</span>
        {toast.reminder ? <span className="tag">{t('notifications.reminder')}</span> : null}
        <button
          type="button"
          className="btn btn-quiet btn-small toast-close"
          aria-label={t('common.dismiss')}
          onClick={() => notificationsStore.dismissToast(toast.key)}
        >
          ×
        </button>
      </div>
      <p className="toast-title">{n.title}</p>
      {n.body ? <p className="toast-body">{n.body}</p> : null}
      <Link to={linkOf(n)} className="toast-link">
        {t('notifications.open')}
      </Link>
    </section>
  );
}

/** Offers cannot be muted: away from the console, a ringing offer still shows here. */
function OfferToast() {
  const { t } = useTranslation();
  const offers = useConsoleOffers();
  const location = useLocation();
  const offer = offers[0];
  if (!offer || location.pathname.startsWith('/console')) return null;
  return (
    <section className="toast toast-offer" role="alert" aria-label={t('notifications.offerToast')}>
      <p className="toast-title">
        {offer.kind === 'call' ? t('offer.incomingCall') : t('offer.incomingRequest')}
      </p>
      <p className="toast-body mono">
        {offer.kind === 'call'
          ? (offer.item.from ?? t('offer.hiddenNumber'))
          : `#${offer.item.number} ${offer.item.subject}`}
      </p>
      <Link to="/console" className="btn btn-accept btn-small">
        {t('notifications.answer')}
      </Link>
    </section>
  );
}

function AckDialog({ notification }: { notification: AppNotification }) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, [notification.id]);

  async function acknowledge() {
    setBusy(true);
    setError(null);
    try {
      await notificationsStore.acknowledge(notification);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      className={`ack-dialog${notification.critical ? ' ack-critical' : ''}`}
      aria-labelledby="ack-title"
      aria-describedby="ack-body"
      // Escape must not close it: only acknowledging does.
      onCancel={(e) => e.preventDefault()}
    >
      <h2 id="ack-title">
        {notification.critical ? t('notifications.criticalBroadcast') : t('notifications.ackTitle')}
      </h2>
      <p className="muted">
        {notification.title} · {formatDateTime(notification.createdAt, i18n.language)}
      </p>
      <p id="ack-body" className="ack-text">
        {notification.body}
      </p>
      <p className="muted">{t('notifications.ackExplain')}</p>
      {error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, error)}
        </p>
      ) : null}
      <button
        type="button"
        className="btn btn-primary"
        disabled={busy}
        onClick={() => void acknowledge()}
      >
        {t('notifications.acknowledge')}
      </button>
    </dialog>
  );
}

/** Where a notification leads: the request, the chat, the planned contact, or the inbox. */
export function linkOf(n: AppNotification): string {
  const plannedContactId = n.data.plannedContactId;
  if (typeof plannedContactId === 'string') return `/planner/${plannedContactId}`;
  const requestId = n.data.requestId;
  if (typeof requestId === 'string') return `/requests/${requestId}`;
  const roomId = n.data.roomId;
  if (typeof roomId === 'string') return `/chat/${roomId}`;
  return '/notifications';
}
