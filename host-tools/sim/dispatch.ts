// The techniques of the lab by name and by image-header code
// (layout.ts IMAGE_DISPATCH_*: bits 0-3 of the image header's flags byte).
import {
  IH_FLAGS, IMAGE_DISPATCH_MASK, IMAGE_DISPATCH_COPY_DOWN, IMAGE_DISPATCH_CLASS_PAGE, IMAGE_DISPATCH_ROW_DISPLACEMENT,
  IMAGE_DISPATCH_COLORING, IMAGE_DISPATCH_LOOKUP, IMAGE_DISPATCH_IC, IMAGE_DISPATCH_PIC, IMAGE_HEADER_BYTES,
} from "../../vm-as/layout.js";
import { CopyDown, ClassPage, RowDisplacement, Coloring } from "./tables.js";
import { MethodLookup } from "./lookup.js";
import { InlineCache, PolymorphicInlineCache } from "./inline.js";
import type { BuildContext, Technique } from "./technique.js";

export interface TechniqueDef {
  name: string;
  code: number;
  build(ctx: BuildContext): Technique;
}

/** In the order of the issue: 1 copy-down … 6 inline caches. */
export const TECHNIQUES: readonly TechniqueDef[] = [
  { name: "copy-down", code: IMAGE_DISPATCH_COPY_DOWN, build: (c) => new CopyDown(c) },
  { name: "class-page", code: IMAGE_DISPATCH_CLASS_PAGE, build: (c) => new ClassPage(c) },
  { name: "row-displacement", code: IMAGE_DISPATCH_ROW_DISPLACEMENT, build: (c) => new RowDisplacement(c) },
  { name: "coloring", code: IMAGE_DISPATCH_COLORING, build: (c) => new Coloring(c) },
  { name: "lookup", code: IMAGE_DISPATCH_LOOKUP, build: (c) => new MethodLookup(c) },
  { name: "ic", code: IMAGE_DISPATCH_IC, build: (c) => new InlineCache(c) },
  { name: "pic", code: IMAGE_DISPATCH_PIC, build: (c) => new PolymorphicInlineCache(c) },
];

export const TECHNIQUE_NAMES: readonly string[] = TECHNIQUES.map((t) => t.name);

export function techniqueByName(name: string): TechniqueDef | undefined {
  return TECHNIQUES.find((t) => t.name === name);
}

/** The technique recorded in an image (null: none recorded). */
export function imageDispatch(image: Uint8Array): TechniqueDef | null {
  if (image.length < IMAGE_HEADER_BYTES) return null;
  const code = image[IH_FLAGS] & IMAGE_DISPATCH_MASK;
  return TECHNIQUES.find((t) => t.code === code) ?? null;
}

/**
 * Record technique `name` in an image (a copy).  The header's CRC covers the
 * payload only, so the image stays valid.
 */
export function withImageDispatch(image: Uint8Array, name: string): Uint8Array {
  const t = techniqueByName(name);
  if (t === undefined) throw new Error(`unknown dispatch technique '${name}' (known: ${TECHNIQUE_NAMES.join(", ")})`);
  const out = image.slice();
  out[IH_FLAGS] = (out[IH_FLAGS] & ~IMAGE_DISPATCH_MASK) | t.code;
  return out;
}
