// The artifacts worker's thread (started by artifacts-in-worker.ts): renders the artifacts from
// the validated inputs synth posts, and stages them beside their final names. Synth meanwhile
// constructs and synthesizes the stacks on its own thread; the machine's second core does this.
// Posts `rendered`, then `staged` (what it wrote, as data, for synth to commit or abort) or
// `failed` (after removing whatever it wrote), then ends.
import { parentPort } from "node:worker_threads";
import { Cidr } from "../model/cidr";
import { prefillSettings } from "../artifacts/prefill";
import { renderArtifacts } from "./render-artifacts";
import { stageArtifactsToRecord } from "./write-atomic";
import { OutputError } from "./exit-codes";
import type { ArtifactsJob, WorkerFailure, WorkerMessage } from "./artifacts-in-worker";

if (parentPort) {
  const port = parentPort;
  port.once("message", (job: ArtifactsJob) => {
    const post = (message: WorkerMessage) => port.postMessage(message);
    let stage: WorkerFailure["stage"] = "render";
    try {
      const { config, policy, placements, previous } = reviveCidrs(job.inputs);
      const artifacts = renderArtifacts(config, policy, placements, prefillSettings(config, policy.catalog, previous));
      post({ kind: "rendered", fileCount: artifacts.size });
      stage = "stage";
      post({ kind: "staged", record: stageArtifactsToRecord(job.outDir, artifacts, { ownedDirectories: job.ownedDirectories }) });
    } catch (error) {
      post({ kind: "failed", stage, error: describeError(error) });
    }
  });
}

/** An error as data: structured cloning keeps an Error's message but not its class or fields. */
function describeError(error: unknown): WorkerFailure["error"] {
  const plain = (e: unknown) => ({
    message: e instanceof Error ? e.message : String(e),
    stack: e instanceof Error ? e.stack : undefined,
    code: (e as NodeJS.ErrnoException | null)?.code,
  });
  if (error instanceof OutputError) return { ...plain(error), output: { path: error.path, cause: plain(error.cause), aftermath: error.aftermath } };
  return plain(error);
}

/**
 * Structured cloning copies a `Cidr` as a plain object (its class and its private text cache
 * lost); the policy holds them wherever a rule names a block. Each comes back a `Cidr`, the same
 * one wherever the original was shared. Any other class would come back plain too: the test
 * beside this (__tests__/artifacts/artifacts-worker.test.ts) renders every kind of target both
 * ways and compares the bytes.
 */
export function reviveCidrs<T>(value: T): T {
  const revived = new Map<object, Cidr>();
  const seen = new Set<object>();
  const revive = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    const cidr = revived.get(v);
    if (cidr) return cidr;
    if (isClonedCidr(v)) {
      const made = Cidr.fromRange(v.family, v.first, v.prefixLength);
      revived.set(v, made);
      return made;
    }
    if (seen.has(v)) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = revive(v[i]);
    } else if (v instanceof Map) {
      const entries = [...v].map(([key, item]) => [revive(key), revive(item)] as const);
      v.clear();
      for (const [key, item] of entries) v.set(key, item);
    } else if (v instanceof Set) {
      const items = [...v].map(revive);
      v.clear();
      for (const item of items) v.add(item);
    } else {
      const record = v as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = revive(record[key]);
    }
    return v;
  };
  return revive(value) as T;
}

function isClonedCidr(v: object): v is { family: 4 | 6; first: bigint; prefixLength: number } {
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  const keys = Object.keys(v);
  return keys.length === 3 && typeof (v as { first?: unknown }).first === "bigint" && "family" in v && "prefixLength" in v;
}
