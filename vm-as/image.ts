// Images: vm_snapshot / vm_loadImage (header layout: layout.ts IH_*).
export function image_snapshot(): i32 { return -1; }
export function image_load(p: usize, len: i32): i32 { return -1; }
