import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import {
  STRATEGIES,
  type AdminQueue,
  type QueueSettings,
  type QueueStrategy,
} from '@web/api/supervision-types';
import { useAction } from '@web/pages/admin/use-action';

const DEFAULTS: QueueSettings = {
  name: '',
  strategy: 'longest-idle',
  slThresholdSeconds: 20,
  maxWaitSeconds: 300,
  wrapUpSeconds: 0,
};

function SettingsFields({
  value,
  onChange,
}: {
  value: QueueSettings;
  onChange: (next: QueueSettings) => void;
}) {
  const { t } = useTranslation();
  const number = (key: 'slThresholdSeconds' | 'maxWaitSeconds' | 'wrapUpSeconds') => (
    <label className="field">
      <span>{t(`admin.queues.${key}`)}</span>
      <input
        type="number"
        min={0}
        required
        value={value[key]}
        onChange={(e) => onChange({ ...value, [key]: Number(e.target.value) })}
      />
    </label>
  );
  return (
    <>
      <div className="row">
        <label className="field">
          <span>{t('admin.queues.name')}</span>
          <input
            required
            value={value.name}
            onChange={(e) => onChange({ ...value, name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('admin.queues.strategy')}</span>
          <select
            value={value.strategy}
            onChange={(e) => onChange({ ...value, strategy: e.target.value as QueueStrategy })}
          >
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t(`admin.strategy.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row row-3">
        {number('slThresholdSeconds')}
        {number('maxWaitSeconds')}
        {number('wrapUpSeconds')}
      </div>
    </>
  );
}

/** Queues: settings and members with skill levels; a new queue. */
export function QueuesSection() {
  const { t } = useTranslation();
  const queues = useQuery({ queryKey: ['admin', 'queues'], queryFn: supervision.queues });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const create = useAction([['admin', 'queues'], ['queues']]);
  const [code, setCode] = useState('');
  const [settings, setSettings] = useState<QueueSettings>(DEFAULTS);
  const list = queues.data?.items ?? [];
  const selected = list.find((q) => q.id === selectedId) ?? null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await create.run(
      () => supervision.createQueue({ ...settings, code: code.trim() }),
      t('admin.queues.created', { name: settings.name }),
    );
    if (created) {
      setSelectedId(created.id);
      setCode('');
      setSettings(DEFAULTS);
    }
  };

  return (
    <div className="admin-grid">
      <div className="stack">
        <section className="card" aria-labelledby="queues-title">
          <header className="card-head">
            <h2 id="queues-title">{t('admin.queues.title')}</h2>
            <span className="count">{list.length}</span>
          </header>
          <div className="table-wrap">
            <table className="data-table" aria-labelledby="queues-title">
              <thead>
                <tr>
                  <th scope="col">{t('admin.queues.name')}</th>
                  <th scope="col">{t('admin.queues.code')}</th>
                  <th scope="col">{t('admin.queues.strategy')}</th>
                  <th scope="col">{t('admin.queues.slShort')}</th>
                  <th scope="col">{t('admin.queues.members')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('admin.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((q) => (
                  <tr key={q.id} className={q.id === selectedId ? 'row-selected' : ''}>
                    <th scope="row">{q.name}</th>
                    <td className="mono">{q.code}</td>
                    <td>{t(`admin.strategy.${q.strategy}`)}</td>
                    <td className="num">{q.slThresholdSeconds} s</td>
                    <td className="num">{q.members.length}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={t('admin.queues.openOne', { name: q.name })}
                        onClick={() => setSelectedId(q.id)}
                      >
                        {t('admin.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card" aria-labelledby="new-queue-title">
          <h2 id="new-queue-title">{t('admin.queues.new')}</h2>
          <form className="form" onSubmit={(e) => void submit(e)}>
            <label className="field">
              <span>{t('admin.queues.code')}</span>
              <input
                required
                pattern="[a-z0-9][a-z0-9._\-]{0,63}"
                title={t('admin.codeRule')}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </label>
            <SettingsFields value={settings} onChange={setSettings} />
            {create.notice}
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {t('admin.queues.create')}
            </button>
          </form>
        </section>
      </div>
      {selected ? <QueueEditor key={selected.id} queue={selected} /> : null}
    </div>
  );
}

function QueueEditor({ queue }: { queue: AdminQueue }) {
  const { t } = useTranslation();
  const action = useAction([['admin', 'queues'], ['queues']]);
  const users = useQuery({ queryKey: ['admin', 'users'], queryFn: supervision.users });
  const [settings, setSettings] = useState<QueueSettings>({
    name: queue.name,
    strategy: queue.strategy,
    slThresholdSeconds: queue.slThresholdSeconds,
    maxWaitSeconds: queue.maxWaitSeconds,
    wrapUpSeconds: queue.wrapUpSeconds,
  });
  const [search, setSearch] = useState('');
  const [skill, setSkill] = useState(5);
  const members = new Set(queue.members.map((m) => m.userId));
  const candidates = (users.data?.items ?? []).filter(
    (u) =>
      u.active &&
      !members.has(u.id) &&
      `${u.displayName} ${u.username}`.toLowerCase().includes(search.trim().toLowerCase()),
  );
  const chosen =
    candidates.find((u) => u.displayName === search || u.username === search) ??
    (candidates.length === 1 ? candidates[0] : null);

  return (
    <section className="card" aria-labelledby="queue-edit-title">
      <h2 id="queue-edit-title">{t('admin.queues.editing', { name: queue.name })}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(() => supervision.updateQueue(queue.id, settings), t('admin.saved'));
        }}
      >
        <SettingsFields value={settings} onChange={setSettings} />
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('admin.save')}
        </button>
      </form>
      <h3>{t('admin.queues.members')}</h3>
      {queue.members.length === 0 ? (
        <p className="muted">{t('admin.queues.noMembers')}</p>
      ) : (
        <ul className="plain-list member-list" aria-label={t('admin.queues.members')}>
          {queue.members.map((m) => (
            <li key={m.userId}>
              <span className="grow">{m.displayName}</span>
              <label className="field inline">
                <span>{t('admin.queues.skill')}</span>
                <select
                  aria-label={t('admin.queues.skillOf', { name: m.displayName })}
                  value={m.skillLevel}
                  onChange={(e) =>
                    void action.run(() =>
                      supervision.putMember(queue.id, m.userId, Number(e.target.value)),
                    )
                  }
                >
                  {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="btn btn-small"
                aria-label={t('admin.queues.removeOne', { name: m.displayName })}
                onClick={() => void action.run(() => supervision.removeMember(queue.id, m.userId))}
              >
                {t('admin.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!chosen) return;
          void action
            .run(
              () => supervision.putMember(queue.id, chosen.id, skill),
              t('admin.queues.added', { name: chosen.displayName }),
            )
            .then(() => setSearch(''));
        }}
      >
        <label className="field grow">
          <span>{t('admin.queues.findPerson')}</span>
          <input
            list="queue-member-candidates"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <datalist id="queue-member-candidates">
            {candidates.slice(0, 50).map((u) => (
              <option key={u.id} value={u.displayName}>
                {u.username}
              </option>
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>{t('admin.queues.skill')}</span>
          <select value={skill} onChange={(e) => setSkill(Number(e.target.value))}>
            {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn" disabled={action.busy || !chosen}>
          {t('admin.queues.addMember')}
        </button>
      </form>
      {action.notice}
    </section>
  );
}
