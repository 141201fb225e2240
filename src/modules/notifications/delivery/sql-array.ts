/**
 * A PostgreSQL array literal for a bound parameter (`?::uuid[]`, `?::text[]`). Knex expands a
 * JavaScript array bound to `?` into a list, which `any(?)` cannot take; a literal string is
 * bound as one value. Every element is quoted, so commas, braces and quotes stay data.
 */
export function sqlArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
