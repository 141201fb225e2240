/**
 * Calendar arithmetic in the server's time zone (not the browser's): a plan entered as
 * "Thursday 15:00" means 15:00 where the office is, whatever zone the laptop is set to.
 * Days are `YYYY-MM-DD` keys; times are ISO instants.
 */

export interface ZonedParts {
  day: string;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function zonedParts(ms: number, zone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

/** The zone's offset from UTC at that instant, in minutes (positive east of Greenwich). */
function offsetMinutes(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  const [y, m, d] = p.day.split('-').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, p.hour, p.minute);
  return Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/** The instant of a wall-clock time in `zone` (a time skipped by DST lands just after the gap). */
export function zonedToInstant(day: string, time: string, zone: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const [h, min] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, h, min);
  let instant = wall - offsetMinutes(wall, zone) * 60_000;
  const second = wall - offsetMinutes(instant, zone) * 60_000;
  if (second !== instant) instant = second;
  return new Date(instant);
}

export function dayOf(ms: number, zone: string): string {
  return zonedParts(ms, zone).day;
}

/** `HH:MM` of an instant in `zone`. */
export function timeOf(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** Minutes since that day's midnight in `zone`. */
export function minuteOfDay(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  return p.hour * 60 + p.minute;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Monday of the week holding `day`. */
export function weekStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** A day key as a Date at noon UTC: for Intl formatting of the date alone (timeZone 'UTC'). */
export function dayAsDate(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

/** `minutes` after midnight as `HH:MM`, snapped down to `step` minutes. */
export function clockOf(minutes: number, step = 15): string {
  const snapped = Math.max(0, Math.min(24 * 60 - step, Math.floor(minutes / step) * step));
  return `${String(Math.floor(snapped / 60)).padStart(2, '0')}:${String(snapped % 60).padStart(2, '0')}`;
}

/**
 * Side-by-side lanes for overlapping items of one day: each item gets a lane and the number of
 * lanes of its cluster (items that overlap one another, directly or through others).
 */
export function layoutLanes<T extends { start: number; end: number }>(
  items: readonly T[],
): { item: T; lane: number; lanes: number }[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: { item: T; lane: number; lanes: number }[] = [];
  let cluster: { item: T; lane: number; lanes: number }[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -Infinity;
  const close = () => {
    for (const c of cluster) c.lanes = laneEnds.length;
    out.push(...cluster);
    cluster = [];
    laneEnds = [];
  };
  for (const item of sorted) {
    if (item.start >= clusterEnd) close();
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(item.end);
    } else laneEnds[lane] = item.end;
    cluster.push({ item, lane, lanes: 0 });
    clusterEnd = Math.max(clusterEnd, item.end);
  }
  close();
  return out;
}
