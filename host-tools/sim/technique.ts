// What every dispatch technique of the lab provides, and the pieces of
// dispatch sequences they share (docs/DISPATCH.md lists each sequence).
//
// A technique is built from the Universe into its real data structures; the
// replay then asks it to dispatch every traced send: it answers the method
// its structures yield (-1 = not understood) and adds the events of its
// dispatch sequence (model.ts) — the replay checks the method against the
// one the VM found and prices the events.
import { Events, type CycleModel } from "./model.js";
import type { Universe } from "./universe.js";

export interface TableStats {
  /** Bytes of the technique's dispatch structures. */
  tableBytes: number;
  /** Slots of those structures, and how many hold a method. */
  slots: number;
  filled: number;
  /** Named parts (bytes or counts), reported as they are. */
  detail: Record<string, number>;
}

export interface Technique {
  /** Name on the command line and in the image header (dispatch.ts). */
  readonly name: string;
  readonly title: string;
  /**
   * Dispatch a send of selector `sel` to a receiver of class `cls` from call
   * site `site` (-1: a send made by the VM or a primitive).  Adds the events
   * of the sequence to `ev`; answers the method id, -1 = not understood.
   */
  dispatch(cls: number, sel: number, site: number, ev: Events): number;
  /** The method the structures give for (cls, sel) without pricing it (statically bound super sends). */
  resolve(cls: number, sel: number): number;
  /** Cache / inline-cache misses so far (0 for pure tables). */
  readonly misses: number;
  stats(): TableStats;
}

/** What a technique's build gets: the universe, the model, the traced selectors and the number of sites. */
export interface BuildContext {
  u: Universe;
  model: CycleModel;
  /** Selectors that need a column: implemented, sent by code, or seen in the trace; ascending ids. */
  selectors: number[];
  /** Call sites seen in the trace (ids 0 .. sites-1). */
  sites: number;
  /** Class id of Integer (SmallInteger receivers take the immediate path of classOf), -1 if none. */
  integerClass: number;
  /** Classes that received a dynamically bound send in the run (they need a copy-down page even without instances in the image). */
  receivers: ReadonlySet<number>;
}

/**
 * classOf(receiver) on a tagged 32-bit machine:
 *   andi t, r, 1 ; bnez t, int ; lw cls, 0(r)                 (object)
 *   andi t, r, 1 ; bnez t, int → li cls, Integer ; j back       (SmallInteger)
 */
export function classOfEvents(ev: Events, isInt: boolean): void {
  ev.alu++;
  if (isInt) {
    ev.condTaken++;
    ev.alu++;
    ev.direct++;
  } else {
    ev.condNotTaken++;
    ev.loads++;
  }
}

/**
 * A register-indirect call whose target is `target` at `site`; with a
 * branch-target buffer, a target different from the site's last one is a
 * misprediction.  `btb` holds the last target per site (index site + 1; 0 =
 * sends without a site).
 */
export function indirectCall(ev: Events, btb: Int32Array, site: number, target: number, model: CycleModel): void {
  ev.indirect++;
  if (model.predictor === "btb") {
    const i = site + 1;
    if (btb[i] !== target) {   // a cold buffer (-1) mispredicts too
      ev.mispredicts++;
      btb[i] = target;
    }
  }
}

export function newBtb(sites: number): Int32Array {
  return new Int32Array(sites + 1).fill(-1);
}

/** Smallest power of two >= n (n >= 1). */
export function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
