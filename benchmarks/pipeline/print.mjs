// Plain-text tables for benchmark output (Markdown pipe tables, so BENCHMARKS.md can hold them as printed).

/** A Markdown table: the first `left` columns align left (labels), the others right (figures). */
export function table(heads, rows, { left = 1 } = {}) {
  const widths = heads.map((head, i) => Math.max(head.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((cell, i) => (i < left ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i < left ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(heads), rule, ...rows.map(line)].join('\n');
}
