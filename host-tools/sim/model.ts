// The cycle model of the dispatch lab: a simple in-order pipelined processor
// (docs/DISPATCH.md, "The model").  Every technique describes its dispatch
// sequence as counts of the events below; the model prices them.
//
//   event                 cycles
//   ALU instruction       instr
//   load                  instr + loadUse            (result used by the next instruction)
//   store                 instr
//   conditional, not taken instr
//   conditional, taken    instr + taken
//   direct jump / call    instr + taken
//   indirect jump / call  instr + taken + indirect   (+ mispredict when predictor = "btb"
//                                                      and the target differs from the
//                                                      last one at that call site)
//   memory-cache miss     memMiss                    (only with memCacheBytes > 0: a
//                                                      direct-mapped cache over the accesses
//                                                      to the dispatch structures, dcache.ts)
//
// Dispatch cycles of a send = cycles of its whole call sequence minus the
// cycles of a statically bound call (one direct call: instr + taken).
//
// Memory parameters (bytes) size the techniques' tables.
import { readFileSync } from "node:fs";

export interface CycleModel {
  name: string;
  instr: number;
  loadUse: number;
  taken: number;
  indirect: number;
  mispredict: number;
  /** "none": no branch prediction (MCU class); "btb": a per-site last-target predictor for indirect calls. */
  predictor: "none" | "btb";
  /** Entries of the global method cache (power of two). */
  cacheEntries: number;
  /** Cases of a polymorphic inline cache before the site goes megamorphic. */
  picEntries: number;
  /** Bytes of a copy-down entry (4 instructions of 2 bytes, as in the 16-bit design). */
  entryBytes: number;
  /** Bytes of a table slot holding a method address (row displacement, coloring). */
  slotBytes: number;
  /** Bytes of an object pointer / word in method dictionaries and caches. */
  wordBytes: number;
  /** Objects per page (copy-down with a masked jump keeps a table in every page; 32 in the 16-bit memory). */
  pageObjects: number;
  /** Bytes per page in the page → class-table map (class-page indirection). */
  pageMapEntryBytes: number;
  /** Bytes of one case of a polymorphic inline cache stub (compare + branch). */
  picCaseBytes: number;
  /** Bytes of a direct-mapped cache in front of the dispatch structures (0: none, every access at the cost above). */
  memCacheBytes: number;
  /** Line size of that cache (power of two). */
  memCacheLineBytes: number;
  /** Extra cycles of a miss in that cache. */
  memMiss: number;
}

/** The default model: an MCU-class in-order core without branch prediction (Cortex-M3/M4-like timings). */
export const DEFAULT_MODEL: CycleModel = {
  name: "mcu",
  instr: 1,
  loadUse: 1,
  taken: 2,
  indirect: 0,
  mispredict: 0,
  predictor: "none",
  cacheEntries: 256,
  picEntries: 4,
  entryBytes: 8,
  slotBytes: 4,
  wordBytes: 4,
  pageObjects: 32,
  pageMapEntryBytes: 2,
  picCaseBytes: 8,
  memCacheBytes: 0,
  memCacheLineBytes: 32,
  memMiss: 0,
};

/** A deeper pipeline with a branch-target buffer (the kind of processor Driesen, Hölzle and Vitek modelled). */
export const PIPELINED_MODEL: CycleModel = {
  ...DEFAULT_MODEL,
  name: "pipelined",
  loadUse: 2,
  taken: 1,
  indirect: 0,
  mispredict: 8,
  predictor: "btb",
};

export const MODEL_PRESETS: Readonly<Record<string, CycleModel>> = { mcu: DEFAULT_MODEL, pipelined: PIPELINED_MODEL };

const NUMERIC_KEYS = [
  "instr", "loadUse", "taken", "indirect", "mispredict", "cacheEntries", "picEntries", "entryBytes",
  "slotBytes", "wordBytes", "pageObjects", "pageMapEntryBytes", "picCaseBytes",
  "memCacheBytes", "memCacheLineBytes", "memMiss",
] as const;

