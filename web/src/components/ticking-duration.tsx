import { useLayoutEffect, useRef } from 'react';
import { formatDuration } from '@web/components/time';

/**
 * Every ticking duration on the page (time in state, longest wait) under one 1 s timer that
 * writes the spans' text directly: hundreds of rows do not re-render, diff and commit through
 * React once a second to change a few digits, and a span whose figure is unchanged is not
 * touched at all.
 */
interface Entry {
  since: number;
  /** The span's aria-label for the figure, kept with it. */
  label?: (time: string) => string;
}
const spans = new Map<HTMLElement, Entry>();
let timer: ReturnType<typeof setInterval> | null = null;

function write(span: HTMLElement, { since, label }: Entry, now: number): void {
  const text = formatDuration(Math.max(0, Math.floor((now - since) / 1000)));
  if (span.textContent === text) return;
  span.textContent = text;
  if (label) span.setAttribute('aria-label', label(text));
}

function tick(): void {
  const now = Date.now();
  spans.forEach((entry, span) => write(span, entry, now));
}

function register(span: HTMLElement, entry: Entry): () => void {
  spans.set(span, entry);
  write(span, entry, Date.now());
  timer ??= setInterval(tick, 1000);
  return () => {
    spans.delete(span);
    if (spans.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
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
  useLayoutEffect(() => register(ref.current!, { since: at, label }), [at, label]);
  return <span ref={ref} className={className} />;
}
