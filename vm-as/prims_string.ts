// String and Symbol primitives (spec 3.18, 3.19, 4.12).  Strings are UTF-8;
// lengths and indices count code points, with an O(1) path for FLAG_ASCII.
import { BITS16 } from "./bits";
import { FMT_STRING, FMT_SYMBOL, FLAG_ASCII } from "./layout";
import { isSmall, smallVal, mkSmall, obj_fmt, obj_size, obj_body, obj_bits, isAscii, mem_newStringRaw,
  str_setAsciiFlag, obj_setBits } from "./memory";
import { PR_OK, PR_STOP, arg, ret, retBool, prim_failType } from "./prims";
import { str_hash, sym_internString } from "./symbols";
import { msg_reset, msg_lit, msg_int, err_raise } from "./errors";

@inline function isStr(o: u32): bool {
  if (isSmall(o)) return false;
  const f = obj_fmt(o);
  return f == FMT_STRING || f == FMT_SYMBOL;
}

/** Number of code points of a string object. */
export function str_length(s: u32): i32 {
  const n = obj_size(s) as i32;
  if (isAscii(s)) return n;
  const p = obj_body(s);
  let k = 0;
  for (let i = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) k++;
  return k;
}

/** Byte offset of code point `k` (0-based; k == length gives the byte size). */
function str_offset(s: u32, k: i32): i32 {
  if (isAscii(s)) return k;
  const n = obj_size(s) as i32;
  const p = obj_body(s);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if ((load<u8>(p + i) & 0xc0) != 0x80) {
      if (c == k) return i;
      c++;
    }
  }
  return n;
}

export function p_concatenate(rs: usize): i32 {
  const a = load<u32>(rs);
  const b = arg(rs, 0);
  if (!isStr(b)) return prim_failType("object of type 'String_'", b);
  const na = obj_size(a) as i32;
  const nb = obj_size(b) as i32;
  const s = mem_newStringRaw(na + nb);
  if (s == 0) return PR_STOP;
  const a2 = load<u32>(rs);
  const b2 = arg(rs, 0);
  memory.copy(obj_body(s), obj_body(a2), na);
  memory.copy(obj_body(s) + na, obj_body(b2), nb);
  if (isAscii(a2) && isAscii(b2)) obj_setBits(s, obj_bits(s) | FLAG_ASCII);
  else str_setAsciiFlag(s);
  return ret(rs, s);
}

export function p_asSymbol(rs: usize): i32 {
  const a = load<u32>(rs);
  if (!BITS16 && obj_fmt(a) == FMT_SYMBOL) return PR_OK;
  const s = sym_internString(a);
  if (s == 0) return PR_STOP;
  return ret(rs, s);
}

export function p_strHashcode(rs: usize): i32 {
  const a = load<u32>(rs);
  return ret(rs, mkSmall(str_hash(obj_body(a), obj_size(a) as i32) as i32));
}

export function p_strLength(rs: usize): i32 {
  return ret(rs, mkSmall(str_length(load<u32>(rs))));
}

/** Decode the code point at byte offset i (answers cp; advances via decLen). */
let decLen: i32 = 1;
function decode(p: usize, i: i32, n: i32): i32 {
  const b0 = load<u8>(p + i) as i32;
  if (b0 < 0x80) { decLen = 1; return b0; }
  let need = 0;
  let cp = 0;
  if ((b0 & 0xe0) == 0xc0) { need = 1; cp = b0 & 0x1f; }
  else if ((b0 & 0xf0) == 0xe0) { need = 2; cp = b0 & 0x0f; }
  else if ((b0 & 0xf8) == 0xf0) { need = 3; cp = b0 & 0x07; }
  else { decLen = 1; return 0xfffd; }
  if (i + need > n - 1) { decLen = 1; return 0xfffd; }
  for (let k = 1; k <= need; k++) cp = (cp << 6) | ((load<u8>(p + i + k) as i32) & 0x3f);
  decLen = need + 1;
  return cp;
}

