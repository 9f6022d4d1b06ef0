// Shared set-up for the serial tests: synthetic VM images, a simulated
// board on a real pty (socat), a client over serialport.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGE_MAGIC, IMAGE_VERSION, IMAGE_HEADER_BYTES, IH_MAGIC, IH_VERSION, IH_WORD_BITS, IH_HEADER_BYTES, IH_HEAP_USED, IH_HEAP_WANTED } from "../../vm-as/layout.js";
import { loadBoard, type Board } from "../../host-tools/flash/board.js";
import { packImage } from "../../host-tools/flash/format.js";
import { SimBoard, type SimVm } from "../../host-tools/serial/simboard.js";
import { SimPty } from "../../host-tools/serial/simpty.js";
import { deviceModule } from "../../host-tools/serial/devicewasm.js";
import { SerialTransport } from "../../host-tools/serial/serialtransport.js";
import { DeviceClient } from "../../host-tools/serial/client.js";
import { FaultyTransport, memoryPair, prng, type FaultOptions, type Transport } from "../../host-tools/serial/transport.js";

/** A plain VM image with a valid header and `size` bytes of pseudo-random,
 *  partly compressible heap (seeded). */
export function syntheticVmImage(size: number, seed: number): Uint8Array {
  const img = new Uint8Array(IMAGE_HEADER_BYTES + size);
  const dv = new DataView(img.buffer);
  dv.setUint32(IH_MAGIC, IMAGE_MAGIC, true);
  dv.setUint16(IH_VERSION, IMAGE_VERSION, true);
  dv.setUint8(IH_WORD_BITS, 32);
  dv.setUint32(IH_HEADER_BYTES, IMAGE_HEADER_BYTES, true);
  dv.setUint32(IH_HEAP_USED, size, true);
  dv.setUint32(IH_HEAP_WANTED, size * 2, true);
  const r = prng(seed);
  for (let i = IMAGE_HEADER_BYTES; i < img.length; i++) img[i] = r() < 0.5 ? (r() * 256) | 0 : (i >> 4) & 0xff;
  return img;
}

export function simBoardDef(): Board { return loadBoard("sim"); }

export function packed(size: number, seed: number, board = simBoardDef()): Uint8Array {
  return packImage(syntheticVmImage(size, seed), board, { serial: seed });
}

export interface Rig {
  dir: string;
  board: SimBoard;
  pty: SimPty;
  tty: string;
  flashPath: string;
  open(faults?: FaultOptions): Promise<{ client: DeviceClient; link: Transport; faulty: FaultyTransport | null }>;
  /** Close every client opened so far (the tty is exclusive). */
  closeClients(): Promise<void>;
  close(): Promise<void>;
}

export async function makeRig(o: { baud?: number; vm?: SimVm | null; flashPath?: string; dir?: string } = {}): Promise<Rig> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "talc-serial-"));
  const flashPath = o.flashPath ?? join(dir, "flash.bin");
  const def = simBoardDef();
  const board = new SimBoard({ board: def, flashPath, device: deviceModule(), baud: o.baud ?? 0, vm: o.vm ?? null });
  board.powerOn();
  const tty = join(dir, "tty");
  const pty = new SimPty(board, tty);
  await pty.start();
  const clients: DeviceClient[] = [];
  return {
    dir, board, pty, tty, flashPath,
    async open(faults?: FaultOptions) {
      await pty.idle();
      const serial = await SerialTransport.open(tty, 115200);
      const faulty = faults ? new FaultyTransport(serial, faults) : null;
      const link = faulty ?? serial;
      const client = new DeviceClient(link, { baud: o.baud || 115200 });
      clients.push(client);
      return { client, link, faulty };
    },
    async closeClients() {
      for (const c of clients.splice(0)) if (c.link.isOpen) await c.close();
      await pty.idle();
    },
    async close() {
      for (const c of clients) if (c.link.isOpen) await c.close();
      await pty.stop();
      board.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A simulated board without a pty (fast unit tests): a host-side Transport
 *  wired straight to the board's UART. */
export function memoryBoard(o: { flashPath: string; baud?: number; vm?: SimVm | null }): { board: SimBoard; link: Transport } {
  const board = new SimBoard({ board: simBoardDef(), flashPath: o.flashPath, device: deviceModule(), baud: o.baud ?? 0, vm: o.vm ?? null });
  const [host, dev] = memoryPair();
  board.attach((b) => { void dev.write(b); });
  dev.onData((b) => board.receive(b));
  board.powerOn();
  return { board, link: host };
}
