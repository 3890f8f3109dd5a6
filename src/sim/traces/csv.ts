/**
 * RFC 4180 fields of one CSV line: commas, double-quoted fields with "" for a
 * quote. The trace CSVs we read keep one record per line, so a quoted field
 * may not span lines (that is reported, not silently joined).
 */
export function splitCsvLine(line: string): string[] | { error: string } {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34 /* " */) {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { error: 'unterminated quoted field' };
        v += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i < n && line.charCodeAt(i) !== 44 /* , */) return { error: `text after a closing quote at column ${i + 1}` };
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? n : c;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= n) return out;
    i++; // past the comma
  }
}
