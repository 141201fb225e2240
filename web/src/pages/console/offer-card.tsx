import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { consoleStore } from '@web/api/console-store';
import { errorText } from '@web/api/errors';
import { realtime } from '@web/api/realtime';
import { asDossier, type Offer } from '@web/api/types';
import { ring } from '@web/components/alert-sound';
import { DossierView } from '@web/components/dossier-view';
import { formatDuration, secondsSince, secondsUntil, useNow } from '@web/components/time';
import { useQueues } from '@web/components/use-queues';

/** Alt+A accepts, Alt+X declines, wherever the focus is. */
const ACCEPT_KEY = 'a';
const DECLINE_KEY = 'x';

/** The incoming offer: who is calling, how long they waited, the time left to answer. */
export function OfferCard({ offer }: { offer: Offer }) {
  const { t } = useTranslation();
  const now = useNow(250);
  const queryClient = useQueryClient();
  const { nameOf } = useQueues(offer.item.queue);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = secondsUntil(offer.expiresAt, now);
  const [total] = useState(() => Math.max(1, secondsUntil(offer.expiresAt, Date.now())));

  const answer = useCallback(
    async (how: 'offer.accept' | 'offer.decline') => {
      setBusy(true);
      setError(null);
      try {
        await realtime.send(how, { offerId: offer.offerId });
        consoleStore.dropOffer(offer.offerId);
        void queryClient.invalidateQueries({ queryKey: ['my-status'] });
      } catch (err) {
        setError(errorText(t, err));
      } finally {
        setBusy(false);
      }
    },
    [offer.offerId, queryClient, t],
  );

  useEffect(() => {
    // After the card is painted: starting the audio can take a frame's worth of time or more.
    // A hidden page paints nothing (and runs no animation frames): ring at once.
    if (document.visibilityState === 'hidden') ring();
    else requestAnimationFrame(() => setTimeout(ring, 0));
    const title = document.title;
    document.title = `☎ ${t('offer.titleBar')} — Switchboard`;
    return () => {
      document.title = title;
    };
  }, [offer.offerId, t]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || busy) return;
      const key = e.key.toLowerCase();
      if (key === ACCEPT_KEY || e.code === 'KeyA') {
        e.preventDefault();
        void answer('offer.accept');
      } else if (key === DECLINE_KEY || e.code === 'KeyX') {
        e.preventDefault();
        void answer('offer.decline');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [answer, busy]);

  const dossier = asDossier(offer.dossier);
  const isCall = offer.kind === 'call';
  const heading = isCall ? t('offer.incomingCall') : t('offer.incomingRequest');
  return (
    <section className="card offer" aria-labelledby="offer-title" aria-live="assertive">
      <header className="offer-head">
        <h2 id="offer-title">
          <span className="pulse" aria-hidden="true" />
          {heading}
        </h2>
        <span className="countdown" aria-label={t('offer.timeLeft', { seconds: left })}>
          {t('offer.secondsLeft', { seconds: left })}
        </span>
      </header>
      <progress className="offer-bar" max={total} value={left} aria-hidden="true" />
      <div className="offer-body">
        <div>
          {offer.kind === 'request' ? (
            <p className="offer-subject">
              <span className="mono">#{offer.item.number}</span> {offer.item.subject}
              <span className="tag">{t(`channel.${offer.item.channel}`, offer.item.channel)}</span>
            </p>
          ) : null}
          <p className="caller mono">{offer.item.from ?? t('offer.hiddenNumber')}</p>
          <dl className="facts">
            <dt>{t('offer.queue')}</dt>
            <dd>{nameOf(offer.item.queue) ?? t('dossier.none')}</dd>
            <dt>{t('offer.waited')}</dt>
            <dd className="mono">{formatDuration(secondsSince(offer.item.waitingSince, now))}</dd>
          </dl>
        </div>
        <DossierView dossier={dossier} compact />
      </div>
      {error !== null ? (
        <p role="alert" className="notice notice-error">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="btn btn-accept"
          disabled={busy}
          aria-keyshortcuts="Alt+A"
          onClick={() => void answer('offer.accept')}
        >
          {t('offer.accept')} <kbd aria-hidden="true">Alt+A</kbd>
        </button>
        <button
          type="button"
          className="btn btn-decline"
          disabled={busy}
          aria-keyshortcuts="Alt+X"
          onClick={() => void answer('offer.decline')}
        >
          {t('offer.decline')} <kbd aria-hidden="true">Alt+X</kbd>
        </button>
      </div>
    </section>
  );
}
