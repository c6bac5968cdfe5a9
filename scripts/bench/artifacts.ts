// In-process timing of `renderArtifacts` (lib/pipeline.ts) on one generated config: the prefill
// files, the audit report (`buildReport`) and its four files, placements.json and the firewall
// files of targets outside AWS. The config is loaded and validated once; only the rendering is
// repeated, after a warm-up, so the figures are steady-state CPU, not module loading.
//
//   node --expose-gc scripts/run-ts.cjs scripts/bench/artifacts.ts [--domains 10000] [--targets 200]
//                                       [--accounts 5] [--runs 15] [--warmup 5] [--against DIR]
//
// `--against /work/main` loads a second checkout's code into the same process and alternates
// the two run by run, so both see the same load on a shared machine: a before and after.
//
// Each run ends with the UTF-8 length of every file, as writing it would (see `measured`).
// Prints per stage the median and minimum wall time, the process's CPU time (GC threads
// included: steadier on a machine shared with other work), the garbage collection time and the
// bytes allocated per run (from V8's GC profiler: what each collection found used, less what the
// last one left, summed). A benchmark: it prints figures and asserts nothing about time.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import * as v8 from "node:v8";
import { PROJECT_ROOT } from "./child";
import { generateConfig } from "./generate-config";

/** One checkout's stages, each a function timed as a run. */
function stagesOf(root: string, configDir: string): Record<string, () => number> {
  // Required by path (not imported) so that another checkout's modules load the same way.
  const load = <T>(module: string): T => require(path.join(root, module)) as T;
  const { validateConfig } = load<typeof import("../../lib/validate")>("lib/validate");
  const { buildReport } = load<typeof import("../../lib/audit/report")>("lib/audit/report");
  const { renderReport } = load<typeof import("../../lib/artifacts/report-files")>("lib/artifacts/report-files");
  const { prefillSettings } = load<typeof import("../../lib/artifacts/prefill")>("lib/artifacts/prefill");
  const { prefillArtifacts, renderArtifacts } = load<typeof import("../../lib/pipeline")>("lib/pipeline");

  const { config, policy, placements, diagnostics } = validateConfig(configDir);
  if (!config || !policy || !placements) throw new Error(`the generated config does not validate: ${diagnostics.map((d) => d.message).join("; ")}`);
  const prefill = prefillSettings(config, policy.catalog);
  const report = buildReport(config, policy, placements);
  // Each file's text is measured too, as the writer's UTF-8 encoding will: that flattens a string
  // built by concatenation, a copy its renderer caused and the process pays, so it is counted here.
  const measured = (files: Iterable<readonly [string, string]>) => {
    let bytes = 0;
    for (const [, text] of files) bytes += Buffer.byteLength(text);
    return bytes;
  };
  // Stages timed apart as well, to see where a change moved the total.
  return {
    renderArtifacts: () => measured(renderArtifacts(config, policy, placements, prefill)),
    buildReport: () => (buildReport(config, policy, placements), 0),
    renderReport: () => measured(renderReport(report)),
    prefillArtifacts: () => measured(prefillArtifacts(prefill)),
  };
}

interface Figures {
  readonly times: number[];
  readonly cpuTimes: number[];
  readonly gcTimes: number[];
  readonly allocated: number[];
  bytes: number;
}

const { values } = parseArgs({
  options: {
    domains: { type: "string", default: "10000" },
    targets: { type: "string", default: "200" },
    accounts: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    runs: { type: "string", default: "15" },
    warmup: { type: "string", default: "5" },
    against: { type: "string" },
  },
});

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-bench-artifacts-"));
try {
  const configDir = path.join(work, "config");
  generateConfig(configDir, { domains: Number(values.domains), targets: Number(values.targets), accounts: Number(values.accounts), seed: Number(values.seed) });
  const sides = [{ name: "this checkout", stages: stagesOf(PROJECT_ROOT, configDir) }];
  if (values.against !== undefined) sides.push({ name: path.resolve(values.against), stages: stagesOf(path.resolve(values.against), configDir) });

  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) process.stderr.write("run with node --expose-gc for steadier figures (a collection before each run)\n");

  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const lines = [`renderArtifacts at ${values.domains} domains, ${values.targets} targets, ${values.accounts} accounts: ${runs} runs after ${warmup} warm-up`];
  const results = sides.map(() => new Map<string, Figures>());
  for (const stage of Object.keys(sides[0].stages)) {
    for (let i = 0; i < warmup; i++) for (const side of sides) side.stages[stage]();
    const figures = sides.map((_, s) => {
      const f: Figures = { times: [], cpuTimes: [], gcTimes: [], allocated: [], bytes: 0 };
      results[s].set(stage, f);
      return f;
    });
    // Run by run, alternating the checkouts.
    for (let i = 0; i < runs; i++) sides.forEach((side, s) => timeRun(side.stages[stage], figures[s], gc));
  }
  sides.forEach((side, s) => {
    if (sides.length > 1) lines.push("", side.name);
    lines.push("stage              median ms    min ms   CPU ms (median, min)   GC ms (median)   MB allocated (median)");
    for (const [stage, f] of results[s]) {
      lines.push(
        `${stage.padEnd(18)} ${median(f.times).toFixed(1).padStart(9)} ${Math.min(...f.times).toFixed(1).padStart(9)} ${`${median(f.cpuTimes).toFixed(1)}, ${Math.min(...f.cpuTimes).toFixed(1)}`.padStart(22)} ${median(f.gcTimes).toFixed(1).padStart(15)} ${(median(f.allocated) / 1e6).toFixed(1).padStart(23)}`,
      );
    }
    lines.push(`output: ${((results[s].get("renderArtifacts")?.bytes ?? 0) / 1e6).toFixed(1)} MB of artifacts`);
  });
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

function timeRun(run: () => number, f: Figures, gc: (() => void) | undefined): void {
  gc?.();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const bytes = run();
  f.times.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  f.cpuTimes.push((used.user + used.system) / 1000);
  const after = v8.getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop() as GcProfile;
  // Allocated = growth between collections, plus the growth since the last one.
  let total = 0;
  let base = before;
  for (const s of statistics) {
    total += s.beforeGC.heapStatistics.usedHeapSize - base;
    base = s.afterGC.heapStatistics.usedHeapSize;
  }
  total += after - base;
  f.allocated.push(total);
  f.gcTimes.push(statistics.reduce((sum, s) => sum + s.cost, 0) / 1000);
  if (bytes > 0) f.bytes = bytes;
}

interface GcProfile {
  statistics: { cost: number; beforeGC: { heapStatistics: { usedHeapSize: number } }; afterGC: { heapStatistics: { usedHeapSize: number } } }[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
