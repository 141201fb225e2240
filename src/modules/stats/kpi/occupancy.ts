/**
 * Occupancy of a person over an interval (product.md): (talk + wrap-up seconds) / (seconds
 * logged in and not on break). Talk and wrap-up belong to the interval the call arrived in, like
 * every call figure; the seconds logged in are split across intervals by time (clipped spans of
 * status "available", busy or not). Null when the person was not available at all.
 */
export function staffOccupancy(figures: {
  talkSeconds: number;
  wrapUpSeconds: number;
  availableSeconds: number;
}): number | null {
  const { talkSeconds, wrapUpSeconds, availableSeconds } = figures;
  for (const [name, value] of Object.entries(figures)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (availableSeconds === 0) return null;
  return (talkSeconds + wrapUpSeconds) / availableSeconds;
}
