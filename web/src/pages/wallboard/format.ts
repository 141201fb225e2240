/** 83 %, or a dash when there is nothing to divide yet. */
export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)} %`;
}

/** 12 s, or a dash. */
export function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value)} s`;
}
