export function dtoa_format(x: f64, out: usize): i32 { return 0; }
export function dtoa_parse(s: usize, len: i32, result: usize): i32 { return 0; }
