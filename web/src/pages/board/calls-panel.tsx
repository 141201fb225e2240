import { memo, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { consoleStore, type BoardCall } from '@web/api/console-store';
import { api } from '@web/api/endpoints';
import { errorText } from '@web/api/errors';
import type { Presence } from '@web/api/types';
import { TickingDuration } from '@web/components/ticking-duration';
import { useSecondsPassed } from '@web/components/time';
import { VirtualList, type RowProps } from '@web/components/virtual-list';
import { useQueues } from '@web/components/use-queues';

/** Rows' usual heights (they are measured as they render). */
const WAITING_ROW_PX = 96;
const IN_PROGRESS_ROW_PX = 56;

const callId = (call: BoardCall) => call.id;

/** Who is calling: the client of the call's dossier, asked for once its row is drawn. */
function useCaller(call: BoardCall): string {
  const { t } = useTranslation();
  const { id, dossier } = call;
  useEffect(() => {
    if (dossier === null) consoleStore.needDossier(id);
  }, [id, dossier]);
  return dossier?.client?.name ?? t('dossier.unknownCaller');
}

/** Waiting and ringing calls with ticking waits and assignment; calls in progress and who has them. */
export function CallsPanel({
  waiting,
  inProgress,
  staff,
}: {
  waiting: BoardCall[];
  inProgress: BoardCall[];
  staff: Presence[];
}) {
  const { t } = useTranslation();
  const names = useMemo(() => new Map(staff.map((s) => [s.userId, s.displayName])), [staff]);
  const free = useFreeStaff(staff);
  return (
    <>
      <section className="card" aria-labelledby="waiting-calls-title">
        <header className="card-head">
          <h2 id="waiting-calls-title">{t('board.waiting')}</h2>
          <span className="count" aria-label={t('board.waitingCount', { count: waiting.length })}>
            {waiting.length}
          </span>
        </header>
        {waiting.length === 0 ? (
          <p className="muted">{t('board.noWaiting')}</p>
        ) : (
          <VirtualList
            items={waiting}
            keyOf={callId}
            rowHeight={WAITING_ROW_PX}
            label={t('board.waiting')}
            className="call-list"
            paneClassName="waiting-pane"
          >
            {(call, row) => (
              <WaitingRow
                {...row}
                call={call}
                free={free}
                ringing={call.offeredTo ? (names.get(call.offeredTo) ?? null) : null}
              />
            )}
          </VirtualList>
        )}
      </section>
      <section className="card" aria-labelledby="in-progress-title">
        <header className="card-head">
          <h2 id="in-progress-title">{t('board.inProgress')}</h2>
          <span className="count">{inProgress.length}</span>
        </header>
        {inProgress.length === 0 ? (
          <p className="muted">{t('board.noInProgress')}</p>
        ) : (
          <VirtualList
            items={inProgress}
            keyOf={callId}
            rowHeight={IN_PROGRESS_ROW_PX}
            label={t('board.inProgress')}
            className="call-list"
            paneClassName="in-progress-pane"
          >
            {(call, row) => (
              <InProgressRow
                {...row}
                call={call}
                agent={call.agentId ? (names.get(call.agentId) ?? null) : null}
              />
            )}
          </VirtualList>
        )}
      </section>
    </>
  );
}

/**
 * The people free to take a call; the same array while that list is unchanged, so the rows
 * (each offers them in its select) are not rendered again for every other presence change.
 */
function useFreeStaff(staff: Presence[]): Presence[] {
  const free = staff.filter((s) => s.status === 'available' && s.state === 'idle');
  const [shown, setShown] = useState(free);
  const same =
    free.length === shown.length &&
    free.every((p, i) => p.userId === shown[i].userId && p.displayName === shown[i].displayName);
  if (!same) setShown(free);
  return same ? shown : free;
}

/** A ticking time, written by the page's shared ticker: the row does not re-render for it. */
function Elapsed({ since, label }: { since: string; label?: (time: string) => string }) {
  return <TickingDuration since={since} className={`mono${label ? ' wait' : ''}`} label={label} />;
}

const InProgressRow = memo(function InProgressRow({
  call,
  agent,
  ...row
}: RowProps & {
  call: BoardCall;
  agent: string | null;
}) {
  const { t } = useTranslation();
  const caller = useCaller(call);
  return (
    <li className="call-row" {...row}>
      <div className="call-main">
        <span className="mono caller-sm">{call.from ?? t('offer.hiddenNumber')}</span>
        <span>{caller}</span>
      </div>
      <div className="call-meta">
        <span>{t('board.answeredBy', { name: agent ?? t('board.someone') })}</span>
        <Elapsed since={call.at} />
      </div>
    </li>
  );
});

const WaitingRow = memo(function WaitingRow({
  call,
  free,
  ringing,
  ...row
}: RowProps & {
  call: BoardCall;
  free: Presence[];
  ringing: string | null;
}) {
  const { t } = useTranslation();
  const { nameOf } = useQueues(call.queue);
  const [person, setPerson] = useState('');
  const assign = useMutation({ mutationFn: (userId: string) => api.assignCall(call.id, userId) });
  const long = useSecondsPassed(call.waitingSince, 60);
  const caller = call.from ?? t('offer.hiddenNumber');
  const client = useCaller(call);
  // One label function per language, not per render, so the ticker keeps its registration.
  const waitedFor = useMemo(() => (time: string) => t('board.waitedFor', { time }), [t]);
  return (
    <li className={`call-row ${long ? 'call-long' : ''}`} {...row}>
      <div className="call-main">
        <span className="mono caller-sm">{caller}</span>
        <span>{client}</span>
      </div>
      <div className="call-meta">
        <span className={`tag ${ringing ? 'tag-offered' : ''}`}>
          {ringing
            ? t('board.ringingAt', { name: ringing })
            : // Offered but nobody's offer is pending (it expired or was declined): waiting again.
              t(`callStatus.${call.status === 'offered' ? 'queued' : call.status}`)}
        </span>
        <span>{nameOf(call.queue) ?? t('dossier.none')}</span>
        <Elapsed since={call.waitingSince} label={waitedFor} />
      </div>
      <form
        className="assign"
        onSubmit={(e) => {
          e.preventDefault();
          if (person) assign.mutate(person);
        }}
      >
        <AssignSelect
          label={t('board.assignLabel', { caller })}
          free={free}
          value={person}
          onChange={setPerson}
        />
        <button type="submit" className="btn btn-small" disabled={!person || assign.isPending}>
          {t('board.assign')}
        </button>
      </form>
      {assign.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, assign.error)}
        </p>
      ) : null}
    </li>
  );
});

/**
 * Who to give the call to. The free people become options only once the select is reached
 * (pointer or keyboard focus) or holds a choice: with 200 waiting calls and 200 free people,
 * options in every row were 40,000 elements rebuilt whenever someone became free or busy, each
 * time a main-thread task of a tenth of a second or more on the receptionist's board.
 */
function AssignSelect({
  label,
  free,
  value,
  onChange,
}: {
  label: string;
  free: Presence[];
  value: string;
  onChange: (userId: string) => void;
}) {
  const { t } = useTranslation();
  const [reached, setReached] = useState(false);
  const reach = () => setReached(true);
  return (
    <select
      aria-label={label}
      value={value}
      onFocus={reach}
      onPointerDown={reach}
      onPointerEnter={reach}
      onBlur={() => setReached(false)}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{free.length ? t('board.choosePerson') : t('board.nobodyFree')}</option>
      {reached || value !== ''
        ? free.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.displayName}
            </option>
          ))
        : null}
    </select>
  );
}
