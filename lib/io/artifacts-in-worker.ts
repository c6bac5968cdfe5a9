// Synth's side of the artifacts worker (artifacts-worker.ts): the artifacts are rendered and
// staged on another thread while this one constructs and synthesizes the stacks. Nothing is
// committed here: the worker stages, synth commits (or aborts) once both halves succeeded.
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { Config } from "../model/config";
import type { FirewallPolicy } from "../policy/firewall-policy";
import type { Placements } from "../policy/placements";
import type { PreviousPrefill } from "../artifacts/prefill";
import { OutputError } from "./exit-codes";
import { packageRoot } from "./package-root";
import { stagedFromRecord, type StagedArtifacts, type StagingRecord } from "./write-atomic";

/** What the artifacts are rendered from (lib/io/render-artifacts.ts). */
export interface ArtifactInputs {
  readonly config: Config;
  readonly policy: FirewallPolicy;
  readonly placements: Placements;
  /** The last synth's prefill settings, as much as the new ones read (`previousForConfig`). */
  readonly previous: PreviousPrefill;
}

/** The one message synth posts. */
export interface ArtifactsJob {
  readonly inputs: ArtifactInputs;
  readonly outDir: string;
  readonly ownedDirectories: readonly string[];
}

interface ErrorData {
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

export interface WorkerFailure {
  readonly kind: "failed";
  readonly stage: "render" | "stage";
  readonly error: ErrorData & { readonly output?: { readonly path: string; readonly cause: ErrorData; readonly aftermath: string } };
}

/** What the worker posts: `rendered`, then `staged` or `failed`; or `failed` alone. */
export type WorkerMessage = { readonly kind: "rendered"; readonly fileCount: number } | { readonly kind: "staged"; readonly record: StagingRecord } | WorkerFailure;

/** Artifacts being rendered and staged by the worker. */
export interface ArtifactsInProgress {
  /** Resolves to the number of files once rendered; rejects with the rendering's error (a bug, such as a failed coverage proof). */
  readonly rendered: Promise<number>;
  /** Resolves once every file is staged; rejects with the first error, nothing left behind. */
  readonly staged: Promise<StagedArtifacts>;
}

/**
 * A worker thread, started before validation so that it has loaded its modules by the time
 * synth hands it the validated inputs. `stop` ends it whatever it is doing: call it once the
 * outcome is in (or no work will be given), or the process would not exit.
 */
export class ArtifactsWorker {
  private readonly worker: Worker;
  private readonly messages: WorkerMessage[] = [];
  private waiting: (() => void) | undefined;
  private ended: Error | undefined;

  constructor() {
    const { entry, options } = workerEntry();
    this.worker = new Worker(entry, options);
    this.worker.on("message", (message: WorkerMessage) => this.arrived(message));
    this.worker.on("error", (error) => this.end(error));
    this.worker.on("exit", (code) => this.end(new Error(`the artifacts worker ended (exit code ${code}) before it finished`)));
  }

  /** Posts the job; the outcome arrives in the returned promises. */
  start(job: ArtifactsJob): ArtifactsInProgress {
    let posted: Promise<void>;
    try {
      this.worker.postMessage(job);
      posted = Promise.resolve();
    } catch (error) {
      // Inputs that cannot be cloned are a bug: reported as the rendering's failure.
      posted = Promise.reject(error);
    }
    const rendered = posted.then(() => this.next()).then((message) => {
      if (message.kind === "failed") throw errorOf(message);
      if (message.kind !== "rendered") throw new Error(`the artifacts worker sent ${message.kind} before rendered`);
      return message.fileCount;
    });
    const staged = rendered.then(() =>
      this.next().then((message) => {
        if (message.kind === "failed") throw errorOf(message);
        if (message.kind !== "staged") throw new Error(`the artifacts worker sent ${message.kind} instead of staged`);
        return stagedFromRecord(message.record);
      }),
    );
    // Handled wherever synth gives up before awaiting them (another error is thrown instead).
    rendered.catch(() => undefined);
    staged.catch(() => undefined);
    return { rendered, staged };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private arrived(message: WorkerMessage): void {
    this.messages.push(message);
    this.waiting?.();
  }

  private end(error: Error): void {
    this.ended ??= error;
    this.waiting?.();
  }

  private async next(): Promise<WorkerMessage> {
    for (;;) {
      const message = this.messages.shift();
      if (message) return message;
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }
}

/** The worker's failure as the error synth reports: an `OutputError` (exit 73) stays one. */
function errorOf(failure: WorkerFailure): Error {
  const revived = (data: ErrorData) => Object.assign(new Error(data.message), { stack: data.stack, ...(data.code ? { code: data.code } : {}) });
  const { output } = failure.error;
  return output ? new OutputError(output.path, revived(output.cause), output.aftermath) : revived(failure.error);
}

/**
 * The worker's module as this module runs: compiled JavaScript beside it (the package), or
 * TypeScript (npm run synth, cdktf's `tsx main.ts`, vitest). A worker has none of its parent's
 * module hooks (tsx's ESM loader does not even start in one), so it registers tsx's CommonJS
 * hook itself: its cache is keyed by each file's content, so a warm run compiles nothing.
 */
function workerEntry(): { entry: string; options: { eval?: boolean; execArgv?: string[] } } {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `artifacts-worker${extension}`);
  if (extension !== ".ts") return { entry, options: {} };
  const tsx = require.resolve("tsx/cjs/api", { paths: [packageRoot(__dirname)] });
  return { entry: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, options: { eval: true, execArgv: [] } };
}
