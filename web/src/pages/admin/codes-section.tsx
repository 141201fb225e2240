import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import type { CodeKind, UnmappedCode } from '@web/api/supervision-types';
import { formatDateTime } from '@web/components/time';
import { useAction } from '@web/pages/admin/use-action';

const REFRESH = [
  ['admin', 'unmapped'],
  ['admin', 'mappings'],
];

/** Codes telephony sent that nobody configured: map each to a line, queue or person in a click. */
export function CodesSection() {
  const { t, i18n } = useTranslation();
  const unmapped = useQuery({
    queryKey: ['admin', 'unmapped'],
    queryFn: supervision.unmappedCodes,
    refetchInterval: 15_000,
  });
  const mappings = useQuery({ queryKey: ['admin', 'mappings'], queryFn: supervision.codeMappings });
  const action = useAction(REFRESH);
  const items = unmapped.data?.items ?? [];
  return (
    <div className="stack">
      <section className="card" aria-labelledby="unmapped-title">
        <header className="card-head">
          <h2 id="unmapped-title">{t('admin.codes.title')}</h2>
          <span className="count">{unmapped.data?.total ?? 0}</span>
        </header>
        <p className="muted">{t('admin.codes.intro')}</p>
        {items.length === 0 ? (
          <p className="muted">{t('admin.codes.none')}</p>
        ) : (
          <table className="data-table" aria-labelledby="unmapped-title">
            <thead>
              <tr>
                <th scope="col">{t('admin.codes.kind')}</th>
                <th scope="col">{t('admin.codes.code')}</th>
                <th scope="col">{t('admin.codes.seen')}</th>
                <th scope="col">{t('admin.codes.lastSeen')}</th>
                <th scope="col">{t('admin.codes.mapTo')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={`${c.kind}:${c.code}`}>
                  <td>{t(`admin.codes.kinds.${c.kind}`)}</td>
                  <th scope="row" className="mono">
                    {c.code}
                  </th>
                  <td className="num">{c.seenCount}</td>
                  <td>{formatDateTime(c.lastSeenAt, i18n.language)}</td>
                  <td>
                    <MapControl
                      code={c}
                      busy={action.busy}
                      onMap={(targetId, label) =>
                        void action.run(
                          () => supervision.mapCode(c.kind, c.code, targetId),
                          t('admin.codes.mapped', { code: c.code, target: label }),
                        )
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {action.notice}
      </section>
      <section className="card" aria-labelledby="mappings-title">
        <h2 id="mappings-title">{t('admin.codes.mappings')}</h2>
        {(mappings.data ?? []).length === 0 ? (
          <p className="muted">{t('admin.codes.noMappings')}</p>
        ) : (
          <table className="data-table" aria-labelledby="mappings-title">
            <thead>
              <tr>
                <th scope="col">{t('admin.codes.kind')}</th>
                <th scope="col">{t('admin.codes.code')}</th>
                <th scope="col">{t('admin.codes.target')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(mappings.data ?? []).map((m) => (
                <tr key={`${m.kind}:${m.code}`}>
                  <td>{t(`admin.codes.kinds.${m.kind}`)}</td>
                  <th scope="row" className="mono">
                    {m.code}
                  </th>
                  <td>
                    {m.targetName} <span className="muted mono">{m.targetCode}</span>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={t('admin.codes.unmapOne', { code: m.code })}
                      onClick={() => void action.run(() => supervision.unmapCode(m.kind, m.code))}
                    >
                      {t('admin.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function useTargets(kind: CodeKind): { id: string; label: string }[] {
  const lines = useQuery({
    queryKey: ['admin', 'lines'],
    queryFn: supervision.lines,
    enabled: kind === 'line',
  });
  const queues = useQuery({
    queryKey: ['admin', 'queues'],
    queryFn: supervision.queues,
    enabled: kind === 'queue',
  });
  const users = useQuery({
    queryKey: ['admin', 'users'],
    queryFn: supervision.users,
    enabled: kind === 'agent',
  });
  if (kind === 'line') {
    return (lines.data?.items ?? []).map((l) => ({ id: l.id, label: `${l.name} (${l.code})` }));
  }
  if (kind === 'queue') {
    return (queues.data?.items ?? []).map((q) => ({ id: q.id, label: `${q.name} (${q.code})` }));
  }
  return (users.data?.items ?? [])
    .filter((u) => u.active)
    .map((u) => ({ id: u.id, label: `${u.displayName} (${u.username})` }));
}

function MapControl({
  code,
  busy,
  onMap,
}: {
  code: UnmappedCode;
  busy: boolean;
  onMap: (targetId: string, label: string) => void;
}) {
  const { t } = useTranslation();
  const targets = useTargets(code.kind);
  const [target, setTarget] = useState('');
  const chosen = targets.find((x) => x.id === target);
  return (
    <div className="inline-form">
      <select
        aria-label={t('admin.codes.targetFor', { code: code.code })}
        value={target}
        onChange={(e) => setTarget(e.target.value)}
      >
        <option value="">{t('admin.codes.choose')}</option>
        {targets.map((x) => (
          <option key={x.id} value={x.id}>
            {x.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn-small btn-primary"
        aria-label={t('admin.codes.mapOne', { code: code.code })}
        disabled={busy || !chosen}
        onClick={() => chosen && onMap(chosen.id, chosen.label)}
      >
        {t('admin.codes.map')}
      </button>
    </div>
  );
}