/** Error in a model file: one clear line. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

/**
 * A model from JSON text: every key optional (missing keys keep the preset's
 * value; "preset": "mcu" | "pipelined" picks the base, default mcu).
 */
export function parseModel(text: string, source: string): CycleModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ModelError(`${source}: a model is a JSON object`);
  const o = raw as Record<string, unknown>;
  const presetName = o.preset ?? "mcu";
  if (typeof presetName !== "string" || MODEL_PRESETS[presetName] === undefined) {
    throw new ModelError(`${source}: "preset" must be one of ${Object.keys(MODEL_PRESETS).join(", ")}`);
  }
  const m: CycleModel = { ...MODEL_PRESETS[presetName] };
  for (const [k, v] of Object.entries(o)) {
    if (k === "preset") continue;
    if (k === "name") {
      if (typeof v !== "string") throw new ModelError(`${source}: "name" must be a string`);
      m.name = v;
    } else if (k === "predictor") {
      if (v !== "none" && v !== "btb") throw new ModelError(`${source}: "predictor" must be "none" or "btb"`);
      m.predictor = v;
    } else if ((NUMERIC_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new ModelError(`${source}: "${k}" must be a number >= 0`);
      (m as unknown as Record<string, number>)[k] = v;
    } else {
      throw new ModelError(`${source}: unknown key "${k}" (known: preset, name, predictor, ${NUMERIC_KEYS.join(", ")})`);
    }
  }
  return checkModel(m, source);
}

export function checkModel(m: CycleModel, source: string): CycleModel {
  const pow2 = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
  if (!pow2(m.cacheEntries) || m.cacheEntries > 1 << 20) throw new ModelError(`${source}: "cacheEntries" must be a power of two up to 1048576`);
  if (!Number.isInteger(m.picEntries) || m.picEntries < 1 || m.picEntries > 64) throw new ModelError(`${source}: "picEntries" must be an integer 1..64`);
  if (!pow2(m.memCacheLineBytes) || m.memCacheLineBytes > 4096) throw new ModelError(`${source}: "memCacheLineBytes" must be a power of two up to 4096`);
  if (m.memCacheBytes !== 0 && (!pow2(m.memCacheBytes) || m.memCacheBytes < m.memCacheLineBytes || m.memCacheBytes > 1 << 24)) {
    throw new ModelError(`${source}: "memCacheBytes" must be 0 or a power of two from memCacheLineBytes up to 16 MiB`);
  }
  if (!Number.isInteger(m.pageObjects) || m.pageObjects < 1) throw new ModelError(`${source}: "pageObjects" must be an integer >= 1`);
  return m;
}

export function loadModel(path: string): CycleModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelError(`cannot read model '${path}': ${code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  return parseModel(text, path);
}

/**
 * Event counts of one dispatch sequence.  `indirect` counts register-indirect
 * jumps/calls; `mispredicts` is filled by the replay (it knows the sites).
 */
export class Events {
  alu = 0;
  loads = 0;
  stores = 0;
  condNotTaken = 0;
  condTaken = 0;
  direct = 0;
  indirect = 0;
  mispredicts = 0;
  memMisses = 0;

  reset(): void {
    this.memMisses = 0;
    this.alu = 0; this.loads = 0; this.stores = 0; this.condNotTaken = 0; this.condTaken = 0;
    this.direct = 0; this.indirect = 0; this.mispredicts = 0;
  }
}

/** Cycles of a sequence in model `m`. */
export function cyclesOf(e: Events, m: CycleModel): number {
  return e.alu * m.instr +
    e.loads * (m.instr + m.loadUse) +
    e.stores * m.instr +
    e.condNotTaken * m.instr +
    e.condTaken * (m.instr + m.taken) +
    e.direct * (m.instr + m.taken) +
    e.indirect * (m.instr + m.taken + m.indirect) +
    e.mispredicts * m.mispredict +
    e.memMisses * m.memMiss;
}

/** Cycles of a statically bound call (one direct call): subtracted from every send. */
export function staticCallCycles(m: CycleModel): number {
  return m.instr + m.taken;
}
