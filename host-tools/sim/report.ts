// Output of `talc sim`: a text table, JSON (the SimReport as is) and an SVG
// chart (hand-written: dispatch cycles per send, and table bytes, one bar
// per technique).
import type { SimReport } from "./lab.js";

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.001 ? 3 : x < 0.1 ? 2 : 1)} %`;

function bytes(n: number): string {
  if (n >= 10 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 10 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function pad(s: string, n: number, right = true): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function modelLine(r: SimReport): string {
  const m = r.model;
  return `model ${m.name}: instr ${m.instr}, loadUse ${m.loadUse}, taken ${m.taken}, indirect ${m.indirect}, ` +
    `mispredict ${m.mispredict}, predictor ${m.predictor}, cache ${m.cacheEntries} entries, PIC ${m.picEntries} cases` +
    (m.memCacheBytes > 0 ? `, memory cache ${m.memCacheBytes} B (${m.memCacheLineBytes} B lines, miss ${m.memMiss})` : "");
}

export function formatText(r: SimReport): string {
  const u = r.universe;
  const out: string[] = [];
  out.push(`talc sim: ${r.program}${r.args.length > 0 ? " " + r.args.join(" ") : ""}`);
  out.push(modelLine(r));
  out.push(`universe: ${u.classes} classes (${u.metaclasses} metaclasses) × ${u.selectors} selectors = ${u.tableSlots} slots; ` +
    `${u.understoodPairs} understood pairs: a full table is ${pct(u.fullTableFill)} full; ${u.staticSendSites} static send sites`);
  out.push(`run: ${r.run.sends} sends traced (VM counted ${r.run.vmSends}), ${r.run.superSends} super, ${r.run.dnuSends} not understood, ` +
    `${r.run.callSites} call sites, ${r.run.bytecodes} bytecodes, ${r.run.collections} collections, exit status ${r.run.exitStatus}`);
  out.push("");
  const head = [pad("technique", 18, false), pad("cyc/send", 9), pad("p50", 5), pad("p90", 5), pad("p99", 5), pad("max", 5),
    pad("misses", 9), pad("mispred", 9), pad("dispatch cyc", 13), pad("total cyc", 13), pad("table", 11), pad("fill", 9)];
  const mem = r.model.memCacheBytes > 0;
  if (mem) head.push(pad("mem miss", 10));
  out.push(head.join(" "));
  for (const t of r.techniques) {
    const memCol = mem ? [pad(String(t.memMisses), 10)] : [];
    out.push([pad(t.name, 18, false), pad(t.meanCycles.toFixed(2), 9), pad(String(t.p50), 5), pad(String(t.p90), 5),
      pad(String(t.p99), 5), pad(String(t.max), 5), pad(String(t.misses), 9), pad(String(t.mispredicts), 9),
      pad(String(t.dispatchCycles), 13), pad(String(t.totalCycles), 13), pad(bytes(t.tableBytes), 11), pad(pct(t.fillRate), 9), ...memCol].join(" "));
  }
  out.push("");
  out.push("dispatch cycles per send: the call sequence minus a statically bound call; super sends are bound statically (0).");
  return out.join("\n") + "\n";
}

export function formatJson(r: SimReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Two bar panels: mean dispatch cycles per send (with p90 tick) and table bytes (linear scale). */
export function formatSvg(r: SimReport): string {
  const ts = r.techniques;
  const rowH = 26;
  const top = 70;
  const labelW = 150;
  const panelW = 330;
  const gap = 110;
  const width = labelW + panelW * 2 + gap + 190;
  const height = top + ts.length * rowH + 60;
  const maxCyc = Math.max(1, ...ts.map((t) => Math.max(t.meanCycles, t.p90)));
  const maxBytes = Math.max(1, ...ts.map((t) => t.tableBytes));
  const x1 = labelW;
  const x2 = labelW + panelW + gap;
  const s: string[] = [];
  s.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  s.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  s.push(`<text x="10" y="20" font-size="15" font-weight="bold">Send dispatch: ${esc(r.program)}${r.args.length ? " " + esc(r.args.join(" ")) : ""}</text>`);
  s.push(`<text x="10" y="38" fill="#444">${esc(modelLine(r))}</text>`);
  s.push(`<text x="10" y="54" fill="#444">${r.run.sends} sends; full table ${r.universe.classes} × ${r.universe.selectors}, ${pct(r.universe.fullTableFill)} full</text>`);
  s.push(`<text x="${x1}" y="${top - 4}" font-weight="bold">dispatch cycles per send (bar: mean, tick: p90)</text>`);
  s.push(`<text x="${x2}" y="${top - 4}" font-weight="bold">dispatch structure bytes</text>`);
  ts.forEach((t, i) => {
    const y = top + 6 + i * rowH;
    s.push(`<text x="${labelW - 8}" y="${y + 14}" text-anchor="end">${esc(t.name)}</text>`);
    const w = (t.meanCycles / maxCyc) * panelW;
    s.push(`<rect x="${x1}" y="${y}" width="${w.toFixed(1)}" height="18" fill="#4a7bd0"/>`);
    const px = x1 + (t.p90 / maxCyc) * panelW;
    s.push(`<line x1="${px.toFixed(1)}" y1="${y - 2}" x2="${px.toFixed(1)}" y2="${y + 20}" stroke="#c03030" stroke-width="2"/>`);
    s.push(`<text x="${(Math.max(x1 + w, px) + 5).toFixed(1)}" y="${y + 14}">${t.meanCycles.toFixed(2)}</text>`);
    const bw = (t.tableBytes / maxBytes) * panelW;
    s.push(`<rect x="${x2}" y="${y}" width="${bw.toFixed(1)}" height="18" fill="#50a060"/>`);
    s.push(`<text x="${(x2 + bw + 4).toFixed(1)}" y="${y + 14}">${esc(bytes(t.tableBytes))}, ${pct(t.fillRate)} full</text>`);
  });
  const axisY = top + 6 + ts.length * rowH + 4;
  s.push(`<line x1="${x1}" y1="${axisY}" x2="${x1 + panelW}" y2="${axisY}" stroke="#888"/>`);
  s.push(`<text x="${x1}" y="${axisY + 14}" fill="#444">0</text>`);
  s.push(`<text x="${x1 + panelW}" y="${axisY + 14}" text-anchor="end" fill="#444">${maxCyc.toFixed(1)} cycles</text>`);
  s.push(`<line x1="${x2}" y1="${axisY}" x2="${x2 + panelW}" y2="${axisY}" stroke="#888"/>`);
  s.push(`<text x="${x2}" y="${axisY + 14}" fill="#444">0</text>`);
  s.push(`<text x="${x2 + panelW}" y="${axisY + 14}" text-anchor="end" fill="#444">${esc(bytes(maxBytes))}</text>`);
  s.push(`<text x="10" y="${height - 10}" fill="#666">talc sim — docs/DISPATCH.md explains the model and each technique's sequence</text>`);
  s.push("</svg>");
  return s.join("\n") + "\n";
}
