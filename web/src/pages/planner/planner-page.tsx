import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';
import { usePeople } from '@web/api/people';
import { plannerApi } from '@web/api/planner';
import type { PlannedContact } from '@web/api/planner';
import { realtime } from '@web/api/realtime';
import { useNow } from '@web/components/time';
import { PlanDetail } from '@web/pages/planner/plan-detail';
import { PlanForm } from '@web/pages/planner/plan-form';
import type { FormSeed } from '@web/pages/planner/plan-form';
import { PostponeDialog } from '@web/pages/planner/postpone-dialog';
import {
  addDays,
  clockOf,
  dayAsDate,
  dayOf,
  layoutLanes,
  minuteOfDay,
  timeOf,
  weekStart,
  zonedToInstant,
} from '@web/pages/planner/zoned';
import { hasAnyRole, useSession } from '@web/pages/shell/use-session';
import '@web/pages/planner/planner.css';

type View = 'day' | 'week';
const VIEW_KEY = 'switchboard.planner.view';
const HOUR_PX = 48;
const PLANNING_ROLES = ['receptionist', 'supervisor', 'admin'] as const;
/** Who is shown: a person's id, or everyone (console roles only). */
const EVERYONE = '*';

/** Someone's planned calls, meetings and tasks by day or week, overdue ones beside, in the server's zone. */
export function PlannerPage() {
  const { t, i18n } = useTranslation();
  const { planId } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const current = useSession();
  const people = usePeople();
  const now = useNow(30_000);
  const me = current?.me.id ?? '';
  const plansForOthers = hasAnyRole(current, PLANNING_ROLES);
  const settings = useQuery({
    queryKey: ['planner', 'settings'],
    queryFn: plannerApi.settings,
    staleTime: 600_000,
  });
  const zone = settings.data?.timeZone ?? 'UTC';
  const [view, setView] = useState<View>(() =>
    localStorage.getItem(VIEW_KEY) === 'week' ? 'week' : 'day',
  );
  const [anchor, setAnchor] = useState<string | null>(null);
  const [whose, setWhose] = useState<string>('');
  const [form, setForm] = useState<FormSeed | null>(null);
  const [moving, setMoving] = useState<{
    plan: PlannedContact;
    day: string;
    time: string;
    dragged: boolean;
  } | null>(null);
  const today = dayOf(now, zone);
  const day = anchor ?? today;
  const assignee = whose === '' ? me : whose;
  const days = useMemo(
    () =>
      view === 'day' ? [day] : Array.from({ length: 7 }, (_, i) => addDays(weekStart(day), i)),
    [view, day],
  );
  const from = zonedToInstant(days[0], '00:00', zone).toISOString();
  const to = zonedToInstant(addDays(days[days.length - 1], 1), '00:00', zone).toISOString();
  const who = assignee === EVERYONE ? undefined : assignee;
  const ready = settings.isSuccess && me !== '';
  const plans = useQuery({
    queryKey: ['planner', 'range', who ?? EVERYONE, from, to],
    queryFn: () => plannerApi.list({ assigneeId: who, from, to }),
    enabled: ready,
  });
  const overdue = useQuery({
    queryKey: ['planner', 'overdue', who ?? EVERYONE],
    queryFn: () => plannerApi.list({ assigneeId: who, overdue: true }),
    enabled: ready,
  });

  useEffect(
    () =>
      realtime.on('planner.changed', () => {
        void queryClient.invalidateQueries({ queryKey: ['planner'] });
      }),
    [queryClient],
  );

  const setViewSaved = useCallback((next: View) => {
    localStorage.setItem(VIEW_KEY, next);
    setView(next);
  }, []);
  const step = useCallback(
    (direction: 1 | -1) => setAnchor(addDays(day, direction * (view === 'day' ? 1 : 7))),
    [day, view],
  );
  const seedFor = useCallback(
    (seed: Partial<FormSeed> = {}): FormSeed => {
      const start = Math.ceil((minuteOfDay(now, zone) + 1) / 15) * 15;
      return {
        day: seed.day ?? day,
        time: seed.time ?? (seed.day && seed.day !== today ? '10:00' : clockOf(start)),
        assigneeId: seed.assigneeId ?? (assignee === EVERYONE ? me : assignee),
        ...seed,
      };
    },
    [now, zone, day, today, assignee, me],
  );
  const openNew = useCallback((seed: Partial<FormSeed> = {}) => setForm(seedFor(seed)), [seedFor]);

  // Arriving from a request's stage (`?stage=&subject=&client=`) or from the call the person is
  // on (`?call=&subject=&client=`): the form opens, following it.
  const [search, setSearch] = useSearchParams();
  const stageId = search.get('stage');
  const callId = search.get('call');
  const shownForm =
    form ??
    ((stageId !== null || callId !== null) && ready
      ? seedFor({
          ...(stageId !== null ? { followsRequestStageId: stageId } : {}),
          ...(callId !== null ? { followsCallId: callId, kind: 'call' as const } : {}),
          subject: search.get('subject') ?? undefined,
          clientId: search.get('client') ?? undefined,
        })
      : null);
  const closeForm = () => {
    setForm(null);
    if (stageId !== null || callId !== null) setSearch({}, { replace: true });
  };

  // The planner's keys, when no field has the focus: N new, T today, ←/→ move, D/W view.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || shownForm !== null || moving !== null) return;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (target?.isContentEditable) return;
      const key = e.key.toLowerCase();
      if (key === 'n') openNew();
      else if (key === 't') setAnchor(null);
      else if (key === 'd') setViewSaved('day');
      else if (key === 'w') setViewSaved('week');
      else if (e.key === 'ArrowLeft') step(-1);
      else if (e.key === 'ArrowRight') step(1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shownForm, moving, openNew, setViewSaved, step]);

  const title = new Intl.DateTimeFormat(i18n.language, {
    timeZone: 'UTC',
    ...(view === 'day'
      ? { weekday: 'long', day: 'numeric', month: 'long' }
      : { day: 'numeric', month: 'short' }),
  });
  const heading =
    view === 'day'
      ? title.format(dayAsDate(day))
      : `${title.format(dayAsDate(days[0]))} – ${title.format(dayAsDate(days[6]))}`;
  const items = plans.data?.items ?? [];
  const overdueItems = [...(overdue.data?.items ?? [])].sort((a, b) =>
    a.dueAt.localeCompare(b.dueAt),
  );
  const select = (id: string) => void navigate(`/planner/${id}`);
  const error = settings.error ?? plans.error ?? overdue.error;

  return (
    <div className="planner-grid">
      <section className="card planner-main" aria-labelledby="planner-title">
        <header className="card-head planner-head">
          <h2 id="planner-title">{t('planner.title')}</h2>
          <span className="planner-period">{heading}</span>
          <button type="button" className="btn btn-primary btn-small" onClick={() => openNew()}>
            {t('planner.newPlan')} <kbd>N</kbd>
          </button>
        </header>
        <div className="planner-toolbar">
          <div className="segmented planner-views" role="group" aria-label={t('planner.view')}>
            {(['day', 'week'] as const).map((name) => (
              <button
                key={name}
                type="button"
                className="seg"
                aria-pressed={view === name}
                onClick={() => setViewSaved(name)}
              >
                {t(`planner.views.${name}`)}
              </button>
            ))}
          </div>
          <div className="planner-nav">
            <button
              type="button"
              className="btn btn-small"
              aria-label={t('planner.previous')}
              onClick={() => step(-1)}
            >
              ←
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={anchor === null || anchor === today}
              onClick={() => setAnchor(null)}
            >
              {t('planner.today')}
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={t('planner.next')}
              onClick={() => step(1)}
            >
              →
            </button>
          </div>
          {plansForOthers ? (
            <label className="field planner-whose">
              <span>{t('planner.whose')}</span>
              <select value={whose || me} onChange={(e) => setWhose(e.target.value)}>
                <option value={me}>{t('planner.me')}</option>
                <option value={EVERYONE}>{t('planner.everyone')}</option>
                {people.list
                  .filter((p) => p.id !== me)
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.displayName}
                    </option>
                  ))}
              </select>
            </label>
          ) : null}
          <span className="muted planner-zone">{t('planner.zone', { zone })}</span>
        </div>
        {error ? (
          <p role="alert" className="notice notice-error">
            {errorText(t, error)}
          </p>
        ) : null}
        <Calendar
          days={days}
          items={items}
          zone={zone}
          now={now}
          today={today}
          selected={planId}
          showAssignee={assignee === EVERYONE}
          onSelect={select}
          onNewAt={(d, time) => openNew({ day: d, time })}
          onMove={(plan, d, time) => setMoving({ plan, day: d, time, dragged: true })}
        />
        <p className="muted planner-keys">{t('planner.keys')}</p>
      </section>
      <aside className="planner-side">
        <section className="card planner-overdue" aria-labelledby="planner-overdue-title">
          <header className="card-head">
            <h3 id="planner-overdue-title">
              {t('planner.overdueCount', { count: overdueItems.length })}
            </h3>
          </header>
          {overdueItems.length === 0 ? (
            <p className="muted">{t('planner.noOverdue')}</p>
          ) : (
            <ul className="plain-list planner-overdue-list" aria-label={t('planner.overdue')}>
              {overdueItems.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className={`planner-overdue-item${p.id === planId ? ' is-selected' : ''}`}
                    onClick={() => select(p.id)}
                  >
                    <span className={`planner-kind planner-kind-${p.kind}`} aria-hidden="true" />
                    <span className="planner-overdue-subject">{p.subject}</span>
                    <span className="planner-overdue-when">
                      {dayOf(Date.parse(p.startsAt), zone) === today
                        ? timeOf(Date.parse(p.startsAt), zone)
                        : new Intl.DateTimeFormat(i18n.language, {
                            timeZone: zone,
                            day: 'numeric',
                            month: 'short',
                            hour: '2-digit',
                            minute: '2-digit',
                            hourCycle: 'h23',
                          }).format(new Date(p.startsAt))}
                      {assignee === EVERYONE ? ` · ${people.name(p.assigneeId)}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        {planId ? (
          <PlanDetail
            key={planId}
            id={planId}
            zone={zone}
            callNow={settings.data?.callNow ?? false}
            onClose={() => void navigate('/planner')}
            onFollowUp={(plan) =>
              openNew({
                followsPlannedId: plan.id,
                clientId: plan.clientId ?? undefined,
                kind: plan.kind,
                subject: plan.subject,
                assigneeId: plan.assigneeId,
                day: addDays(today, 1),
                time: '10:00',
              })
            }
            onReschedule={(plan) =>
              setMoving({
                plan,
                day: dayOf(Date.parse(plan.startsAt), zone),
                time: timeOf(Date.parse(plan.startsAt), zone),
                dragged: false,
              })
            }
          />
        ) : (
          <section className="card empty" aria-label={t('planner.detail.title')}>
            <p className="muted">{t('planner.detail.pick')}</p>
          </section>
        )}
      </aside>
      {shownForm ? (
        <PlanForm
          seed={shownForm}
          zone={zone}
          plansForOthers={plansForOthers}
          onClose={closeForm}
          onCreated={(plan) => {
            closeForm();
            setAnchor(dayOf(Date.parse(plan.startsAt), zone));
            void queryClient.invalidateQueries({ queryKey: ['planner'] });
            select(plan.id);
          }}
        />
      ) : null}
      {moving ? (
        <PostponeDialog
          plan={moving.plan}
          day={moving.day}
          time={moving.time}
          zone={zone}
          dragged={moving.dragged}
          onClose={() => setMoving(null)}
          onMoved={() => {
            setMoving(null);
            void queryClient.invalidateQueries({ queryKey: ['planner'] });
          }}
        />
      ) : null}
    </div>
  );
}

interface CalendarProps {
  days: string[];
  items: PlannedContact[];
  zone: string;
  now: number;
  today: string;
  selected: string | undefined;
  showAssignee: boolean;
  onSelect: (id: string) => void;
  onNewAt: (day: string, time: string) => void;
  onMove: (plan: PlannedContact, day: string, time: string) => void;
}

/** Hour rows, one column per day; plans placed by their start and length in the server zone. */
function Calendar(props: CalendarProps) {
  const { t, i18n } = useTranslation();
  const { days, items, zone, now, today } = props;
  const byDay = new Map<string, PlannedContact[]>(days.map((d) => [d, []]));
  for (const plan of items) byDay.get(dayOf(Date.parse(plan.startsAt), zone))?.push(plan);
  // Working hours, widened to whatever is planned outside them.
  let first = 8;
  let last = 19;
  for (const plan of items) {
    const start = minuteOfDay(Date.parse(plan.startsAt), zone);
    first = Math.min(first, Math.floor(start / 60));
    last = Math.max(last, Math.min(24, Math.ceil((start + length(plan)) / 60)));
  }
  const hours = Array.from({ length: last - first }, (_, i) => first + i);
  const dayName = new Intl.DateTimeFormat(i18n.language, {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: days.length === 1 ? 'long' : 'numeric',
  });
  const nowMinute = minuteOfDay(now, zone);

  return (
    <div
      className={`planner-cal planner-cal-${days.length === 1 ? 'day' : 'week'}`}
      role="grid"
      aria-label={t('planner.calendar')}
    >
      <div className="planner-cal-head" role="row">
        <span className="planner-gutter" />
        {days.map((d) => (
          <span
            key={d}
            role="columnheader"
            className={`planner-day-name${d === today ? ' is-today' : ''}`}
          >
            {dayName.format(dayAsDate(d))}
          </span>
        ))}
      </div>
      <div className="planner-cal-body" style={{ height: hours.length * HOUR_PX }}>
        <div className="planner-gutter">
          {hours.map((h) => (
            <span key={h} className="planner-hour" style={{ top: (h - first) * HOUR_PX }}>
              {String(h).padStart(2, '0')}:00
            </span>
          ))}
        </div>
        {days.map((d) => (
          <DayColumn
            key={d}
            day={d}
            plans={byDay.get(d) ?? []}
            first={first}
            hours={hours.length}
            nowMinute={d === today ? nowMinute : null}
            {...props}
            label={t('planner.dayColumn', { day: dayName.format(dayAsDate(d)) })}
          />
        ))}
      </div>
      {items.length === 0 ? <p className="muted planner-empty">{t('planner.empty')}</p> : null}
    </div>
  );
}

/** Minutes a plan takes on the grid: its duration, or a short block for tasks and e-mails. */
function length(plan: PlannedContact): number {
  return Math.max(plan.durationMinutes ?? 0, 20);
}

function DayColumn(
  props: CalendarProps & {
    day: string;
    plans: PlannedContact[];
    first: number;
    hours: number;
    nowMinute: number | null;
    label: string;
  },
) {
  const { t } = useTranslation();
  const people = usePeople();
  const { day, plans, first, zone, nowMinute } = props;
  const [over, setOver] = useState<number | null>(null);
  const minuteAt = (e: { clientY: number; currentTarget: HTMLElement }) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return first * 60 + ((e.clientY - rect.top) / HOUR_PX) * 60;
  };
  const laid = layoutLanes(
    plans.map((plan) => {
      const start = minuteOfDay(Date.parse(plan.startsAt), zone);
      return { plan, start, end: start + length(plan) };
    }),
  );
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData('text/x-plan');
    const plan = props.items.find((p) => p.id === id);
    if (!plan) return;
    const grab = Number(e.dataTransfer.getData('text/x-grab') || '0');
    const time = clockOf(minuteAt(e) - grab);
    if (
      time === timeOf(Date.parse(plan.startsAt), zone) &&
      day === dayOf(Date.parse(plan.startsAt), zone)
    )
      return;
    props.onMove(plan, day, time);
  };
  return (
    <div
      className={`planner-col${day === props.today ? ' is-today' : ''}`}
      role="gridcell"
      aria-label={props.label}
      data-day={day}
      onDoubleClick={(e) => {
        if (e.target === e.currentTarget) props.onNewAt(day, clockOf(minuteAt(e), 30));
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('text/x-plan')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(Math.floor((minuteAt(e) - first * 60) / 15) * 15);
      }}
      onDragLeave={() => setOver(null)}
      onDrop={onDrop}
    >
      {Array.from({ length: props.hours }, (_, i) => (
        <span key={i} className="planner-line" style={{ top: i * HOUR_PX }} />
      ))}
      {over !== null ? (
        <span className="planner-drop" style={{ top: (over / 60) * HOUR_PX }} />
      ) : null}
      {nowMinute !== null && nowMinute >= first * 60 ? (
        <span className="planner-now" style={{ top: ((nowMinute - first * 60) / 60) * HOUR_PX }} />
      ) : null}
      {laid.map(({ item, lane, lanes }) => {
        const plan = item.plan;
        const open = plan.status === 'planned' || plan.status === 'postponed';
        const late = plan.overdue || (open && Date.parse(plan.dueAt) < props.now);
        const top = ((item.start - first * 60) / 60) * HOUR_PX;
        const height = Math.max(((item.end - item.start) / 60) * HOUR_PX - 2, 20);
        return (
          <button
            key={plan.id}
            type="button"
            draggable={open}
            className={[
              'planner-item',
              `planner-item-${plan.kind}`,
              `planner-status-${plan.status}`,
              late ? 'is-overdue' : '',
              height < 32 ? 'is-short' : height < 64 ? 'is-compact' : '',
              plan.id === props.selected ? 'is-selected' : '',
            ].join(' ')}
            style={{
              top,
              height,
              left: `calc(${(lane / lanes) * 100}% + 2px)`,
              width: `calc(${100 / lanes}% - 4px)`,
            }}
            onClick={() => props.onSelect(plan.id)}
            onDragStart={(e) => {
              e.dataTransfer.setData('text/x-plan', plan.id);
              const rect = e.currentTarget.getBoundingClientRect();
              e.dataTransfer.setData(
                'text/x-grab',
                String(Math.round(((e.clientY - rect.top) / HOUR_PX) * 60)),
              );
              e.dataTransfer.effectAllowed = 'move';
            }}
            title={`${timeOf(Date.parse(plan.startsAt), zone)} ${plan.subject}`}
          >
            <span className="planner-item-line">
              <span className="planner-item-time">{timeOf(Date.parse(plan.startsAt), zone)}</span>{' '}
              {!open ? (
                <span className="planner-item-status">{t(`planner.status.${plan.status}`)}</span>
              ) : null}{' '}
              <span className="planner-item-subject">{plan.subject}</span>
            </span>
            <span className="planner-item-meta">
              {t(`planner.kind.${plan.kind}`)}
              {props.showAssignee ? ` · ${people.name(plan.assigneeId)}` : ''}
              {late ? ` · ${t('planner.overdueTag')}` : ''}
            </span>
          </button>
        );
      })}
    </div>
  );
}
