import { useLayoutEffect, useRef } from 'react';
import { formatDuration } from '@web/components/time';

/**
 * Every ticking duration on the page (time in state, longest wait) under one 1 s timer that
 * writes the spans' text directly: hundreds of rows do not re-render, diff and commit through
 * React once a second to change a few digits, and a span whose figure is unchanged is not
 * touched at all.
 *
 * The timer writes only the spans on or near the screen; a span catches up the moment it comes
 * into view. On a board of 200 waiting calls, the off-screen rows are skipped by the browser
 * (`content-visibility: auto`); writing their text and aria-label every second made Chromium bring
 * each of those rows' style and layout up to date one by one for its accessibility tree (a trace
 * showed 176 whole-document layouts in one 150–350 ms task, once a second).
 */
interface Entry {
  since: number;
  /** The span's aria-label for the figure, kept with it. */
  label?: (time: string) => string;
  /** On or near the screen (until the observer says otherwise, yes). */
  shown: boolean;
}
const spans = new Map<HTMLElement, Entry>();
let timer: ReturnType<typeof setInterval> | null = null;
let observer: IntersectionObserver | null = null;

function write(span: HTMLElement, { since, label }: Entry, now: number): void {
  const text = formatDuration(Math.max(0, Math.floor((now - since) / 1000)));
  if (span.textContent === text) return;
  span.textContent = text;
  if (label) span.setAttribute('aria-label', label(text));
}

function tick(): void {
  const now = Date.now();
  spans.forEach((entry, span) => {
    if (entry.shown) write(span, entry, now);
  });
}

/** One observer for every span; a margin of half a screen so a scrolled-to row is already current. */
function watcher(): IntersectionObserver | null {
  if (observer || typeof IntersectionObserver === 'undefined') return observer;
  observer = new IntersectionObserver(
    (changes) => {
      const now = Date.now();
      for (const change of changes) {
        const span = change.target as HTMLElement;
        const entry = spans.get(span);
        if (!entry) continue;
        entry.shown = change.isIntersecting;
        if (entry.shown) write(span, entry, now);
      }
    },
    { rootMargin: '50% 0px' },
  );
  return observer;
}

function register(span: HTMLElement, since: number, label?: (time: string) => string): () => void {
  const entry: Entry = { since, label, shown: true };
  spans.set(span, entry);
  write(span, entry, Date.now());
  watcher()?.observe(span);
  timer ??= setInterval(tick, 1000);
  return () => {
    spans.delete(span);
    observer?.unobserve(span);
    if (spans.size === 0) {
      if (timer !== null) clearInterval(timer);
      timer = null;
      observer?.disconnect();
      observer = null;
    }
  };
}

/**
 * 0:07, 12:45, 1:02:03 since `since` (ISO or epoch ms), kept current by the page's shared
 * ticker. React renders the span empty and never its text, so the ticker's writes and React's
 * never meet; the text is set before the first paint.
 */
export function TickingDuration({
  since,
  className,
  label,
}: {
  since: string | number;
  className?: string;
  /** An aria-label from the figure ("waited 1:05"); keep it stable (a module function). */
  label?: (time: string) => string;
}) {
  const ref = useRef<HTMLSpanElement>(null);
  const at = typeof since === 'number' ? since : Date.parse(since);
  useLayoutEffect(() => register(ref.current!, at, label), [at, label]);
  return <span ref={ref} className={className} />;
}
