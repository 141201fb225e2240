import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A long live list in its own scroll pane, of which only the rows on or near the screen are in the
 * document (the rest are two spacers). A board of 200 waiting calls and 200 staff lamps under 50
 * changes a second otherwise keeps 1,600 layout objects, 200 selects and their styles current for
 * rows nobody sees; with `content-visibility: auto` instead, Chromium brought each off-screen row up
 * to date one by one, 177 whole-document layouts in one frame (a trace of the board's benchmark).
 *
 * Still a list to assistive technology: each row says its place in the whole (`aria-posinset` of
 * `aria-setsize`), and the pane scrolls from the keyboard.
 *
 * With `minItemWidth`, the items flow in as many columns as fit (a grid of lamps); rows of items are
 * what is virtualised then, and every row is `rowHeight` tall (the items must be fixed-height).
 */
export function VirtualList<T>({
  items,
  keyOf,
  rowHeight,
  label,
  className,
  paneClassName,
  minItemWidth,
  gap = 0,
  children,
}: {
  items: readonly T[];
  keyOf: (item: T) => string;
  /** A row's height in px (an estimate when one column: rows are measured as they render). */
  rowHeight: number;
  label: string;
  className: string;
  paneClassName: string;
  /** Several columns: items at least this wide, `gap` px apart (the list's CSS grid must match). */
  minItemWidth?: number;
  gap?: number;
  /** One item, a `<li>` that spreads `row` on itself. */
  children: (item: T, row: RowProps) => ReactNode;
}) {
  const pane = useRef<HTMLDivElement>(null);
  const columns = useColumns(pane, minItemWidth, gap);
  const rows = Math.ceil(items.length / columns);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser's instance changes on every scroll
  const virtual = useVirtualizer({
    count: rows,
    getScrollElement: () => pane.current,
    estimateSize: () => rowHeight + gap,
    getItemKey: (r) => (columns === 1 ? keyOf(items[r]) : r),
    overscan: 6,
  });
  const shown = virtual.getVirtualItems();
  const before = shown.length ? shown[0].start : 0;
  const after = shown.length ? virtual.getTotalSize() - shown[shown.length - 1].end : 0;
  const spacer = (height: number, key: string) =>
    height > gap ? (
      <li
        key={key}
        className="virtual-spacer"
        aria-hidden="true"
        style={{ height: height - gap }}
      />
    ) : null;

  const out: ReactNode[] = [spacer(before, 'before')];
  for (const row of shown) {
    const from = row.index * columns;
    for (let i = from; i < Math.min(items.length, from + columns); i++) {
      out.push(
        <Fragment key={keyOf(items[i])}>
          {children(items[i], {
            'aria-posinset': i + 1,
            'aria-setsize': items.length,
            'data-index': row.index,
            ref: columns === 1 ? virtual.measureElement : undefined,
          })}
        </Fragment>,
      );
    }
  }
  out.push(spacer(after, 'after'));
  return (
    // As tall as all its rows, up to the pane's CSS max-height: an empty-looking pane has no rows.
    <div
      className={`virtual-pane ${paneClassName}`}
      ref={pane}
      tabIndex={0}
      style={{ height: virtual.getTotalSize() - gap }}
    >
      <ul className={className} aria-label={label}>
        {out}
      </ul>
    </div>
  );
}

/** What a row's `<li>` takes from the list: its place in the whole, and measuring. */
export interface RowProps {
  'aria-posinset': number;
  'aria-setsize': number;
  'data-index': number;
  ref: ((el: Element | null) => void) | undefined;
}

/** How many items of at least `minWidth` fit across the pane (1 without a minimum). */
function useColumns(
  pane: React.RefObject<HTMLDivElement | null>,
  minWidth: number | undefined,
  gap: number,
): number {
  const [columns, setColumns] = useState(1);
  useLayoutEffect(() => {
    const el = pane.current;
    if (!el || !minWidth) return;
    const fit = () => {
      const width = el.clientWidth;
      setColumns(Math.max(1, Math.floor((width + gap) / (minWidth + gap))));
    };
    fit();
    const watch = new ResizeObserver(fit);
    watch.observe(el);
    return () => watch.disconnect();
  }, [pane, minWidth, gap]);
  return columns;
}