function isSpaceCp(c: i32): bool {
  return c == 32 || (c >= 9 && c <= 13) || c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

function isLetterCp(c: i32): bool {
  if (c < 0x80) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c == 0xaa || c == 0xb5 || c == 0xba) return true;
  if (c >= 0xc0 && c <= 0x24f) return c != 0xd7 && c != 0xf7;
  if (c >= 0x250 && c <= 0x2af) return true;            // IPA
  if (c >= 0x370 && c <= 0x3ff) return c != 0x375 && c != 0x37e && c != 0x384 && c != 0x385 && c != 0x387;
  if (c >= 0x400 && c <= 0x52f) return !(c >= 0x482 && c <= 0x489);
  if (c >= 0x531 && c <= 0x587) return true;            // Armenian
  if (c >= 0x5d0 && c <= 0x5ea) return true;            // Hebrew
  if (c >= 0x620 && c <= 0x64a) return true;            // Arabic
  if (c >= 0x904 && c <= 0x939) return true;            // Devanagari
  if (c >= 0x1e00 && c <= 0x1fff) return true;          // Latin/Greek extended
  if (c >= 0x3041 && c <= 0x30ff) return c != 0x30fb;   // Hiragana, Katakana
  if (c >= 0x3400 && c <= 0x9fff) return true;          // CJK
  if (c >= 0xac00 && c <= 0xd7a3) return true;          // Hangul
  return false;
}

/** isWhiteSpace (79), isLetters (80), isDigits (81). */
export function p_strClass(rs: usize, which: i32): i32 {
  const s = load<u32>(rs);
  const n = obj_size(s) as i32;
  const p = obj_body(s);
  if (n == 0) return retBool(rs, false);
  let i = 0;
  while (i < n) {
    const c = decode(p, i, n);
    i += decLen;
    let ok = false;
    if (which == 79) ok = isSpaceCp(c);
    else if (which == 80) ok = isLetterCp(c);
    else ok = c >= 48 && c <= 57;
    if (!ok) return retBool(rs, false);
  }
  return retBool(rs, true);
}

export function p_strEquals(rs: usize): i32 {
  const a = load<u32>(rs);
  const b = arg(rs, 0);
  if (a == b) return retBool(rs, true);
  if (!isStr(b)) return retBool(rs, false);
  const n = obj_size(a);
  if (n != obj_size(b)) return retBool(rs, false);
  return retBool(rs, memory.compare(obj_body(a), obj_body(b), n) == 0);
}

export function p_substring(rs: usize): i32 {
  const s = load<u32>(rs);
  const a = arg(rs, 0);
  const b = arg(rs, 1);
  if (!isSmall(a)) return prim_failType("object of type 'Int'", a);
  if (!isSmall(b)) return prim_failType("object of type 'Int'", b);
  const st = smallVal(a);
  const en = smallVal(b);
  const len = str_length(s);
  if (st < 1 || en > len || st > en + 1) {
    msg_reset();
    msg_lit("Attempting to index string out of its bounds (start: ");
    msg_int(st);
    msg_lit(" end: ");
    msg_int(en);
    msg_lit(" length: ");
    msg_int(len);
    msg_lit(")");
    err_raise();
    return PR_STOP;
  }
  const o0 = str_offset(s, st - 1);
  const o1 = str_offset(s, en);
  const r = mem_newStringRaw(o1 - o0);
  if (r == 0) return PR_STOP;
  const s2 = load<u32>(rs);
  memory.copy(obj_body(r), obj_body(s2) + o0, o1 - o0);
  if (isAscii(s2)) obj_setBits(r, obj_bits(r) | FLAG_ASCII);
  else str_setAsciiFlag(r);
  return ret(rs, r);
}

export function p_symAsString(rs: usize): i32 {
  const n = obj_size(load<u32>(rs)) as i32;
  const r = mem_newStringRaw(n);
  if (r == 0) return PR_STOP;
  const s = load<u32>(rs);
  memory.copy(obj_body(r), obj_body(s), n);
  obj_setBits(r, (obj_bits(r) & ~FLAG_ASCII) | (obj_bits(s) & FLAG_ASCII));
  return ret(rs, r);
}
