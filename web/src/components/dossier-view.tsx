import { useTranslation } from 'react-i18next';
import { asOpenRequests, type Dossier } from '@web/api/types';
import { formatDateTime } from '@web/components/time';

/** Who is calling: client, contact person, curator, open requests and last contacts. */
export function DossierView({
  dossier,
  compact = false,
}: {
  dossier: Dossier | null;
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  if (dossier === null || dossier.client === null) {
    return <p className="muted">{t('dossier.unknownCaller')}</p>;
  }
  const requests = asOpenRequests(dossier);
  const contacts = dossier.lastContacts.slice(0, compact ? 3 : 5);
  return (
    <div className="dossier">
      <dl className="facts">
        <dt>{t('dossier.client')}</dt>
        <dd>
          <strong>{dossier.client.name}</strong>{' '}
          <span className="muted">
            {t(`clientKind.${dossier.client.kind}`, dossier.client.kind)}
          </span>
        </dd>
        <dt>{t('dossier.contact')}</dt>
        <dd>
          {dossier.contact
            ? `${dossier.contact.name}${dossier.contact.position ? `, ${dossier.contact.position}` : ''}`
            : t('dossier.none')}
        </dd>
        <dt>{t('dossier.curator')}</dt>
        <dd>{dossier.curator?.displayName ?? t('dossier.none')}</dd>
      </dl>
      <h4>{t('dossier.openRequests', { count: requests.length })}</h4>
      {requests.length === 0 ? (
        <p className="muted">{t('dossier.noOpenRequests')}</p>
      ) : (
        <ul className="plain-list">
          {requests.map((r) => (
            <li key={r.id}>
              <span className="mono">#{r.number}</span> {r.subject}
              {r.currentStage ? <span className="tag">{r.currentStage}</span> : null}
            </li>
          ))}
        </ul>
      )}
      <h4>{t('dossier.lastContacts')}</h4>
      {contacts.length === 0 ? (
        <p className="muted">{t('dossier.noContacts')}</p>
      ) : (
        <ul className="plain-list">
          {contacts.map((c) => (
            <li key={c.id}>
              <span className="mono">{formatDateTime(c.arrivedAt, i18n.language)}</span>{' '}
              {t(`outcome.${c.outcome}`)}
              {c.answeredBy ? ` · ${c.answeredBy.displayName}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
