import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '@web/api/errors';
import { supervision } from '@web/api/supervision';
import type { ReportQuery } from '@web/api/supervision-types';

/** Downloads the server's own CSV of the report: the same numbers as the screen, by definition. */
export function CsvButton({
  report,
  query,
}: {
  report: 'lines' | 'queues' | 'staff';
  query: ReportQuery;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      const text = await supervision.reportCsv(report, query);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${report}-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}-${query.bucket}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => void download()}>
        {t('reports.csv')}
      </button>
      {error ? (
        <span role="alert" className="notice notice-error">
          {error}
        </span>
      ) : null}
    </>
  );
}
