/** A unique violation of the named index: a claim that lost to another process's claim. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return (
    (e.code === '23505' || /duplicate key/.test(e.message ?? '')) &&
    (e.constraint === constraint || (e.message ?? '').includes(constraint))
  );
}
