// In-process timings of validation at scale, with the reading cache warm (files unchanged: the
// YAML reading and the shape check are skipped), so what is left is the value checks, the
// cross-file checks, building the config and the policy, and the limits:
//
//   node --expose-gc scripts/run-ts.cjs scripts/bench/validate-stages.ts [--domains 10000]
//     [--targets 200] [--accounts 5] [--runs 15] [--alloc]
//
// Prints median and minimum of wall and CPU time (process.cpuUsage: user + system, which also
// counts the GC's helper threads), and the garbage collections each run triggered (count and
// pause time, from PerformanceObserver "gc" entries). With --alloc, also the bytes validateConfig
// allocates per run (V8's sampling heap profiler, counting what the collector already freed),
// in total and by function: unlike time, that figure hardly moves with the machine's load.
// Asserts nothing about time: the figures are for comparing two commits on one machine.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Session } from "node:inspector";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadConfig } from "../../lib/config/load";
import { buildPolicy } from "../../lib/policy/build";
import { validateConfig } from "../../lib/validate";
import { generateConfig } from "./generate-config";

const { values } = parseArgs({
  options: {
    domains: { type: "string", default: "10000" },
    targets: { type: "string", default: "200" },
    accounts: { type: "string", default: "5" },
    runs: { type: "string", default: "15" },
    alloc: { type: "boolean", default: false },
  },
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-validate-stages-"));
const configDir = path.join(scratch, "config");
process.env.MAILGATE_CACHE_DIR = path.join(scratch, "cache");
generateConfig(configDir, { domains: Number(values.domains), targets: Number(values.targets), accounts: Number(values.accounts), seed: 1 });

const gcs: { start: number; duration: number }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push({ start: entry.startTime, duration: entry.duration });
});
observer.observe({ entryTypes: ["gc"] });

const collect = (globalThis as { gc?: () => void }).gc;

interface Sample {
  wall: number;
  cpu: number;
  gcCount: number;
  gcMs: number;
}

/** Entries of the "gc" observer arrive asynchronously, after more than one turn of the event loop. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 50));

async function sample(run: () => unknown): Promise<Sample> {
  collect?.();
  await settle();
  const cpu = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await settle();
  // Only the collections the run itself triggered, not the forced one before it.
  const during = gcs.filter((g) => g.start >= start && g.start <= start + wall);
  return { wall, cpu: (used.user + used.system) / 1000, gcCount: during.length, gcMs: during.reduce((sum, g) => sum + g.duration, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs: number[]) => Math.min(...xs);
const f = (x: number) => x.toFixed(1).padStart(7);

function report(name: string, samples: Sample[]): void {
  const col = (pick: (s: Sample) => number) => samples.map(pick);
  console.log(
    `${name.padEnd(16)} wall ${f(median(col((s) => s.wall)))} (min ${f(min(col((s) => s.wall)))})  cpu ${f(median(col((s) => s.cpu)))} (min ${f(min(col((s) => s.cpu)))})  gc ${f(median(col((s) => s.gcMs)))} ms in ${median(col((s) => s.gcCount))} pauses`,
  );
}

async function main(): Promise<void> {
  // Warm the reading cache (the first run reads and checks every file) and the JIT.
  const first = validateConfig(configDir);
  if (!first.config) throw new Error(`the generated config does not validate: ${first.diagnostics[0]?.message}`);
  for (let i = 0; i < 2; i++) validateConfig(configDir);
  const loaded = loadConfig(configDir);
  const config = loaded.config!;

  const runs = Number(values.runs);
  const stages: Record<string, () => unknown> = {
    validateConfig: () => validateConfig(configDir),
    loadConfig: () => loadConfig(configDir),
    buildPolicy: () => buildPolicy(config),
  };
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  // Alternated, so a noisy neighbour spreads over every stage rather than one.
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(stages)) samples[name].push(await sample(run));
  console.log(`${values.domains} domains, ${values.targets} targets, ${values.accounts} accounts; ${runs} runs each, ms (median, min)${collect ? "" : " [run with --expose-gc for a clean heap per run]"}`);
  for (const [name, s] of Object.entries(samples)) report(name, s);
  observer.disconnect();
  if (values.alloc) await reportAllocation(() => validateConfig(configDir), 5);
  fs.rmSync(scratch, { recursive: true, force: true });
}

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/** Bytes allocated per run of `run`, sampled every 4 KiB, in total and for the top functions. */
async function reportAllocation(run: () => unknown, runs: number): Promise<void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post("HeapProfiler.enable");
  await post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < runs; i++) run();
  const { profile } = await post<{ profile: { head: SamplingNode } }>("HeapProfiler.stopSampling");
  session.disconnect();
  const bySite = new Map<string, number>();
  const visit = (node: SamplingNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  const mb = (bytes: number) => (bytes / runs / 1e6).toFixed(2).padStart(6);
  let total = 0;
  for (const bytes of bySite.values()) total += bytes;
  console.log(`validateConfig allocates ${mb(total)} MB per run (sampled over ${runs} runs); by function:`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${mb(bytes)} ${site}`);
}

void main();
