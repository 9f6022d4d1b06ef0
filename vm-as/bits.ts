// Which object memory this build has: 32-bit (memory.ts, gc.ts) or 16-bit
// (mem16.ts, codeobj.ts, sym16.ts; docs/16-BIT.md).  A compile-time
// constant: the 16-bit targets of asconfig.json (release16, debug16) define
// TALC_BITS16 (`"use": [..., "TALC_BITS16=1"]`); every other target
// compiles the 32-bit memory and asc drops the other branch of every
// `if (BITS16)`.

// @ts-ignore: TALC_BITS16 exists only in the 16-bit targets (asconfig.json)
export const BITS16: bool = isDefined(TALC_BITS16);
