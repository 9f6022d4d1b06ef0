// Power-cut harness: run a flash action (update, snapshot, boot, confirm)
// with the power cut before operation k, for every k until the action
// completes, then power up and boot: a valid image must boot every time.
import type { Board } from "./board.js";
import { FlashDevice } from "./device.js";
import { PowerCut, SimFlash } from "./simflash.js";

export interface SweepOptions {
  board: Board;
  /** The flash before the action (copied for every cut). */
  base: SimFlash;
  /** What is interrupted. */
  action: (dev: FlashDevice) => void;
  /** Plain VM images that may boot afterwards (old and new). */
  valid: Uint8Array[];
  /** How the interrupted operation is left (default both). */
  modes?: ("none" | "half")[];
  /** Called with each powered-up flash after its boot (extra checks). */
  after?: (flash: SimFlash, booted: { slot: number; image: Uint8Array; which: number }, k: number) => void;
}

export interface SweepResult {
  /** Cut points tried (per mode, 0 .. ops of the uninterrupted action). */
  cuts: number;
  /** Flash operations of the uninterrupted action. */
  actionOps: number;
  /** How often each entry of `valid` booted. */
  booted: number[];
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function powerCutSweep(o: SweepOptions): SweepResult {
  const booted = o.valid.map(() => 0);
  let cuts = 0;
  let actionOps = -1;
  for (const mode of o.modes ?? ["none", "half"]) {
    for (let k = 0; ; k++) {
      const flash = o.base.copy();
      flash.cut = { budget: k, mode };
      let completed = false;
      try {
        o.action(FlashDevice.open(flash, o.board));
        completed = true;
      } catch (e) {
        if (!(e instanceof PowerCut)) throw new Error(`cut ${mode} at ${k}: action failed: ${(e as Error).message}`);
      }
      flash.cut = null;
      cuts++;
      // power up twice: the state after the first boot must boot too
      for (let up = 0; up < 2; up++) {
        let b: { image: Uint8Array; slot: number };
        try {
          b = FlashDevice.open(flash, o.board).boot();
        } catch (e) {
          throw new Error(`cut ${mode} before operation ${k}: power-up ${up + 1} does not boot: ${(e as Error).message}`);
        }
        const which = o.valid.findIndex((v) => same(v, b.image));
        if (which < 0) throw new Error(`cut ${mode} before operation ${k}: booted an image that is neither old nor new`);
        if (up === 0) {
          booted[which]++;
          o.after?.(flash, { ...b, which }, k);
        }
      }
      if (completed) {
        actionOps = k;
        break;
      }
    }
  }
  return { cuts, actionOps, booted };
}
