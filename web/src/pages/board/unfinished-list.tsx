import { useDeferredValue, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@web/api/endpoints';
import { errorText } from '@web/api/errors';
import { realtime } from '@web/api/realtime';
import type { Call } from '@web/api/types';
import { formatDateTime } from '@web/components/time';
import { VirtualList } from '@web/components/virtual-list';

const UNFINISHED_REFRESH_MS = 1000;
/** A row's usual height (rows are measured as they render). */
const ROW_PX = 64;

const callId = (call: Call) => call.id;

/** Missed and abandoned calls nobody has called back yet, oldest first. */
export function UnfinishedList() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  // Three digits or more narrow the list; fewer show it all (the server refuses shorter).
  const digits = useDeferredValue(search.replace(/[^0-9]/g, ''));
  const caller = digits.length >= 3 ? digits.slice(0, 15) : undefined;
  const unfinished = useQuery({
    queryKey: ['unfinished', caller ?? ''],
    queryFn: () => api.unfinishedCalls(caller),
  });
  const done = useMutation({
    mutationFn: (id: string) => api.calledBack(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['unfinished'] }),
  });

  useEffect(() => {
    // A hang-up refreshes the list at once, and a stream of them once per interval: refetching
    // and rendering the list for each of ten hang-ups a second kept the board's page busy.
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      timer = null;
      last = performance.now();
      void queryClient.invalidateQueries({ queryKey: ['unfinished'] });
    };
    const soon = () => {
      if (timer !== null) return;
      const wait = last + UNFINISHED_REFRESH_MS - performance.now();
      if (wait <= 0) refresh();
      else timer = setTimeout(refresh, wait);
    };
    const offs = [realtime.on('call.missed', soon), realtime.on('call.abandoned', soon)];
    return () => {
      offs.forEach((off) => off());
      if (timer !== null) clearTimeout(timer);
    };
  }, [queryClient]);

  const items = unfinished.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="unfinished-title">
      <header className="card-head">
        <h2 id="unfinished-title">{t('unfinished.title')}</h2>
        <span className="count">{unfinished.data?.total ?? 0}</span>
      </header>
      <input
        type="search"
        className="callback-search"
        inputMode="tel"
        placeholder={t('unfinished.searchHint')}
        aria-label={t('unfinished.search')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {unfinished.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, unfinished.error)}
        </p>
      ) : null}
      {done.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, done.error)}
        </p>
      ) : null}
      {items.length === 0 && !unfinished.isLoading ? (
        <p className="muted">
          {t(caller === undefined ? 'unfinished.none' : 'unfinished.noMatch')}
        </p>
      ) : (
        <VirtualList
          items={items}
          keyOf={callId}
          rowHeight={ROW_PX}
          label={t('unfinished.title')}
          className="call-list"
          paneClassName="unfinished-pane"
        >
          {(call, row) => {
            const caller = call.fromNumber ?? t('offer.hiddenNumber');
            return (
              <li className="call-row" {...row}>
                <div className="call-main">
                  <span className="mono caller-sm">{caller}</span>
                  <span className={`tag tag-${call.outcome}`}>{t(`outcome.${call.outcome}`)}</span>
                </div>
                <div className="call-meta">
                  <span className="mono">{formatDateTime(call.arrivedAt, i18n.language)}</span>
                  <span>{call.queueCode ?? ''}</span>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={done.isPending}
                    aria-label={t('unfinished.calledBackLabel', { caller })}
                    onClick={() => done.mutate(call.id)}
                  >
                    {t('unfinished.calledBack')}
                  </button>
                </div>
              </li>
            );
          }}
        </VirtualList>
      )}
    </section>
  );
}
