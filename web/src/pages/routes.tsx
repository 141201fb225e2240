import type { ReactNode } from 'react';
import type { Role } from '@web/api/types';
import { BoardPage } from '@web/pages/board/board-page';
import { ChatPage } from '@web/pages/chat/chat-page';
import { ConsolePage } from '@web/pages/console/console-page';
import { PlannerPage } from '@web/pages/planner/planner-page';
import { NotificationsArea } from '@web/pages/notifications/notifications-area';
import { RequestsArea } from '@web/pages/requests/requests-area';
import { WallboardPage } from '@web/pages/wallboard/wallboard-page';
import { AdminPage } from '@web/pages/admin/admin-page';
import { ReportsPage } from '@web/pages/reports/reports-page';

/**
 * Every signed-in page: its path, who may open it, and its nav label (an i18n key). The nav and
 * the guards read this list, so a new page (chat, requests, notifications) is one entry here.
 */
export interface PageDefinition {
  path: string;
  /** The page's own routes below `path` (e.g. `/chat/:roomId`), if any. */
  children?: string[];
  label: string;
  roles: readonly Role[];
  element: ReactNode;
}

export const PAGES: readonly PageDefinition[] = [
  {
    path: '/board',
    label: 'nav.board',
    roles: ['receptionist', 'supervisor', 'admin'],
    element: <BoardPage />,
  },
  {
    path: '/console',
    label: 'nav.console',
    roles: ['agent', 'receptionist', 'supervisor'],
    element: <ConsolePage />,
  },
  {
    path: '/requests',
    children: ['/requests/:requestId'],
    label: 'requests.nav',
    roles: ['agent', 'receptionist', 'supervisor', 'admin'],
    element: <RequestsArea />,
  },
  {
    path: '/planner',
    children: ['/planner/:planId'],
    label: 'planner.nav',
    roles: ['agent', 'receptionist', 'supervisor', 'admin'],
    element: <PlannerPage />,
  },
  {
    path: '/chat',
    children: ['/chat/:roomId'],
    label: 'chat.nav',
    roles: ['agent', 'receptionist', 'supervisor', 'admin'],
    element: <ChatPage />,
  },
  {
    path: '/notifications',
    children: ['/notifications/settings'],
    label: 'notifications.nav',
    roles: ['agent', 'receptionist', 'supervisor', 'admin'],
    element: <NotificationsArea />,
  },
  {
    path: '/wallboard',
    label: 'supervisionNav.wallboard',
    roles: ['supervisor', 'admin'],
    element: <WallboardPage />,
  },
  {
    path: '/reports',
    children: ['/reports/:tab'],
    label: 'supervisionNav.reports',
    roles: ['supervisor', 'admin'],
    element: <ReportsPage />,
  },
  {
    path: '/admin',
    children: ['/admin/:section'],
    label: 'supervisionNav.admin',
    roles: ['admin'],
    element: <AdminPage />,
  },
];

/** Where a person lands after signing in: the first page of the list open to them. */
export function homePath(roles: readonly Role[]): string {
  if (roles.includes('agent')) return '/console';
  return PAGES.find((p) => p.roles.some((r) => roles.includes(r)))?.path ?? '/sign-in';
}
