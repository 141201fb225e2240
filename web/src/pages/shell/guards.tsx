import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { ReactNode } from 'react';
import { session } from '@web/api/session';
import type { Role } from '@web/api/types';
import { homePath } from '@web/pages/routes';
import { hasAnyRole, useSession } from '@web/pages/shell/use-session';

/** Signed-in pages: without a session, to sign-in, remembering where the person was going. */
export function RequireSession({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  if (current === null) {
    const next = encodeURIComponent(`${location.pathname}${location.search}`);
    const expired = session.lastEndReason() === 'expired' ? 'reason=expired&' : '';
    return <Navigate to={`/sign-in?${expired}next=${next}`} replace />;
  }
  return children;
}

/** A page for some roles only: anyone else goes to their own home page, told why. */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const current = useSession();
  if (current !== null && !hasAnyRole(current, roles)) {
    return <Navigate to={homePath(current.me.roles)} replace state={{ denied: true }} />;
  }
  return children;
}

/** Shown on the page a person was sent to after asking for one their role may not open. */
export function DeniedNotice() {
  const { t } = useTranslation();
  const location = useLocation();
  const denied = (location.state as { denied?: boolean } | null)?.denied === true;
  return denied ? (
    <p role="alert" className="notice notice-warn">
      {t('shell.denied')}
    </p>
  ) : null;
}
