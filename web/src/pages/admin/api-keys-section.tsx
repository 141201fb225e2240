import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import { formatDateTime } from '@web/components/time';
import { useAction } from '@web/pages/admin/use-action';

/** Connector API keys: a new key is shown once, with a copy button; list with last use; revoke. */
export function ApiKeysSection() {
  const { t, i18n } = useTranslation();
  const keys = useQuery({ queryKey: ['admin', 'api-keys'], queryFn: supervision.apiKeys });
  const action = useAction([['admin', 'api-keys']]);
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="keys-title">
        <header className="card-head">
          <h2 id="keys-title">{t('admin.keys.title')}</h2>
        </header>
        <table className="data-table" aria-labelledby="keys-title">
          <thead>
            <tr>
              <th scope="col">{t('admin.keys.name')}</th>
              <th scope="col">{t('admin.keys.prefix')}</th>
              <th scope="col">{t('admin.keys.createdAt')}</th>
              <th scope="col">{t('admin.keys.lastUsed')}</th>
              <th scope="col">{t('admin.keys.state')}</th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'row-inactive' : ''}>
                <th scope="row">{k.name}</th>
                <td className="mono">{k.prefix}…</td>
                <td>{when(k.createdAt)}</td>
                <td>{k.lastUsedAt ? when(k.lastUsedAt) : t('admin.keys.never')}</td>
                <td>
                  {k.revokedAt ? (
                    t('admin.keys.revokedAt', { time: when(k.revokedAt) })
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small btn-decline"
                      aria-label={t('admin.keys.revokeOne', { name: k.name })}
                      disabled={action.busy}
                      onClick={() => {
                        if (window.confirm(t('admin.keys.confirmRevoke', { name: k.name }))) {
                          void action.run(
                            () => supervision.revokeApiKey(k.id),
                            t('admin.keys.revoked', { name: k.name }),
                          );
                        }
                      }}
                    >
                      {t('admin.keys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {action.notice}
      </section>
      <section className="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title">{t('admin.keys.new')}</h2>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void action
              .run(() => supervision.createApiKey(name.trim()))
              .then((created) => {
                if (!created) return;
                setFresh({ name: created.name, key: created.key });
                setCopied(false);
                setName('');
              });
          }}
        >
          <label className="field grow">
            <span>{t('admin.keys.name')}</span>
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('admin.keys.create')}
          </button>
        </form>
        {fresh ? (
          <div className="notice notice-warn key-once" role="status">
            <p>{t('admin.keys.shownOnce', { name: fresh.name })}</p>
            <code className="mono key-value" aria-label={t('admin.keys.newKey')}>
              {fresh.key}
            </code>
            <div className="inline-form">
              <button
                type="button"
                className="btn btn-small"
                onClick={() =>
                  void navigator.clipboard
                    ?.writeText(fresh.key)
                    .then(() => setCopied(true))
                    .catch(() => setCopied(false))
                }
              >
                {copied ? t('admin.keys.copied') : t('admin.keys.copy')}
              </button>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                onClick={() => setFresh(null)}
              >
                {t('admin.keys.stored')}
              </button>
            </div>
          </div>
        ) : null}
      </section>
    </div>
  );
}
