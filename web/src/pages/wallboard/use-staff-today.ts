import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';

export interface PersonToday {
  answered: number;
  /**
   * (talk + wrap-up) / time since the person's first offer today. No presence history is stored,
   * so the first offered quarter-hour stands in for the start of their shift (README).
   */
  occupancy: number | null;
}

const DAY_MS = 24 * 3600_000;

/** Today's work per person from the staff rollups (quarter-hours), refreshed every 30 s. */
export function useStaffToday(
  todayFrom: string | null,
  tz: string | null,
): Map<string, PersonToday> {
  const report = useQuery({
    queryKey: ['wallboard', 'staff-today', todayFrom, tz],
    enabled: todayFrom !== null && tz !== null,
    refetchInterval: 30_000,
    queryFn: () =>
      supervision.staffReport({
        from: todayFrom!,
        to: new Date(Date.parse(todayFrom!) + DAY_MS).toISOString(),
        tz: tz!,
        bucket: '15m',
      }),
  });
  const people = new Map<string, { answered: number; busy: number; start: number }>();
  for (const row of report.data?.rows ?? []) {
    if (row.offers === 0 && row.answered === 0 && row.talkSeconds === 0) continue;
    const p = people.get(row.staffId) ?? { answered: 0, busy: 0, start: Infinity };
    p.answered += row.answered;
    p.busy += row.talkSeconds + row.wrapUpSeconds;
    p.start = Math.min(p.start, Date.parse(row.bucketStart));
    people.set(row.staffId, p);
  }
  const now = report.dataUpdatedAt;
  return new Map(
    [...people].map(([id, p]) => {
      const span = (now - p.start) / 1000;
      return [
        id,
        { answered: p.answered, occupancy: span > 0 ? Math.min(1, p.busy / span) : null },
      ];
    }),
  );
}
