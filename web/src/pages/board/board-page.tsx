import { useConsole, useConsoleStaff } from '@web/api/console-store';
import { CallsPanel } from '@web/pages/board/calls-panel';
import { RegisterCall } from '@web/pages/board/register-call';
import { StaffPanel } from '@web/pages/board/staff-panel';
import { UnfinishedList } from '@web/pages/board/unfinished-list';

/**
 * The receptionist's operator panel: calls, staff lamps, manual registration, callbacks owed.
 * Each panel reads the live state it shows, so a delta renders only the panels it touches.
 */
export function BoardPage() {
  return (
    <div className="board-grid">
      <div className="stack">
        <LiveCalls />
      </div>
      <div className="stack">
        <LiveStaff />
      </div>
      <div className="stack">
        <RegisterCall />
        <UnfinishedList />
      </div>
    </div>
  );
}

function LiveCalls() {
  const live = useConsole();
  return <CallsPanel waiting={live.waiting} inProgress={live.inProgress} staff={live.staff} />;
}

function LiveStaff() {
  return <StaffPanel staff={useConsoleStaff()} />;
}
