import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorField, errorText } from '@web/api/errors';
import { notificationsApi } from '@web/api/notifications';
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationSettings,
} from '@web/api/types';
import { formatDateTime, useNow } from '@web/components/time';
import '@web/pages/notifications/notifications.css';

/** Kinds the server always delivers: switching them off is not offered. */
const ALWAYS_ON: NotificationKind[] = ['offer'];

/** Per-kind switches and do-not-disturb until a time. */
export function NotificationSettingsPage() {
  const { t } = useTranslation();
  const settings = useQuery({
    queryKey: ['notification-settings'],
    queryFn: notificationsApi.settings,
  });
  return (
    <section className="card settings" aria-labelledby="settings-title">
      <header className="card-head">
        <h2 id="settings-title">{t('notifications.settingsTitle')}</h2>
        <Link to="/notifications">{t('notifications.backToInbox')}</Link>
      </header>
      {settings.error ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, settings.error)}
        </p>
      ) : null}
      {settings.data ? <SettingsForm settings={settings.data} /> : null}
    </section>
  );
}

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function SettingsForm({ settings }: { settings: NotificationSettings }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [kinds, setKinds] = useState(settings.kinds);
  const now = useNow(30_000);
  const dndActive =
    settings.doNotDisturbUntil !== null && Date.parse(settings.doNotDisturbUntil) > now;
  const [until, setUntil] = useState(
    dndActive && settings.doNotDisturbUntil ? toLocalInput(settings.doNotDisturbUntil) : '',
  );
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (dnd: string | null) =>
      notificationsApi.saveSettings({
        kinds: Object.fromEntries(
          Object.entries(kinds).filter(([kind]) => !ALWAYS_ON.includes(kind as NotificationKind)),
        ),
        doNotDisturbUntil: dnd,
      }),
    onSuccess: (next) => {
      queryClient.setQueryData(['notification-settings'], next);
      setSaved(true);
    },
  });
  const badField = errorField(save.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    save.mutate(until ? new Date(until).toISOString() : null);
  }

  return (
    <form className="form" onSubmit={submit}>
      <fieldset className="kinds">
        <legend>{t('notifications.kindsLegend')}</legend>
        {NOTIFICATION_KINDS.map((kind) => {
          const locked = ALWAYS_ON.includes(kind);
          return (
            <label key={kind} className="kind-row">
              <input
                type="checkbox"
                checked={locked || kinds[kind].inApp}
                disabled={locked}
                onChange={(e) => {
                  setSaved(false);
                  setKinds({ ...kinds, [kind]: { inApp: e.target.checked } });
                }}
              />
              <span>{t(`notifications.kind.${kind}`)}</span>
              {locked ? <span className="muted">{t('notifications.cannotMute')}</span> : null}
            </label>
          );
        })}
        <p className="notice notice-warn">{t('notifications.criticalNote')}</p>
      </fieldset>
      <fieldset className="dnd">
        <legend>{t('notifications.dndLegend')}</legend>
        {settings.doNotDisturbUntil && dndActive ? (
          <p role="status" className="notice notice-ok">
            {t('notifications.dndOn', {
              time: formatDateTime(settings.doNotDisturbUntil, i18n.language),
            })}
          </p>
        ) : (
          <p className="muted">{t('notifications.dndOff')}</p>
        )}
        <div className="inline-form">
          <label className="field">
            <span>{t('notifications.dndUntil')}</span>
            <input
              type="datetime-local"
              value={until}
              aria-invalid={badField === 'doNotDisturbUntil'}
              aria-describedby={badField === 'doNotDisturbUntil' ? 'dnd-error' : undefined}
              onChange={(e) => {
                setSaved(false);
                setUntil(e.target.value);
              }}
            />
          </label>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setUntil(toLocalInput(new Date(Date.now() + 3600_000).toISOString()))}
          >
            {t('notifications.forAnHour')}
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setUntil('')}>
            {t('notifications.dndClear')}
          </button>
        </div>
        {badField === 'doNotDisturbUntil' ? (
          <p id="dnd-error" className="notice notice-error">
            {errorText(t, save.error)}
          </p>
        ) : null}
        <p className="muted">{t('notifications.dndExplain')}</p>
      </fieldset>
      {save.error && badField !== 'doNotDisturbUntil' ? (
        <p role="alert" className="notice notice-error">
          {errorText(t, save.error)}
        </p>
      ) : null}
      {saved ? (
        <p role="status" className="notice notice-ok">
          {t('notifications.saved')}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {t('notifications.save')}
        </button>
      </div>
    </form>
  );
}
