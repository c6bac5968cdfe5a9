import * as path from "node:path";
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from "node:worker_threads";
import type { Diagnostic } from "./diagnostic";
import { readYamlIndexed, YAML_LIMITS, type IndexedYamlReading } from "./read-yaml";
import { SourceFile } from "./source";

export { YAML_LIMITS };

export interface ParsedFile {
  readonly source: SourceFile;
  /** YAML errors, each at its position. */
  readonly diagnostics: Diagnostic[];
  /** The plain value, when the YAML had no errors; undefined for an empty file. */
  readonly value?: unknown;
  /** False when the YAML has errors: its shape is not worth checking. */
  readonly ok: boolean;
  /** Problems found but not turned into diagnostics, beyond `YAML_LIMITS.maxReported`. */
  readonly omitted?: { readonly errors: number; readonly warnings: number };
}

/** A config file's path as shown to the user, and its text. */
export interface ConfigText {
  readonly file: string;
  readonly text: string;
}

/** One config file, read by `readYaml` (read-yaml.ts) like every other, with its positions. */
export function parseConfigFile(file: string, text: string): ParsedFile {
  return parsedFile(file, text, readYamlIndexed(text, file));
}

function parsedFile(file: string, text: string, reading: IndexedYamlReading): ParsedFile {
  const source = new SourceFile(file, text, reading.positions, reading.lineStarts);
  if (!("value" in reading)) return { source, diagnostics: reading.diagnostics, ok: false, omitted: reading.omitted };
  // A file of only comments (or `~`) declares nothing: there is no mapping to check.
  return { source, diagnostics: reading.diagnostics, ...(reading.value !== null ? { value: reading.value } : {}), ok: true, omitted: reading.omitted };
}

/**
 * Below this much text in all, files are read on this thread alone: a helper thread takes
 * longer to start (~40 ms) than reading 250 KiB of YAML takes.
 */
export const PARALLEL_MIN_CHARS = 256 * 1024;

/**
 * The files of a config, parsed in order, each exactly as `parseConfigFile` would. Reading YAML
 * is most of validate's time (~0.5 s per MiB), so a bigger config is read by this thread and one
 * helper thread together: each takes the next file nobody has taken, the helper sends back what
 * `readYaml` returned (plain values and numbers: nothing of the reading depends on the thread),
 * and this thread checks file by file as their readings arrive. Results are the same whatever
 * thread read a file, and whether a helper could start at all.
 */
export function* parseConfigFiles(inputs: readonly ConfigText[], options: ParseOptions = {}): Generator<ParsedFile, void, undefined> {
  let chars = 0;
  for (const input of inputs) chars += input.text.length;
  const wanted = options.waitForHelper || (inputs.length > 1 && chars >= PARALLEL_MIN_CHARS && parallelAllowed());
  const helper = wanted ? Helper.start(inputs, options.waitForHelper === true) : undefined;
  try {
    for (let i = 0; i < inputs.length; i++) {
      const { file, text } = inputs[i];
      if (!helper) {
        parseStats.here++;
        yield parseConfigFile(file, text);
        continue;
      }
      const { reading, by } = helper.take(i);
      parseStats[by]++;
      yield parsedFile(file, text, reading);
    }
  } finally {
    helper?.stop();
  }
}

export interface ParseOptions {
  /**
   * @internal For tests: start the helper whatever the size, and let it read every file this
   * thread does not have to (this thread reads none unless the helper fails).
   */
  readonly waitForHelper?: boolean;
}

/** How many files each thread read (for tests and the bench). */
export const parseStats = { here: 0, helper: 0 };

/** `MAILGATE_PARSE_THREADS=1` reads on one thread (to compare, or on a machine with one core). */
function parallelAllowed(): boolean {
  return process.env.MAILGATE_PARSE_THREADS !== "1";
}

// Shared state, one Int32 each: the next-file counter is not needed, each file has a claim.
const POSTED = 0;
const STOP = 1;
const HELPER_DONE = 2;
const FILES = 3;
const FREE = 0;
const MAIN = 1;
const HELPER = 2;

/** How long to wait for the helper's reading of a file before reading it here after all. */
const HELPER_PATIENCE_MS = 30_000;

interface HelperData {
  readonly mailgateReadYaml: true;
  readonly inputs: readonly ConfigText[];
  readonly state: SharedArrayBuffer;
  readonly port: MessagePort;
}

type HelperMessage = { readonly index: number; readonly reading: IndexedYamlReading } | { readonly index: number; readonly failed: true };

/**
 * This thread's side of the helper: claims files, reads them, and while the helper's reading of
 * the next file is not there yet, reads a later file nobody has claimed rather than wait.
 */
class Helper {
  private readonly results = new Map<number, HelperMessage>();
  /** Readings this thread made ahead of their turn. */
  private readonly ahead = new Map<number, IndexedYamlReading>();
  /** Files before this one are all claimed. */
  private unclaimed = 0;

  private constructor(
    private readonly inputs: readonly ConfigText[],
    private readonly worker: Worker,
    private readonly state: Int32Array,
    private readonly port: MessagePort,
    private readonly patient: boolean,
  ) {}

