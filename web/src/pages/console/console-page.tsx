import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { consoleStore, useConsole } from '@web/api/console-store';
import { api } from '@web/api/endpoints';
import { errorText } from '@web/api/errors';
import { prepareRing } from '@web/components/alert-sound';
import { CurrentCall, useCall } from '@web/pages/console/current-call';
import { OfferCard } from '@web/pages/console/offer-card';
import { WorkStatus } from '@web/pages/console/work-status';
import { hasAnyRole, useSession } from '@web/pages/shell/use-session';

/** How long a "withdrawn" notice stays before it clears itself. */
const REVOKED_NOTICE_MS = 8000;

/** The person taking calls: status, the offer ringing now, the call in progress. */
export function ConsolePage() {
  const { t } = useTranslation();
  const current = useSession();
  const live = useConsole();
  const status = useQuery({ queryKey: ['my-status'], queryFn: api.myStatus });
  const queues = useQuery({ queryKey: ['queues'], queryFn: api.queues, staleTime: 300_000 });
  // The queue of the last call, kept after it ends, for the wrap-up countdown.
  const [lastQueue, setLastQueue] = useState<string | null>(null);

  useEffect(() => {
    // While nothing rings: the audio takes long to start, and the first offer must not wait.
    const timer = setTimeout(prepareRing, 500);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (status.data) consoleStore.setMe(status.data);
  }, [status.data]);

  useEffect(() => {
    if (live.revoked === null) return;
    const timer = setTimeout(() => consoleStore.dismissRevoked(), REVOKED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [live.revoked]);

  const me = live.me ?? status.data ?? null;
  const callId = me && (me.state === 'busy' || me.state === 'wrap_up') ? me.currentCallId : null;
  const call = useCall(callId);
  const callQueue = call.data?.queueCode ?? null;
  if (callQueue !== null && callQueue !== lastQueue) setLastQueue(callQueue);
  const wrapUpSeconds = queues.data?.items.find((q) => q.code === lastQueue)?.wrapUpSeconds ?? null;
  const offer = live.offers[0];

  return (
    <div className="console-grid">
      <div className="stack">
        <WorkStatus me={me} wrapUpSeconds={wrapUpSeconds} />
        {status.error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, status.error)}
          </p>
        ) : null}
        {live.revoked !== null ? (
          <p role="status" className="notice notice-warn">
            {t(`revoked.${live.revoked.reason}`, { defaultValue: t('revoked.other') })}{' '}
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => consoleStore.dismissRevoked()}
            >
              {t('common.dismiss')}
            </button>
          </p>
        ) : null}
      </div>
      <div className="stack">
        {offer ? <OfferCard key={offer.offerId} offer={offer} /> : null}
        {call.data && me?.state === 'busy' ? (
          <CurrentCall
            call={call.data}
            queues={queues.data?.items ?? []}
            canPickPerson={hasAnyRole(current, ['receptionist', 'supervisor'])}
            staff={live.staff}
          />
        ) : null}
        {!offer && me?.state !== 'busy' ? (
          <section className="card empty" aria-labelledby="waiting-title">
            <h2 id="waiting-title">{t('console.noCall')}</h2>
            <p className="muted">
              {me?.status === 'available'
                ? t('console.waitingForCalls')
                : t('console.becomeAvailable')}
            </p>
          </section>
        ) : null}
      </div>
    </div>
  );
}
