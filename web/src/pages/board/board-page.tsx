import { useConsole } from '@web/api/console-store';
import { CallsPanel } from '@web/pages/board/calls-panel';
import { RegisterCall } from '@web/pages/board/register-call';
import { StaffPanel } from '@web/pages/board/staff-panel';
import { UnfinishedList } from '@web/pages/board/unfinished-list';

/** The receptionist's operator panel: calls, staff lamps, manual registration, callbacks owed. */
export function BoardPage() {
  const live = useConsole();
  return (
    <div className="board-grid">
      <div className="stack">
        <CallsPanel waiting={live.waiting} inProgress={live.inProgress} staff={live.staff} />
      </div>
      <div className="stack">
        <StaffPanel staff={live.staff} />
      </div>
      <div className="stack">
        <RegisterCall />
        <UnfinishedList />
      </div>
    </div>
  );
}
