import { useEffect, useState, useSyncExternalStore } from 'react';

/** The current time, re-read every `everyMs`: one timer per component that shows ticking times. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * One clock for every ticking time on a page (the board shows hundreds): one timer, and each
 * reader re-renders only when the figure it shows changes, not the list around it.
 */
let clockNow = Date.now();
let clockTimer: ReturnType<typeof setInterval> | null = null;
const clockListeners = new Set<() => void>();

/** The tick's time; read with no timer running (the first reader), the time now. */
function readClock(): number {
  if (clockTimer === null) clockNow = Date.now();
  return clockNow;
}

function subscribeClock(listener: () => void): () => void {
  clockListeners.add(listener);
  if (clockTimer === null) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      clockListeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && clockTimer !== null) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

/** Whole seconds since `iso` on the shared one-second clock. */
export function useSecondsSince(iso: string): number {
  return useSyncExternalStore(subscribeClock, () => secondsSince(iso, readClock()));
}

/** Whether `seconds` have passed since `iso`: re-renders once, when it becomes true. */
export function useSecondsPassed(iso: string, seconds: number): boolean {
  return useSyncExternalStore(subscribeClock, () => secondsSince(iso, readClock()) >= seconds);
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
