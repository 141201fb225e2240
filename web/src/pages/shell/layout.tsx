import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { consoleStore, useConnectionState } from '@web/api/console-store';
import { realtime } from '@web/api/realtime';
import { session } from '@web/api/session';
import { LANGUAGES, setLanguage, type Language } from '@web/i18n';
import { AlertsOverlay } from '@web/pages/notifications/alerts-overlay';
import { NotificationBell } from '@web/pages/notifications/bell';
import { PAGES } from '@web/pages/routes';
import { DeniedNotice } from '@web/pages/shell/guards';
import { hasAnyRole, useSession } from '@web/pages/shell/use-session';

/** Header, navigation by role, the connection banner; starts the socket for the session. */
export function Layout() {
  const { t, i18n } = useTranslation();
  const current = useSession();
  const connection = useConnectionState();
  const queryClient = useQueryClient();
  const userId = current?.me.id;

  useEffect(() => {
    if (userId === undefined) return;
    consoleStore.attach(userId);
    realtime.start(userId);
    // After every (re)connect: what is not replayed is fetched again.
    const offSynced = realtime.on('synced', () => void queryClient.invalidateQueries());
    return () => {
      offSynced();
      realtime.stop();
      consoleStore.detach();
    };
  }, [userId, queryClient]);

  if (current === null) return null;
  const pages = PAGES.filter((p) => hasAnyRole(current, p.roles));
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand" aria-hidden="true">
          ☎
        </span>
        <span className="brand-name">Switchboard</span>
        <nav aria-label={t('shell.navigation')}>
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <NavLink to={p.path}>{t(p.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`conn conn-${connection}`} role="status">
          {t(`connection.${connection}`)}
        </span>
        <NotificationBell />
        <label className="lang">
          <span className="visually-hidden">{t('shell.language')}</span>
          <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`language.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <span className="who">
          {current.me.displayName}
          <span className="muted"> · {current.me.roles.map((r) => t(`role.${r}`)).join(', ')}</span>
        </span>
        <button type="button" className="btn btn-quiet" onClick={() => session.end('signed-out')}>
          {t('shell.signOut')}
        </button>
      </header>
      {connection === 'reconnecting' ? (
        <div className="banner" role="alert">
          {t('connection.banner')}
        </div>
      ) : null}
      <main className="page">
        <DeniedNotice />
        <Outlet />
      </main>
      <AlertsOverlay />
    </div>
  );
}
