// Replay a recorded send log through each technique: check that it yields
// the method the VM found (a mismatch is a hard error), price every send's
// dispatch sequence with the cycle model and collect the statistics.
import { Events, cyclesOf, staticCallCycles, type CycleModel } from "./model.js";
import { KIND_SUPER, KIND_VM_SUPER, type Recording } from "./record.js";
import type { BuildContext, TableStats, Technique } from "./technique.js";
import type { TechniqueDef } from "./dispatch.js";
import type { Universe } from "./universe.js";

/** A technique answered another method than the VM found. */
export class DispatchMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DispatchMismatch";
  }
}

export interface TechniqueResult {
  name: string;
  title: string;
  sends: number;
  /** Sends bound statically (super sends): 0 dispatch cycles. */
  staticSends: number;
  dispatchCycles: number;
  meanCycles: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Dispatch cycles per send → number of sends, ascending. */
  histogram: [number, number][];
  misses: number;
  mispredicts: number;
  /** Misses in the optional memory cache (model memCacheBytes; 0 without it). */
  memMisses: number;
  /** Cycles of the whole call (dispatch + the static call every send makes). */
  totalCycles: number;
  tableBytes: number;
  slots: number;
  filled: number;
  fillRate: number;
  detail: Record<string, number>;
}

/** The selectors a table needs: implemented or sent by code (universe) plus any the trace shows. */
export function tableSelectors(u: Universe, rec: Recording): number[] {
  const s = new Set<number>(u.tableSelectors());
  rec.log.forEach((_c, sel) => { s.add(sel); });
  return [...s].sort((a, b) => a - b);
}

export function buildContext(u: Universe, rec: Recording, model: CycleModel): BuildContext {
  const receivers = new Set<number>();
  rec.log.forEach((cls, _s, _m, _site, kind) => { if (kind !== KIND_SUPER && kind !== KIND_VM_SUPER) receivers.add(cls); });
  return {
    u,
    model,
    selectors: tableSelectors(u, rec),
    sites: rec.sites,
    integerClass: u.classByName.get("Integer") ?? -1,
    receivers,
  };
}

function percentile(hist: [number, number][], total: number, p: number): number {
  if (total === 0) return 0;
  const want = Math.ceil(total * p);
  let seen = 0;
  for (const [c, n] of hist) {
    seen += n;
    if (seen >= want) return c;
  }
  return hist[hist.length - 1][0];
}

function describe(u: Universe, m: number): string {
  if (m === -1) return "doesNotUnderstand:";
  if (m < 0 || m >= u.methods.length) return `<method ${m}>`;
  return u.methods[m].key;
}

/** Replay `rec` through technique `def`; throws DispatchMismatch on the first disagreement. */
export function replay(def: TechniqueDef, ctx: BuildContext, rec: Recording): TechniqueResult {
  const t: Technique = def.build(ctx);
  const { u, model } = ctx;
  const ev = new Events();
  const hist = new Map<number, number>();
  const base = staticCallCycles(model);
  let cycles = 0;
  let staticSends = 0;
  let mispredicts = 0;
  let memMisses = 0;
  let index = 0;
  rec.log.forEach((cls, sel, method, site, kind) => {
    let got: number;
    let c = 0;
    if (kind === KIND_SUPER || kind === KIND_VM_SUPER) {
      got = t.resolve(cls, sel);
      staticSends++;
    } else {
      ev.reset();
      got = t.dispatch(cls, sel, site, ev);
      c = cyclesOf(ev, model) - base;
      mispredicts += ev.mispredicts;
      memMisses += ev.memMisses;
    }
    if (got !== method) {
      throw new DispatchMismatch(
        `${def.name}: send #${index + 1} of #${u.selectors[sel]} to an instance of ${u.classes[cls]?.name ?? cls}: ` +
        `the VM ran ${describe(u, method)}, the technique gives ${describe(u, got)}`);
    }
    cycles += c;
    hist.set(c, (hist.get(c) ?? 0) + 1);
    index++;
  });
  const histogram = [...hist.entries()].sort((a, b) => a[0] - b[0]);
  const n = rec.log.length;
  const s: TableStats = t.stats();
  return {
    name: def.name,
    title: t.title,
    sends: n,
    staticSends,
    dispatchCycles: cycles,
    meanCycles: n === 0 ? 0 : cycles / n,
    p50: percentile(histogram, n, 0.5),
    p90: percentile(histogram, n, 0.9),
    p99: percentile(histogram, n, 0.99),
    max: histogram.length === 0 ? 0 : histogram[histogram.length - 1][0],
    histogram,
    misses: t.misses,
    mispredicts,
    memMisses,
    totalCycles: cycles + n * base,
    tableBytes: s.tableBytes,
    slots: s.slots,
    filled: s.filled,
    fillRate: s.slots === 0 ? 0 : s.filled / s.slots,
    detail: s.detail,
  };
}
