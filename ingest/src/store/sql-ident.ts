/** Quotes an identifier: table and column names are ours, but SQL is never built from unquoted strings. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
