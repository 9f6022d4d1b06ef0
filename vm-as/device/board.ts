// Board imports the device engine runs on (module "talc").  The same
// declarations serve the simulated board (host-tools/serial/simboard.ts gives
// them as JS functions) and the firmware (C functions after wasm2c).
//
// Flash: offsets are bytes from the start of the flash; erase works on one
// erase sector (its offset is sector-aligned) and sets every byte to 0xFF;
// program only clears bits.  Those three are shared with vm-as/flash.

@external("talc", "uart_write")
export declare function uart_write(ptr: usize, len: i32): void;

@external("talc", "flash_read")
export declare function flash_read(offset: u32, ptr: usize, len: u32): i32;

@external("talc", "flash_erase")
export declare function flash_erase(sectorOffset: u32): i32;

@external("talc", "flash_program")
export declare function flash_program(offset: u32, ptr: usize, len: u32): i32;

/** Reset the board after the engine's reply went out.  mode: RESET_RUN or
 *  RESET_HOLD (protocol.ts).  On hardware this does not return. */
@external("talc", "board_reset")
export declare function board_reset(mode: i32): void;

/** Start the active image's program (after a RESET_HOLD boot).  0 = started,
 *  < 0 = refused (the board then sets the boot message through dev_setBoot). */
@external("talc", "board_boot")
export declare function board_boot(): i32;

/** Hand a DoIt class file (ptr, len: valid only during the call) to the VM.
 *  0 = started: the board later calls dev_evalDone; < 0 = cannot evaluate. */
@external("talc", "board_eval")
export declare function board_eval(ptr: usize, len: i32): i32;