  static start(inputs: readonly ConfigText[], patient: boolean): Helper | undefined {
    const state = new Int32Array(new SharedArrayBuffer(4 * (FILES + inputs.length)));
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      const data: HelperData = { mailgateReadYaml: true, inputs, state: state.buffer as SharedArrayBuffer, port: port2 };
      worker = new Worker(helperBootstrap(), { eval: true, workerData: data, transferList: [port2], stdout: false, stderr: false });
    } catch {
      return undefined;
    }
    // Neither keeps the process alive: `stop` ends the helper, and an exit needs no goodbye.
    worker.unref();
    worker.on("error", () => {});
    return new Helper(inputs, worker, state, port1, patient);
  }

  /** The reading of file `index`, and which thread made it. */
  take(index: number): { reading: IndexedYamlReading; by: "here" | "helper" } {
    const early = this.ahead.get(index);
    if (early) {
      this.ahead.delete(index);
      return { reading: early, by: "here" };
    }
    if (!this.patient && this.claim(index)) return { reading: this.read(index), by: "here" };
    let waited = 0;
    while (!this.results.has(index)) {
      // The count first: a reading posted after it changes it, so the wait returns at once.
      const posted = Atomics.load(this.state, POSTED);
      // And whether the helper is done before looking: then every reading it sent is there.
      const done = Atomics.load(this.state, HELPER_DONE) === 1;
      const received = receiveMessageOnPort(this.port);
      if (received) {
        const message = received.message as HelperMessage;
        this.results.set(message.index, message);
        continue;
      }
      if (done || waited >= HELPER_PATIENCE_MS) return { reading: this.read(index), by: "here" };
      if (this.patient && Atomics.load(this.state, FILES + index) === FREE) {
        Atomics.wait(this.state, POSTED, posted, 10);
        continue;
      }
      const later = this.patient ? undefined : this.nextUnclaimed(index + 1);
      if (later !== undefined) {
        this.ahead.set(later, this.read(later));
        continue;
      }
      if (Atomics.wait(this.state, POSTED, posted, 100) === "timed-out") waited += 100;
    }
    const message = this.results.get(index) as HelperMessage;
    this.results.delete(index);
    // The helper met a bug: reading the file here again reports it with this thread's stack.
    return "reading" in message ? { reading: message.reading, by: "helper" } : { reading: this.read(index), by: "here" };
  }

  private claim(index: number): boolean {
    return Atomics.compareExchange(this.state, FILES + index, FREE, MAIN) === FREE;
  }

  /** Claims the first file from `from` on that nobody has claimed. */
  private nextUnclaimed(from: number): number | undefined {
    for (let i = Math.max(from, this.unclaimed); i < this.inputs.length; i++) {
      if (this.claim(i)) return i;
      if (i === this.unclaimed) this.unclaimed++;
    }
    return undefined;
  }

  private read(index: number): IndexedYamlReading {
    const { file, text } = this.inputs[index];
    return readYamlIndexed(text, file);
  }

  stop(): void {
    Atomics.store(this.state, STOP, 1);
    this.port.close();
    void this.worker.terminate().catch(() => {});
  }
}

/**
 * The helper's code: this module, loaded as the parent loaded it. Compiled JavaScript loads as
 * it is; TypeScript sources (tsx, vitest, scripts/run-ts.cjs) through run-ts's loader, which a
 * thread does not inherit from its parent.
 */
function helperBootstrap(): string {
  const self = __filename;
  const loader = path.join(__dirname, "..", "..", "scripts", "run-ts.cjs");
  const preload = self.endsWith(".ts") ? `require(${JSON.stringify(loader)});` : "";
  return `${preload}require(${JSON.stringify(self)});`;
}

/** The helper thread: reads the files nobody has claimed, in order, until told to stop. */
function serve(data: HelperData): void {
  const state = new Int32Array(data.state);
  try {
    for (let i = 0; i < data.inputs.length && Atomics.load(state, STOP) === 0; i++) {
      if (Atomics.compareExchange(state, FILES + i, FREE, HELPER) !== FREE) continue;
      let message: HelperMessage;
      const transfer: ArrayBuffer[] = [];
      try {
        const { file, text } = data.inputs[i];
        const reading = readYamlIndexed(text, file);
        for (const array of [reading.positions.nodes, reading.positions.edges, reading.lineStarts]) {
          if (array.byteLength > 0) transfer.push(array.buffer as ArrayBuffer);
        }
        message = { index: i, reading };
      } catch {
        message = { index: i, failed: true };
      }
      data.port.postMessage(message, transfer);
      Atomics.add(state, POSTED, 1);
      Atomics.notify(state, POSTED);
    }
  } finally {
    Atomics.store(state, HELPER_DONE, 1);
    Atomics.notify(state, POSTED);
    data.port.close();
  }
}

if (!isMainThread && (workerData as Partial<HelperData> | null)?.mailgateReadYaml === true) serve(workerData as HelperData);
