/**
 * Splits a migration file into statements. Each statement is sent on its own because
 * TimescaleDB refuses some DDL (continuous aggregates) inside a multi-statement string,
 * which PostgreSQL runs as one implicit transaction.
 */
export function splitSql(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
      cur += '\n';
      continue;
    }
    if (ch === "'") {
      const end = findQuoteEnd(text, i);
      cur += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const end = text.indexOf(tag, i + tag.length);
        if (end === -1) throw new Error(`unterminated ${tag} block`);
        cur += text.slice(i, end + tag.length);
        i = end + tag.length;
        continue;
      }
    }
    if (ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function findQuoteEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  throw new Error('unterminated string literal');
}
