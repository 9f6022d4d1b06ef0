// The dispatch lab end to end: universe of the image, one traced run, then
// every chosen technique replays the run (host-tools/sim/*, docs/DISPATCH.md).
import { createHash } from "node:crypto";
import type { CycleModel } from "./model.js";
import { recordSends, type Recording } from "./record.js";
import { universeOfImage, type Universe } from "./universe.js";
import { buildContext, replay, type TechniqueResult } from "./replay.js";
import type { TechniqueDef } from "./dispatch.js";

export interface UniverseSummary {
  classes: number;
  metaclasses: number;
  /** Selectors with a table column (implemented, or sent by some code, or traced). */
  selectors: number;
  implementedSelectors: number;
  methods: number;
  /** classes × selectors: the slots of one full table. */
  tableSlots: number;
  /** (class, selector) pairs understood, inherited included. */
  understoodPairs: number;
  /** understoodPairs / tableSlots: how full a full selector table is (Smalltalk-80: under 5 %). */
  fullTableFill: number;
  staticSendSites: number;
}

export interface SimReport {
  program: string;
  args: string[];
  model: CycleModel;
  universe: UniverseSummary;
  run: {
    sends: number;
    vmSends: number;
    bytecodes: number;
    exitStatus: number;
    collections: number;
    callSites: number;
    superSends: number;
    dnuSends: number;
    /** SHA-1 of the program's stdout + stderr (the same run for every technique). */
    outputSha1: string;
  };
  techniques: TechniqueResult[];
}

export interface LabOptions {
  image: Uint8Array;
  program: string;
  args: string[];
  classPath: string[];
  heapBytes: number;
  stackBytes: number;
  maxSends: number;
  model: CycleModel;
  techniques: readonly TechniqueDef[];
}

export interface LabRun {
  report: SimReport;
  recording: Recording;
  universe: Universe;
}

function summarize(u: Universe, selectors: number): UniverseSummary {
  const implemented = new Set<number>();
  for (const c of u.classes) for (const s of c.own.keys()) implemented.add(s);
  const pairs = u.understoodPairs();
  const slots = u.classes.length * selectors;
  return {
    classes: u.classes.length,
    metaclasses: u.classes.filter((c) => c.name.endsWith(" class")).length,
    selectors,
    implementedSelectors: implemented.size,
    methods: u.methods.length,
    tableSlots: slots,
    understoodPairs: pairs,
    fullTableFill: slots === 0 ? 0 : pairs / slots,
    staticSendSites: u.staticSendSites,
  };
}

export function runLab(o: LabOptions): LabRun {
  const u = universeOfImage(o.image);
  const rec = recordSends(u, {
    image: o.image, args: o.args, classPath: o.classPath, heapBytes: o.heapBytes, stackBytes: o.stackBytes, maxSends: o.maxSends,
  });
  return { report: replayAll(u, rec, o), recording: rec, universe: u };
}

/** Replay a recording under a (possibly different) model and technique set. */
export function replayAll(u: Universe, rec: Recording, o: Pick<LabOptions, "program" | "args" | "model" | "techniques">): SimReport {
  const ctx = buildContext(u, rec, o.model);
  let superSends = 0;
  let dnu = 0;
  rec.log.forEach((_c, _s, m, _site, kind) => {
    if (kind === 1 || kind === 3) superSends++;
    if (m === -1) dnu++;
  });
  const techniques = o.techniques.map((t) => replay(t, ctx, rec));
  return {
    program: o.program,
    args: o.args,
    model: o.model,
    universe: summarize(u, ctx.selectors.length),
    run: {
      sends: rec.log.length,
      vmSends: rec.vmSends,
      bytecodes: rec.bytecodes,
      exitStatus: rec.exitStatus,
      collections: rec.gcCount,
      callSites: rec.sites,
      superSends,
      dnuSends: dnu,
      outputSha1: createHash("sha1").update(rec.stdout).update("\0").update(rec.stderr).digest("hex"),
    },
    techniques,
  };
}
