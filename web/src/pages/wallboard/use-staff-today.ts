import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { supervision } from '@web/api/supervision';

export interface PersonToday {
  answered: number;
  /**
   * The staff report's figure for today (one day bucket): (talk + wrap-up) / seconds available,
   * from the status spans, so the wallboard and the report never disagree.
   */
  occupancy: number | null;
}

const DAY_MS = 24 * 3600_000;

/** Today's work per person: the staff report over today as one bucket, refreshed every 30 s. */
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
        bucket: '1d',
      }),
  });
  return useMemo(() => {
    const start = todayFrom === null ? NaN : Date.parse(todayFrom);
    const people = new Map<string, PersonToday>();
    for (const row of report.data?.rows ?? []) {
      // A day with a clock change is not 24 hours: only the bucket that starts today counts.
      if (Date.parse(row.bucketStart) !== start) continue;
      people.set(row.staffId, { answered: row.answered, occupancy: row.occupancy });
    }
    return people;
  }, [report.data, todayFrom]);
}
