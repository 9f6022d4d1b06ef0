// Rewrites the generated part of docs/PERFORMANCE.md: everything between the
// markers below is replaced; the rest of the file (prose, analysis) is kept.
import { readFileSync, writeFileSync } from "node:fs";

export const BEGIN = "<!-- bench:begin -->";
export const END = "<!-- bench:end -->";

/** Replace the text between the markers; throws if they are missing or out of order. */
export function replaceBetweenMarkers(doc: string, body: string): string {
  const b = doc.indexOf(BEGIN);
  const e = doc.indexOf(END);
  if (b < 0 || e < 0 || e < b) throw new Error(`markers ${BEGIN} ... ${END} not found in order`);
  return doc.slice(0, b + BEGIN.length) + "\n" + body.replace(/\n*$/, "\n") + doc.slice(e);
}

/** Rewrite the generated section of the Markdown file at `path`. */
export function updateDocs(path: string, body: string): void {
  writeFileSync(path, replaceBetweenMarkers(readFileSync(path, "utf8"), body));
}
