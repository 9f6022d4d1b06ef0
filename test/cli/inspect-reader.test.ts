// The image reader behind `talc inspect`, on small images made here byte by
// byte (the build/inspect/run round trip with real images is image.test.ts).
import { describe, expect, it } from "vitest";
import { crc32, readImage, summarizeImage, ImageFormatError } from "../../host-tools/image/inspect.js";
import {
  IMAGE_MAGIC, IMAGE_VERSION, IMAGE_HEADER_BYTES, IH_MAGIC, IH_VERSION, IH_WORD_BITS, IH_HEADER_BYTES,
  IH_OBJECT_COUNT, IH_HEAP_USED, IH_SPECIAL_OBJECTS, IH_HEAP_WANTED, IH_CRC32,
  HEADER_BYTES, FMT_CLASS, FMT_ARRAY, FMT_SYMBOL, C_FIXED_SLOTS, C_NAME, SO_COUNT, SO_NIL, SO_ENTRY,
} from "../../vm-as/layout.js";

interface Obj { cls: number; fmt: number; slots?: number[]; bytes?: Uint8Array }

/** Lay out objects consecutively (oop = payload offset); answers the image. */
function makeImage(objs: (oops: number[]) => Obj[], count: number, specials: (oops: number[]) => number): Uint8Array {
  // First pass for sizes with placeholder oops, second with the real ones.
  const size = (o: Obj): number => HEADER_BYTES + (o.slots ? o.slots.length * 4 : (o.bytes!.length + 3) & ~3);
  const probe = objs(new Array(count).fill(0));
  const oops: number[] = [];
  let at = 0;
  for (const o of probe) { oops.push(at); at += size(o); }
  const real = objs(oops);
  const b = new Uint8Array(IMAGE_HEADER_BYTES + at);
  const dv = new DataView(b.buffer);
  real.forEach((o, i) => {
    const p = IMAGE_HEADER_BYTES + oops[i];
    dv.setUint32(p, o.cls, true);
    dv.setUint32(p + 4, o.fmt | (i << 8), true);
    dv.setUint32(p + 8, o.slots ? o.slots.length : o.bytes!.length, true);
    if (o.slots) o.slots.forEach((v, k) => dv.setUint32(p + HEADER_BYTES + 4 * k, v, true));
    else b.set(o.bytes!, p + HEADER_BYTES);
  });
  dv.setUint32(IH_MAGIC, IMAGE_MAGIC, true);
  dv.setUint16(IH_VERSION, IMAGE_VERSION, true);
  dv.setUint8(IH_WORD_BITS, 32);
  dv.setUint32(IH_HEADER_BYTES, IMAGE_HEADER_BYTES, true);
  dv.setUint32(IH_OBJECT_COUNT, real.length, true);
  dv.setUint32(IH_HEAP_USED, at, true);
  dv.setUint32(IH_SPECIAL_OBJECTS, specials(oops), true);
  dv.setUint32(IH_HEAP_WANTED, at * 2, true);
  dv.setUint32(IH_CRC32, crc32(b.subarray(IMAGE_HEADER_BYTES)), true);
  return b;
}

// 0: a class (its own class), 1: its name symbol #Main, 2: the special objects array.
function tiny(entryIsNil = false): Uint8Array {
  return makeImage((o) => {
    const cls = new Array(C_FIXED_SLOTS).fill(o[0]);
    cls[C_NAME] = o[1];
    const so = new Array(SO_COUNT).fill(o[0]);
    so[SO_ENTRY] = entryIsNil ? so[SO_NIL] : o[1];
    return [
      { cls: o[0], fmt: FMT_CLASS, slots: cls },
      { cls: o[0], fmt: FMT_SYMBOL, bytes: new TextEncoder().encode("Main") },
      { cls: o[0], fmt: FMT_ARRAY, slots: so },
    ];
  }, 3, (o) => o[2]);
}

function refuse(b: Uint8Array): ImageFormatError {
  try {
    readImage(b);
  } catch (e) {
    if (e instanceof ImageFormatError) return e;
    throw e;
  }
  throw new Error("accepted a corrupt image");
}

function withCrc(b: Uint8Array): Uint8Array {
  new DataView(b.buffer).setUint32(IH_CRC32, crc32(b.subarray(IMAGE_HEADER_BYTES)), true);
  return b;
}

describe("image reader", () => {
  it("reads a well-formed image", () => {
    const m = readImage(tiny());
    expect(m.objects.map((o) => o.format)).toEqual([FMT_CLASS, FMT_SYMBOL, FMT_ARRAY]);
    const s = summarizeImage(m, 0);
    expect(s.header.objectCount).toBe(3);
    expect(s.sections.find(([n]) => n === "classes")![1]).toBe(HEADER_BYTES + 4 * C_FIXED_SLOTS);
    expect(s.sections.reduce((a, [, n]) => a + n, 0)).toBe(m.header.heapUsed);
  });

  it("CRC-32 is the IEEE polynomial (check value of '123456789')", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("names the offset and the reason of each defect", () => {
    const dv = (b: Uint8Array): DataView => new DataView(b.buffer);
    let b = tiny(); dv(b).setUint32(IH_OBJECT_COUNT, 4, true);
    expect(refuse(b)).toMatchObject({ offset: IH_OBJECT_COUNT, reason: "the header announces 4 objects but the heap holds 3" });

    b = tiny(); dv(b).setUint32(IMAGE_HEADER_BYTES + HEADER_BYTES, 8, true); withCrc(b); // slot 0 of the class: 8 is inside object 0, not an oop
    expect(refuse(b).offset).toBe(IMAGE_HEADER_BYTES + HEADER_BYTES);
    expect(refuse(b).reason).toMatch(/slot 0: 0x00000008 is neither/);

    b = tiny(); dv(b).setUint32(IMAGE_HEADER_BYTES + 4, 31, true); withCrc(b);
    expect(refuse(b)).toMatchObject({ offset: IMAGE_HEADER_BYTES + 4, reason: "object 0: unknown format 31" });

    b = tiny(); dv(b).setUint32(IH_SPECIAL_OBJECTS, 0, true);
    expect(refuse(b).reason).toMatch(/special objects 0x00000000 is not an Array/);

    b = tiny(); dv(b).setUint32(IH_HEAP_WANTED, 8, true);
    expect(refuse(b).offset).toBe(IH_HEAP_WANTED);

    b = new Uint8Array(tiny().length + 4); b.set(tiny());
    expect(refuse(b).reason).toMatch(/4 stray bytes/);
  });

  it("never throws anything but ImageFormatError on a truncated image", () => {
    const b = tiny();
    for (let n = 0; n < b.length; n++) expect(refuse(b.subarray(0, n))).toBeInstanceOf(ImageFormatError);
  });

  it("SO_ENTRY names the entry class; nil there means none", () => {
    expect(summarizeImage(readImage(tiny()), 0).entry).toBe("Main");
    expect(summarizeImage(readImage(tiny(true)), 0).entry).toBeNull();
  });
});
