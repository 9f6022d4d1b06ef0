// The part of cli-progress 3.x (no bundled types) that talc flash uses.
declare module "cli-progress" {
  interface Options {
    format?: string;
    stream?: NodeJS.WritableStream;
    hideCursor?: boolean;
    noTTYOutput?: boolean;
    fps?: number;
  }
  interface Preset { format?: string; barCompleteChar?: string; barIncompleteChar?: string }
  class SingleBar {
    constructor(opt: Options, preset?: Preset);
    start(total: number, start: number, payload?: Record<string, unknown>): void;
    update(current: number, payload?: Record<string, unknown>): void;
    stop(): void;
  }
  const Presets: { shades_classic: Preset; legacy: Preset };
  const _default: { SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default _default;
  export { SingleBar, Presets, Options, Preset };
}
