import type { ClaimedOffer } from '@/modules/routing/routing-pipeline';
import type { PresenceRow } from '@/modules/staff/staff-state.repository';

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
  rows: readonly { staff_id: string; id: string; presence?: PresenceRow }[],
  ordered: readonly string[],
): ClaimedOffer[] {
  const rank = new Map(ordered.map((id, i) => [id, i]));
  return rows
    .map((r) =>
      r.presence
        ? { staffId: r.staff_id, offerId: r.id, presence: r.presence }
        : { staffId: r.staff_id, offerId: r.id },
    )
    .sort((x, y) => (rank.get(x.staffId) ?? 0) - (rank.get(y.staffId) ?? 0));
}
