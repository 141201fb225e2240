import { useTranslation } from 'react-i18next';
import { NavLink, useParams } from 'react-router';
import { ApiKeysSection } from '@web/pages/admin/api-keys-section';
import { BroadcastSection } from '@web/pages/admin/broadcast-section';
import { CodesSection } from '@web/pages/admin/codes-section';
import { LinesSection } from '@web/pages/admin/lines-section';
import { QueuesSection } from '@web/pages/admin/queues-section';
import { RoutingSection } from '@web/pages/admin/routing-section';
import { UsersSection } from '@web/pages/admin/users-section';
import '@web/pages/admin/admin.css';

const SECTIONS = {
  users: UsersSection,
  queues: QueuesSection,
  lines: LinesSection,
  'api-keys': ApiKeysSection,
  codes: CodesSection,
  routing: RoutingSection,
  broadcast: BroadcastSection,
} as const;
type Section = keyof typeof SECTIONS;

/** Administration: one page, a section per thing an admin sets up, each with its own address. */
export function AdminPage() {
  const { t } = useTranslation();
  const { section } = useParams();
  const current: Section = section && section in SECTIONS ? (section as Section) : 'users';
  const Body = SECTIONS[current];
  return (
    <div className="admin">
      <nav className="subnav" aria-label={t('admin.sections')}>
        {(Object.keys(SECTIONS) as Section[]).map((s) => (
          <NavLink key={s} to={`/admin/${s}`} className={s === current ? 'active' : undefined}>
            {t(`admin.section.${s}`)}
          </NavLink>
        ))}
      </nav>
      <Body />
    </div>
  );
}
