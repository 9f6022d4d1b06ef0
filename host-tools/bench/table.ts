// Small formatting helpers: aligned plain-text tables and Markdown tables.

export type Align = "l" | "r";

/** Columns padded to their widest cell; the first row is the header. */
export function textTable(rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (row: readonly string[]): string =>
    row.map((c, i) => (align[i] === "r" ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join("\n") + "\n";
}

/** A GitHub-flavoured Markdown table; the first row is the header. */
export function markdownTable(rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const esc = (c: string): string => c.replace(/\|/g, "\\|");
  const out = [
    "| " + rows[0].map(esc).join(" | ") + " |",
    "|" + align.map((a) => (a === "r" ? "---:" : ":---")).join("|") + "|",
  ];
  for (const row of rows.slice(1)) out.push("| " + row.map(esc).join(" | ") + " |");
  return out.join("\n") + "\n";
}

/** Fixed decimals, or "-" for a missing value. */
export function fmt(x: number | null | undefined, decimals: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(decimals);
}

/** Geometric mean of positive numbers (null when there are none). */
export function geomean(xs: readonly number[]): number | null {
  const ok = xs.filter((x) => x > 0 && Number.isFinite(x));
  if (ok.length === 0) return null;
  return Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length);
}
