// In-process timings of validation at scale, with the reading cache warm (files unchanged: the
// YAML reading and the shape check are skipped), so what is left is the value checks, the
// cross-file checks, building the config and the policy, and the limits:
//
//   node --expose-gc scripts/run-ts.cjs scripts/bench/validate-stages.ts [--domains 10000]
//     [--targets 200] [--accounts 5] [--runs 15]
//
// Prints median and minimum of wall and CPU time (process.cpuUsage: user + system, which also
// counts the GC's helper threads), and the garbage collections each run triggered (count and
// pause time, from PerformanceObserver "gc" entries). Asserts nothing about time: the figures
// are for comparing two commits on one machine.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
  fs.rmSync(scratch, { recursive: true, force: true });
}

void main();
