import { useSyncExternalStore } from 'react';

/**
 * One clock per period for the whole page: every ticking figure reads the same instant and
 * re-renders in the same task, rather than a timer per component (a wallboard has hundreds).
 */
class Clock {
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private now = Date.now();

  constructor(private readonly everyMs: number) {}

  subscribe = (listener: () => void): (() => void) => {
    if (this.listeners.size === 0) {
      this.timer = setInterval(() => {
        this.now = Date.now();
        this.listeners.forEach((l) => l());
      }, this.everyMs);
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  };

  /** Stable between two reads of one render (React compares them); fresh when nobody ticks. */
  read = (): number => {
    if (this.timer === null && Date.now() - this.now >= this.everyMs) this.now = Date.now();
    return this.now;
  };
}

const clocks = new Map<number, Clock>();

/** The page's clock for one period, made on first use. */
function clockOf(everyMs: number): Clock {
  let clock = clocks.get(everyMs);
  if (clock === undefined) {
    clock = new Clock(everyMs);
    clocks.set(everyMs, clock);
  }
  return clock;
}

const still = () => () => undefined;
const never = () => 0;

/**
 * The current time, re-read every `everyMs` by a clock shared with every component asking.
 * With `ticking` false the component does not follow the clock (0; e.g. a tile nobody waits on).
 */
export function useNow(everyMs = 1000, ticking = true): number {
  const clock = clockOf(everyMs);
  return useSyncExternalStore(ticking ? clock.subscribe : still, ticking ? clock.read : never);
}

/** Whole seconds since `iso` on the shared clock: re-renders only when the figure changes. */
export function useSecondsSince(iso: string): number {
  const clock = clockOf(1000);
  return useSyncExternalStore(clock.subscribe, () => secondsSince(iso, clock.read()));
}

/** Whether `seconds` have passed since `iso`: re-renders once, when it becomes true. */
export function useSecondsPassed(iso: string, seconds: number): boolean {
  const clock = clockOf(1000);
  return useSyncExternalStore(clock.subscribe, () => secondsSince(iso, clock.read()) >= seconds);
}

export function secondsSince(iso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
}

export function secondsUntil(iso: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
}

/** 0:07, 12:45, 1:02:03 */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * The zone every date and time on screen is shown in: the server's configured one (from
 * /api/me), so a receptionist's "14:05" is the reports' 14:05 whatever the computer's clock says.
 * Undefined until signed in (or for a session stored before the server said): the browser's own.
 */
let displayZone: string | undefined;

export function setDisplayTimeZone(zone: string | undefined): void {
  displayZone = zone;
}

export function displayTimeZone(): string | undefined {
  return displayZone;
}

/** Building an Intl.DateTimeFormat costs far more than using one: lists format many dates. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  language: string,
  style: 'day' | 'time' | 'dateTime' | 'clock',
): Intl.DateTimeFormat {
  const key = `${language}|${style}|${displayZone ?? ''}`;
  let f = formatters.get(key);
  if (f === undefined) {
    const styles: Record<typeof style, Intl.DateTimeFormatOptions> = {
      day: { timeZone: displayZone },
      time: { timeStyle: 'short', timeZone: displayZone },
      dateTime: { dateStyle: 'short', timeStyle: 'short', timeZone: displayZone },
      clock: { timeStyle: 'medium', timeZone: displayZone },
    };
    f = new Intl.DateTimeFormat(language, styles[style]);
    formatters.set(key, f);
  }
  return f;
}

function dayIn(date: Date): string {
  return formatter('en-CA', 'day').format(date);
}

export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  const sameDay = dayIn(date) === dayIn(new Date());
  return formatter(language, sameDay ? 'time' : 'dateTime').format(date);
}

/** A clock time (14:05:09) in the display zone. */
export function formatTime(iso: string | number, language: string): string {
  return formatter(language, 'clock').format(new Date(iso));
}
