/** A unique violation of the named index: a claim that lost to another process's claim. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return (
    (e.code === '23505' || /duplicate key/.test(e.message ?? '')) &&
    (e.constraint === constraint || (e.message ?? '').includes(constraint))
  );
}

/** Claimed offers in the order routing decided, whatever order the insert returned them in. */
export function inOfferOrder(
  rows: readonly { staff_id: string; id: string }[],
  ordered: readonly string[],
): { staffId: string; offerId: string }[] {
  const rank = new Map(ordered.map((id, i) => [id, i]));
  return rows
    .map((r) => ({ staffId: r.staff_id, offerId: r.id }))
    .sort((x, y) => (rank.get(x.staffId) ?? 0) - (rank.get(y.staffId) ?? 0));
}
