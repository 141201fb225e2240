export type CsvValue = string | number | boolean | null | undefined;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line, then one line per row in `columns` order; CRLF line ends as RFC 4180 says. */
export function toCsv<T extends object>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
) {
  const lines = [columns.map((c) => field(c)).join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => field(row[c] as CsvValue)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
