/**
 * Knex expands an array binding into a list (`?, ?, ?`), which `= any(?)` cannot take; a
 * PostgreSQL array literal bound as one string and cast in SQL (`any(?::uuid[])`) can.
 * Only for values without quotes, commas or braces: ids, codes, enum values.
 */
export function pgArray(values: readonly string[]): string {
  for (const value of values) {
    if (/[",{}\\\s]/.test(value))
      throw new Error(`pgArray: unsafe element ${JSON.stringify(value)}`);
  }
  return `{${values.join(',')}}`;
}
