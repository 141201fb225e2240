import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';
import type { AdminUser } from '@web/api/supervision-types';
import type { Role } from '@web/api/types';
import { useAction } from '@web/pages/admin/use-action';

const ROLES: readonly Role[] = ['agent', 'receptionist', 'supervisor', 'admin'];

function RolePicker({
  value,
  onChange,
  legend,
}: {
  value: Role[];
  onChange: (roles: Role[]) => void;
  legend: string;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="roles-picker">
      <legend>{legend}</legend>
      {ROLES.map((r) => (
        <label key={r}>
          <input
            type="checkbox"
            checked={value.includes(r)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))
            }
          />{' '}
          {t(`role.${r}`)}
        </label>
      ))}
    </fieldset>
  );
}

/** People: create, change roles and extension, deactivate, reset a password. */
export function UsersSection() {
  const { t } = useTranslation();
  const users = useQuery({ queryKey: ['admin', 'users'], queryFn: supervision.users });
  const [editing, setEditing] = useState<string | null>(null);
  const create = useAction([['admin', 'users']]);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    password: '',
    extension: '',
    roles: ['agent'] as Role[],
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const done = await create.run(
      () =>
        supervision.createUser({
          username: form.username.trim(),
          displayName: form.displayName.trim(),
          password: form.password,
          roles: form.roles,
          ...(form.extension.trim() ? { extension: form.extension.trim() } : {}),
        }),
      t('admin.users.created', { name: form.displayName }),
    );
    if (done)
      setForm({ username: '', displayName: '', password: '', extension: '', roles: ['agent'] });
  };

  const list = users.data?.items ?? [];
  const selected = list.find((u) => u.id === editing) ?? null;
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="users-title">
        <header className="card-head">
          <h2 id="users-title">{t('admin.users.title')}</h2>
          <span className="count">{list.length}</span>
        </header>
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="users-title">
            <thead>
              <tr>
                <th scope="col">{t('admin.users.name')}</th>
                <th scope="col">{t('admin.users.username')}</th>
                <th scope="col">{t('admin.users.roles')}</th>
                <th scope="col">{t('admin.users.extension')}</th>
                <th scope="col">{t('admin.users.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id} className={u.active ? '' : 'row-inactive'}>
                  <th scope="row">{u.displayName}</th>
                  <td className="mono">{u.username}</td>
                  <td>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
                  <td className="mono">{u.extension ?? '—'}</td>
                  <td>{u.active ? t('admin.users.active') : t('admin.users.inactive')}</td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={t('admin.users.editOne', { name: u.displayName })}
                      onClick={() => setEditing(u.id)}
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
      <div className="stack">
        {selected ? (
          <UserEditor key={selected.id} user={selected} onClose={() => setEditing(null)} />
        ) : null}
        <section className="card" aria-labelledby="new-user-title">
          <h2 id="new-user-title">{t('admin.users.new')}</h2>
          <form className="form" onSubmit={(e) => void submit(e)}>
            <div className="row">
              <label className="field">
                <span>{t('admin.users.name')}</span>
                <input
                  required
                  value={form.displayName}
                  onChange={(e) => setForm({ ...form, displayName: e.target.value })}
                />
              </label>
              <label className="field">
                <span>{t('admin.users.username')}</span>
                <input
                  required
                  autoComplete="off"
                  value={form.username}
                  onChange={(e) => setForm({ ...form, username: e.target.value })}
                />
              </label>
            </div>
            <div className="row">
              <label className="field">
                <span>{t('admin.users.password')}</span>
                <input
                  required
                  type="password"
                  autoComplete="new-password"
                  minLength={8}
                  value={form.password}
                  onChange={(e) => setForm({ ...form, password: e.target.value })}
                />
              </label>
              <label className="field">
                <span>{t('admin.users.extension')}</span>
                <input
                  value={form.extension}
                  onChange={(e) => setForm({ ...form, extension: e.target.value })}
                />
              </label>
            </div>
            <RolePicker
              legend={t('admin.users.roles')}
              value={form.roles}
              onChange={(roles) => setForm({ ...form, roles })}
            />
            {create.notice}
            <button
              type="submit"
              className="btn btn-primary"
              disabled={create.busy || form.roles.length === 0}
            >
              {t('admin.users.create')}
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}

function UserEditor({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useAction([['admin', 'users']]);
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [displayName, setDisplayName] = useState(user.displayName);
  const [extension, setExtension] = useState(user.extension ?? '');
  const [password, setPassword] = useState('');
  return (
    <section className="card" aria-labelledby="edit-user-title">
      <header className="card-head">
        <h2 id="edit-user-title">{t('admin.users.editing', { name: user.displayName })}</h2>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          {t('common.dismiss')}
        </button>
      </header>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run(
            () =>
              supervision.updateUser(user.id, {
                displayName,
                roles,
                ...(extension.trim() ? { extension: extension.trim() } : {}),
              }),
            t('admin.saved'),
          );
        }}
      >
        <div className="row">
          <label className="field">
            <span>{t('admin.users.name')}</span>
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('admin.users.extension')}</span>
            <input value={extension} onChange={(e) => setExtension(e.target.value)} />
          </label>
        </div>
        <RolePicker legend={t('admin.users.roles')} value={roles} onChange={setRoles} />
        <button
          type="submit"
          className="btn btn-primary"
          disabled={save.busy || roles.length === 0}
        >
          {t('admin.save')}
        </button>
      </form>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save
            .run(
              () => supervision.updateUser(user.id, { password }),
              t('admin.users.passwordReset'),
            )
            .then(() => setPassword(''));
        }}
      >
        <label className="field grow">
          <span>{t('admin.users.newPassword')}</span>
          <input
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="btn" disabled={save.busy}>
          {t('admin.users.resetPassword')}
        </button>
      </form>
      <button
        type="button"
        className={user.active ? 'btn btn-decline' : 'btn btn-accept'}
        disabled={save.busy}
        onClick={() =>
          void save.run(
            () => supervision.updateUser(user.id, { active: !user.active }),
            user.active ? t('admin.users.deactivated') : t('admin.users.activated'),
          )
        }
      >
        {user.active ? t('admin.users.deactivate') : t('admin.users.activate')}
      </button>
      {save.notice}
    </section>
  );
}
