import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import { useAction } from '@web/pages/admin/use-action';

/** Lines (trunks): code, name and how many simultaneous calls they carry. */
export function LinesSection() {
  const { t } = useTranslation();
  const lines = useQuery({ queryKey: ['admin', 'lines'], queryFn: supervision.lines });
  const action = useAction([['admin', 'lines']]);
  const [form, setForm] = useState({ code: '', name: '', channels: 30 });
  const list = lines.data?.items ?? [];
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="lines-title">
        <header className="card-head">
          <h2 id="lines-title">{t('admin.lines.title')}</h2>
          <span className="count">{list.length}</span>
        </header>
        <table className="data-table" aria-labelledby="lines-title">
          <thead>
            <tr>
              <th scope="col">{t('admin.lines.name')}</th>
              <th scope="col">{t('admin.lines.code')}</th>
              <th scope="col">{t('admin.lines.channels')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((l) => (
              <tr key={l.id}>
                <th scope="row">{l.name}</th>
                <td className="mono">{l.code}</td>
                <td>
                  <input
                    type="number"
                    min={0}
                    className="narrow"
                    aria-label={t('admin.lines.channelsOf', { name: l.name })}
                    defaultValue={l.channels}
                    onBlur={(e) => {
                      const channels = Number(e.target.value);
                      if (channels !== l.channels) {
                        void action.run(
                          () => supervision.updateLine(l.id, { channels }),
                          t('admin.saved'),
                        );
                      }
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {action.notice}
      </section>
      <section className="card" aria-labelledby="new-line-title">
        <h2 id="new-line-title">{t('admin.lines.new')}</h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void action
              .run(
                () => supervision.createLine(form),
                t('admin.lines.created', { name: form.name }),
              )
              .then((done) => done && setForm({ code: '', name: '', channels: 30 }));
          }}
        >
          <div className="row">
            <label className="field">
              <span>{t('admin.lines.code')}</span>
              <input
                required
                pattern="[a-z0-9][a-z0-9._\-]{0,63}"
                title={t('admin.codeRule')}
                value={form.code}
                onChange={(e) => setForm({ ...form, code: e.target.value })}
              />
            </label>
            <label className="field">
              <span>{t('admin.lines.channels')}</span>
              <input
                type="number"
                min={0}
                required
                value={form.channels}
                onChange={(e) => setForm({ ...form, channels: Number(e.target.value) })}
              />
            </label>
          </div>
          <label className="field">
            <span>{t('admin.lines.name')}</span>
            <input
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('admin.lines.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
