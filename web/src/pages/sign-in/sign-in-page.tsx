import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '@web/api/endpoints';
import { errorText } from '@web/api/errors';
import { ApiError } from '@web/api/http';
import { session } from '@web/api/session';
import { LANGUAGES, setLanguage, type Language } from '@web/i18n';
import { homePath } from '@web/pages/routes';
import { useSession } from '@web/pages/shell/use-session';

/** Only paths of this app: `next` comes from the address bar and must not lead elsewhere. */
function safeNext(next: string | null): string | null {
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function SignInPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const current = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  const expired = params.get('reason') === 'expired';

  if (current !== null && !busy)
    return <Navigate to={next ?? homePath(current.me.roles)} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const login = await api.login(username.trim(), password);
      const me = await api.me(login.accessToken);
      session.start({ token: login.accessToken, expiresAt: login.expiresAt, me });
      void navigate(next ?? homePath(me.roles), { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'VALIDATION_FAILED'
          ? t('signIn.fillBoth')
          : errorText(t, err),
      );
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form
        className="card sign-in-card"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="sign-in-title"
      >
        <div className="sign-in-head">
          <h1 id="sign-in-title">
            <span aria-hidden="true">☎ </span>Switchboard
          </h1>
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
        </div>
        <p className="muted">{t('signIn.subtitle')}</p>
        {expired && error === null ? (
          <p role="status" className="notice notice-warn">
            {t('signIn.expired')}
          </p>
        ) : null}
        {error !== null ? (
          <p role="alert" className="notice notice-error">
            {error}
          </p>
        ) : null}
        <label className="field">
          <span>{t('signIn.username')}</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>{t('signIn.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn btn-primary btn-wide" disabled={busy}>
          {busy ? t('signIn.signingIn') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
