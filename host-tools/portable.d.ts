// AssemblyScript's numeric types, for host code (tsc) that imports the
// portable VM modules vm-as/isa.ts and vm-as/layout.ts.
declare type bool = boolean;
declare type i8 = number;
declare type i16 = number;
declare type i32 = number;
declare type u8 = number;
declare type u16 = number;
declare type u32 = number;
declare type usize = number;
declare type f64 = number;
