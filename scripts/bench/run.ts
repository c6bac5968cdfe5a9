// `npm run bench`: validate and synth times and peak memory on generated configs, against the
// floor (a bare cdktf app declaring the identical resources), as a Markdown table.
//
//   npm run bench -- [--sizes 100,1000,10000] [--runs 3] [--targets 200] [--accounts 5]
//                    [--seed 1] [--runner tsx|cjs|run-ts] [--only sizes|validate] [--baseline DIR] [--keep]
//
// With --baseline DIR, that checkout's synth also runs in turn with this one's and the floor.
// Synth and the floor run as cdktf.json runs the app (`tsx main.ts`; `--runner cjs` for
// `node --require tsx/cjs`); "validate CLI" runs as `npm run validate` does (its package.json
// script, minus npm's own start-up).
//
// Then validate as a process, against its targets (issue 23): 10,000 domains as 20 files of 500
// and as 2 files of 5,000 (the largest the 1 MiB file limit allows), at most 1 s of CPU each; the
// shipped example, at most 0.3 s of wall time, as the process and as `npm run validate`, npm
// included. Each beside its floors (bare Node, npm's own start-up, and for the 10,000 domains yaml's
// parser alone over the same files: the least a first reading can cost with that one reader), with the reading cache warm and
// off, and with --baseline DIR (another checkout, e.g. `git worktree add /tmp/base <commit>` with
// node_modules linked) alternating with this one, so before and after come from one run.
// `--only validate` runs just this part, `--only sizes` just the first.
//
// Each figure is the median of --runs timed runs after one untimed warm-up (which also fills
// tsx's transpile cache). Mailgate and the floor run alternately so they share the machine's
// noise. Child processes get CHECKPOINT_DISABLE=1 and their own temporary directories.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { loadConfig } from "../../lib/config/load";
import { detectAccountSupport } from "./accounts";
import { LIMITS } from "../../lib/config/files";
import { median, runCommand, runEntry, runnerOfScript, type ChildRun, type Runner } from "./child";
import { generateConfig, REGIONS } from "./generate-config";
import { compareOutputs, floorSpec, summarize } from "./terraform-output";

/**
 * What `validate` runs in process: `validateConfig` (loader + the policy's quota checks) where
 * the checkout has it, else `loadConfig` alone.
 */
const validateInProcess = ((): { name: string; run: (dir: string) => { config?: unknown; diagnostics: readonly Diagnostic[] } } => {
  const module = path.join(__dirname, "..", "..", "lib", "validate.ts");
  if (fs.existsSync(module)) {
    const { validateConfig } = require(module) as { validateConfig?: (dir: string) => { config?: unknown; diagnostics: readonly Diagnostic[] } };
    if (validateConfig) return { name: "validateConfig", run: validateConfig };
  }
  return { name: "loadConfig", run: loadConfig };
})();

const TARGET_RATIO = 1.25;
const TARGET_VALIDATE_MS = 1500;

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000,10000" },
    runs: { type: "string", default: "3" },
    targets: { type: "string", default: "200" },
    accounts: { type: "string" },
    seed: { type: "string", default: "1" },
    runner: { type: "string", default: "tsx" },
    only: { type: "string" },
    keep: { type: "boolean", default: false },
    baseline: { type: "string" },
  },
});
const runner = values.runner as Runner;
/** How `npm run validate` starts the CLI, read from package.json so the figure is what users get. */
const validateRunner = ((): Runner => {
  const script = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.validate ?? "";
  return runnerOfScript(script);
})();
const sizes = values.sizes.split(",").map((s) => Number(s.replace(/_/g, "")));
const runs = Number(values.runs);
const targets = Number(values.targets);
const only = values.only;
/** Another checkout (say the commit before a change, with node_modules) whose validate runs alternately with this one's. */
const baseline = values.baseline === undefined ? undefined : path.resolve(values.baseline);
if (baseline !== undefined && !fs.existsSync(path.join(baseline, "lib", "cli.ts"))) {
  process.stderr.write(`--baseline ${values.baseline}: not a mailgate checkout (no lib/cli.ts)\n`);
  process.exit(2);
}
if (
  sizes.some((n) => !Number.isInteger(n) || n < 1) ||
  !Number.isInteger(runs) ||
  runs < 1 ||
  !Number.isInteger(targets) ||
  targets < 1 ||
  !["tsx", "cjs", "run-ts"].includes(runner) ||
  (only !== undefined && !["sizes", "validate"].includes(only))
) {
  process.stderr.write(
    "usage: npm run bench -- [--sizes 100,1000,10000] [--runs 3] [--targets 200] [--accounts 5] [--seed 1] [--runner tsx|cjs|run-ts] [--only sizes|validate] [--baseline DIR] [--keep]\n",
  );
  process.exit(2);
}

const log = (text: string) => process.stderr.write(`${text}\n`);
const seconds = (ms: number) => (ms < 1000 ? `${(ms / 1000).toFixed(3)} s` : `${(ms / 1000).toFixed(2)} s`);
const cpu = (ms: number | undefined) => (ms === undefined ? "n/a" : seconds(ms));
const megabytes = (kb: number | undefined) => (kb === undefined ? "n/a" : `${Math.round(kb / 1024)} MB`);

const support = detectAccountSupport();
const accounts = values.accounts !== undefined ? Number(values.accounts) : support.supported ? 5 : 0;
if (accounts > 0 && !support.supported) log(`warning: --accounts ${accounts} but the loader rejects accounts (${support.reason}); validation will fail`);
const roleArn = support.roleArn || !support.supported;
const mode =
  accounts > 0
    ? `accounts mode: ${targets} targets over ${accounts} accounts x ${REGIONS.length} regions, each with account${roleArn ? " + roleArn (assume-role providers)" : ` only (the loader rejects roleArn: ${support.reason})`}`
    : `regions-only mode: ${targets} targets over ${REGIONS.length} regions, no account/roleArn (${support.supported ? "--accounts 0" : `this loader does not accept them yet: ${support.reason}`})`;
log(mode);

interface Row {
  readonly domains: number;
  readonly targets: number;
  readonly stacks: number;
  readonly rules: number;
  readonly assumeRoleProviders: number;
  readonly validateInProcessMs: number;
  readonly validateCliMs: number;
  readonly synthMs: number;
  readonly floorMs: number;
  readonly rssMailgateKb: number | undefined;
  readonly rssFloorKb: number | undefined;
  readonly synthCpuMs: number | undefined;
  readonly floorCpuMs: number | undefined;
  readonly floorMatches: boolean;
  /** With --baseline: that checkout's synth, run in turn with this one's and the floor. */
  readonly baselineMs?: number;
  readonly baselineCpuMs?: number;
}

/** Stops the bench with a message (after `measure`'s cleanup, unlike process.exit). */
class BenchError extends Error {}

function mustSucceed(what: string, run: ChildRun): ChildRun {
  if (run.status !== 0) throw new BenchError(`${what} failed with exit ${run.status}:\n${run.stderr.split("\n").slice(0, 30).join("\n")}`);
  return run;
}

function measure(domains: number): Row {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `mailgate-bench-${domains}-`));
  try {
    const configDir = path.join(work, "config");
    const stats = generateConfig(configDir, { domains, targets, accounts, roleArn, seed: Number(values.seed) });
    log(`\n== ${domains} domains: ${stats.files} files, ${(stats.bytes / 1024).toFixed(0)} KiB of YAML, ${stats.imapDomains} IMAP / ${stats.exchangeDomains} Exchange, ${stats.createdGroups} created groups`);

    // (1) validate, in process, after one warm-up (JIT, module loading).
    const first = validateInProcess.run(configDir);
    if (!first.config) {
      const errors = first.diagnostics.filter((d) => d.severity === "error").slice(0, 5);
      throw new BenchError(`generated config is invalid (a bench bug, or a loader change):\n${errors.map((d) => `${d.code}: ${d.message}`).join("\n")}`);
    }
    const inProcess: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = process.hrtime.bigint();
      validateInProcess.run(configDir);
      inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    log(`validate in-process: ${inProcess.map(seconds).join(", ")}`);

    // (1b) validate, as CI runs it: a whole process, started as `npm run validate` starts it.
    // Its own artifacts directory: the repository's generated/ holds the example's placements,
    // which validate rightly refuses to read for another config (PLACEMENTS_OTHER_CONFIG).
    const cliEnv = { MAILGATE_CONFIG: configDir, MAILGATE_OUT: path.join(work, "validate-out") };
    mustSucceed("validate (warm-up)", runEntry("lib/cli.ts", ["validate"], cliEnv, validateRunner));
    const cli: number[] = [];
    for (let r = 0; r < runs; r++) cli.push(mustSucceed("validate", runEntry("lib/cli.ts", ["validate"], cliEnv, validateRunner)).ms);
    log(`validate CLI: ${cli.map(seconds).join(", ")}`);

    // (2) synth, and (3) the floor on a spec made from mailgate's own output, before any timing.
    const mgEnv = { MAILGATE_CONFIG: configDir, CDKTF_OUTDIR: path.join(work, "mailgate.out"), MAILGATE_OUT: path.join(work, "generated") };
    const warm = mustSucceed("mailgate synth (warm-up)", runEntry("main.ts", [], mgEnv, runner));
    log(`synth warm-up: ${seconds(warm.ms)}`);
    const summary = summarize(mgEnv.CDKTF_OUTDIR);
    const specFile = path.join(work, "floor-spec.json");
    fs.writeFileSync(specFile, JSON.stringify(floorSpec(mgEnv.CDKTF_OUTDIR)));
    const floorEnv = { FLOOR_SPEC: specFile, CDKTF_OUTDIR: path.join(work, "floor.out") };
    mustSucceed("floor synth (warm-up)", runEntry("scripts/bench/floor-app.ts", [], floorEnv, runner));
    const differences = compareOutputs(mgEnv.CDKTF_OUTDIR, floorEnv.CDKTF_OUTDIR);
    if (differences.length > 0) log(`WARNING: the floor's output differs from mailgate's, so the ratio is not like for like:\n  ${differences.join("\n  ")}`);

    // The baseline checkout's synth, into outputs of its own (its first run there is its warm-up).
    const baseEnv = { ...mgEnv, CDKTF_OUTDIR: path.join(work, "baseline.out"), MAILGATE_OUT: path.join(work, "baseline-generated") };
    if (baseline) mustSucceed("baseline synth (warm-up)", runEntry("main.ts", [], baseEnv, runner, baseline));

    const synth: ChildRun[] = [];
    const floor: ChildRun[] = [];
    const base: ChildRun[] = [];
    const contenders = ["mailgate", "floor", ...(baseline ? ["baseline"] : [])];
    for (let r = 0; r < runs; r++) {
      // Alternate, and turn who goes first, so drift in machine load hits all alike.
      const order = contenders.map((_, k) => contenders[(k + r) % contenders.length]);
      for (const which of order) {
        if (which === "mailgate") synth.push(mustSucceed("mailgate synth", runEntry("main.ts", [], mgEnv, runner)));
        else if (which === "floor") floor.push(mustSucceed("floor synth", runEntry("scripts/bench/floor-app.ts", [], floorEnv, runner)));
        else base.push(mustSucceed("baseline synth", runEntry("main.ts", [], baseEnv, runner, baseline)));
      }
    }
    const listed = (list: ChildRun[]) => list.map((s) => `${seconds(s.ms)} (CPU ${cpu(s.cpuMs)})`).join(", ");
    log(`synth: ${listed(synth)}; floor: ${listed(floor)}${baseline ? `; baseline synth: ${listed(base)}` : ""}`);
    const medianOf = (list: ChildRun[], figure: "peakRssKb" | "cpuMs") => {
      const known = list.map((s) => s[figure]).filter((k): k is number => k !== undefined);
      return known.length > 0 ? median(known) : undefined;
    };
    return {
      domains,
      targets,
      stacks: summary.stacks,
      rules: summary.resources.aws_vpc_security_group_ingress_rule ?? 0,
      assumeRoleProviders: summary.providersWithAssumeRole,
      validateInProcessMs: median(inProcess),
      validateCliMs: median(cli),
      synthMs: median(synth.map((s) => s.ms)),
      floorMs: median(floor.map((s) => s.ms)),
      rssMailgateKb: medianOf(synth, "peakRssKb"),
      rssFloorKb: medianOf(floor, "peakRssKb"),
      synthCpuMs: medianOf(synth, "cpuMs"),
      floorCpuMs: medianOf(floor, "cpuMs"),
      floorMatches: differences.length === 0,
      ...(baseline ? { baselineMs: median(base.map((s) => s.ms)), baselineCpuMs: medianOf(base, "cpuMs") } : {}),
    };
  } finally {
    if (values.keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/** One way of running validate (or synth) on one config, measured alternately with the others. */
interface Figure {
  /** What runs: this checkout with or without its reading cache, a baseline checkout, the floor. */
  readonly label: string;
  readonly how: string;
  readonly ms: number;
  readonly cpuMs: number | undefined;
  /** The target this figure is judged against, if any (the floor and a baseline are not judged). */
  readonly target?: { readonly on: "cpu" | "wall"; readonly ms: number };
}

interface LayoutRow {
  readonly name: string;
  readonly files: number;
  readonly domains: number;
  readonly bytes: number;
  readonly largestFileBytes: number;
  readonly figures: readonly Figure[];
}

/** Issue 23: validate of 10,000 domains as a process, in files of 500 or 5,000, in CPU time. */
const TARGET_LAYOUT_CPU_MS = 1000;
/** Issue 23: the shipped example, wall time. */
const TARGET_EXAMPLE_MS = 300;
/** Issue 13: `npm run synth` on the shipped example, on a quiet machine. */
const TARGET_EXAMPLE_SYNTH_MS = 2500;
const LAYOUT_DOMAINS = 10_000;

interface Contender {
  readonly label: string;
  readonly how: string;
  readonly run: () => ChildRun;
  readonly target?: Figure["target"];
}

/**
 * Each contender once untimed (the warm-up also fills the compile and reading caches), then
 * `runs` rounds of all of them, the order turning each round so drift in the machine's load hits
 * all alike: the floor, a baseline and mailgate are measured under the same load.
 */
function alternate(contenders: readonly Contender[]): Figure[] {
  for (const c of contenders) mustSucceed(`${c.label} (warm-up)`, c.run());
  const all = contenders.map(() => [] as ChildRun[]);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length;
      all[i].push(mustSucceed(contenders[i].label, contenders[i].run()));
    }
  }
  return contenders.map((c, i) => {
    log(`${c.label}: ${all[i].map((x) => `${seconds(x.ms)} (CPU ${cpu(x.cpuMs)})`).join(", ")}`);
    const cpuKnown = all[i].map((x) => x.cpuMs).filter((v): v is number => v !== undefined);
    return { label: c.label, how: c.how, ms: median(all[i].map((x) => x.ms)), cpuMs: cpuKnown.length > 0 ? median(cpuKnown) : undefined, ...(c.target ? { target: c.target } : {}) };
  });
}

/**
 * yaml's own Lexer and Parser over the config's files, in a process of its own: the least a first
 * reading can cost while that library stays the one reader (no document, values or checks).
 */
function yamlParseFloor(configDir: string): Contender {
  const script = path.join(__dirname, "yaml-parse-floor.cjs");
  return {
    label: "floor: yaml's parser alone, every file",
    how: `node scripts/bench/yaml-parse-floor.cjs`,
    run: () => runCommand(process.execPath, [script, configDir], {}),
  };
}

/** Bare Node starting and exiting: no process can validate faster. */
function nodeFloor(): Contender {
  return { label: "floor: bare Node start-up", how: "node -e ''", run: () => runCommand(process.execPath, ["-e", ""], {}) };
}

/**
 * validate as `npm run validate` starts it, in this checkout with its reading cache warm (what a
 * second run on unchanged files costs) and turned off (a first run), and in `--baseline`.
 */
function validateContenders(env: Record<string, string>, cacheDir: string, target: Figure["target"], configDir?: string): Contender[] {
  const how = `${startOf(validateRunner)} lib/cli.ts validate`;
  const validate = (extra: Record<string, string>, root?: string) => () => runEntry("lib/cli.ts", ["validate"], { ...env, ...extra }, validateRunner, root);
  return [
    { label: "mailgate, reading cache warm", how, run: validate({ MAILGATE_CACHE_DIR: cacheDir }), target },
    { label: "mailgate, no reading cache", how, run: validate({ MAILGATE_CACHE_DIR: "off" }), target },
    ...(baseline ? [{ label: `baseline ${baseline}`, how, run: validate({ MAILGATE_CACHE_DIR: cacheDir }, baseline) }] : []),
    nodeFloor(),
    ...(configDir ? [yamlParseFloor(configDir)] : []),
  ];
}

/** Validate as a process on 10,000 domains in files of `perFile`. */
function measureLayout(perFile: number): LayoutRow {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `mailgate-bench-layout-${perFile}-`));
  try {
    const configDir = path.join(work, "config");
    const stats = generateConfig(configDir, { domains: LAYOUT_DOMAINS, targets, accounts, roleArn, seed: Number(values.seed), domainsPerFile: perFile });
    const sizes = listFiles(configDir).map((f) => fs.statSync(f).size);
    const largestFileBytes = Math.max(...sizes);
    if (largestFileBytes > LIMITS.maxFileBytes) throw new BenchError(`a generated file of ${largestFileBytes} bytes is over the ${LIMITS.maxFileBytes}-byte limit`);
    const domainFiles = Math.ceil(LAYOUT_DOMAINS / perFile);
    log(`\n== validate, ${LAYOUT_DOMAINS.toLocaleString("en-US")} domains as ${domainFiles} files of ${perFile.toLocaleString("en-US")} (${stats.files} files in all, largest ${(largestFileBytes / 1024).toFixed(0)} KiB)`);
    // An empty artifacts directory: nothing remembered from the repository's own config.
    const env = { MAILGATE_CONFIG: configDir, MAILGATE_OUT: path.join(work, "generated") };
    const figures = alternate(validateContenders(env, path.join(work, "cache"), { on: "cpu", ms: TARGET_LAYOUT_CPU_MS }, configDir));
    return {
      name: `${LAYOUT_DOMAINS.toLocaleString("en-US")} domains, ${domainFiles} files of ${perFile.toLocaleString("en-US")}`,
      files: stats.files,
      domains: LAYOUT_DOMAINS,
      bytes: stats.bytes,
      largestFileBytes,
      figures,
    };
  } finally {
    if (values.keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The shipped example: `npm run validate` (npm's own start-up included: what a user waits for)
 * and the process it starts, against the floors of both.
 */
function measureExample(): LayoutRow {
  const configDir = path.join(__dirname, "..", "..", "config");
  const files = listFiles(configDir);
  log("\n== validate, the shipped example");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-bench-example-"));
  try {
    const cacheDir = path.join(work, "cache");
    const target = { on: "wall", ms: TARGET_EXAMPLE_MS } as const;
    const figures = alternate([
      { label: "npm run validate, reading cache warm", how: "npm run validate", run: () => runCommand(npm, ["run", "--silent", "validate"], { MAILGATE_CACHE_DIR: cacheDir }), target },
      { label: "floor: npm's own start-up", how: "npm --version", run: () => runCommand(npm, ["--version"], {}) },
      ...validateContenders({}, cacheDir, target),
    ]);
    const text = files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
    return {
      name: "the shipped example (config/)",
      files: files.length,
      domains: (text.match(/^\s*- domain:/gm) ?? []).length,
      bytes: files.reduce((n, f) => n + fs.statSync(f).size, 0),
      largestFileBytes: Math.max(...files.map((f) => fs.statSync(f).size)),
      figures,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `npm run synth` on the shipped example, into a scratch directory (never the user's outputs). */
function measureExampleSynth(): LayoutRow {
  const configDir = path.join(__dirname, "..", "..", "config");
  const files = listFiles(configDir);
  log("\n== synth, the shipped example as `npm run synth`");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-bench-synth-"));
  try {
    const args = ["run", "--silent", "synth", "--", "--out", path.join(work, "generated"), "--terraform-out", path.join(work, "cdktf.out")];
    const figures = alternate([{ label: "npm run synth", how: "npm run synth", run: () => runCommand(npm, args, {}), target: { on: "wall", ms: TARGET_EXAMPLE_SYNTH_MS } }]);
    return {
      name: "the shipped example (config/), synth",
      files: files.length,
      domains: (files.map((f) => fs.readFileSync(f, "utf8")).join("\n").match(/^\s*- domain:/gm) ?? []).length,
      bytes: files.reduce((n, f) => n + fs.statSync(f).size, 0),
      largestFileBytes: Math.max(...files.map((f) => fs.statSync(f).size)),
      figures,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out;
}

const startOf = (r: Runner) => (r === "tsx" ? "tsx" : r === "cjs" ? "node --require tsx/cjs" : "node scripts/run-ts.cjs");
const loadBefore = os.loadavg()[0];
let rows: Row[] = [];
let layouts: LayoutRow[] = [];
try {
  if (only !== "validate") rows = sizes.map(measure);
  if (only !== "sizes") layouts = [measureLayout(500), measureLayout(5000), measureExample(), measureExampleSynth()];
} catch (error) {
  if (!(error instanceof BenchError)) throw error;
  log(error.message);
  process.exit(1);
}
const loadAfter = os.loadavg()[0];

const cpus = os.cpus();
const start = startOf(runner);
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const out: string[] = [];
if (rows.length > 0) {
  out.push(
    "",
    "| domains | targets | stacks | rules | validate in-process | validate CLI | synth | floor | ratio | mailgate's own time | peak RSS mailgate | peak RSS floor |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows
      .map((r) =>
        [
          r.domains.toLocaleString("en-US"),
          r.targets,
          r.stacks,
          r.rules.toLocaleString("en-US"),
          seconds(r.validateInProcessMs),
          seconds(r.validateCliMs),
          seconds(r.synthMs),
          seconds(r.floorMs),
          `${(r.synthMs / r.floorMs).toFixed(2)}x${r.floorMatches ? "" : " (!)"}`,
          // Synth minus the floor: validation, policy, audit, artifacts and the verifier.
          seconds(r.synthMs - r.floorMs),
          megabytes(r.rssMailgateKb),
          megabytes(r.rssFloorKb),
        ].join(" | "),
      )
      .map((line) => `| ${line} |`),
    "",
    `Medians of ${runs} run${runs === 1 ? "" : "s"} after a warm-up; wall time of whole processes (\`${start} main.ts\` and the floor likewise, \`${startOf(validateRunner)} lib/cli.ts validate\` as \`npm run validate\` runs it) except "validate in-process" (\`${validateInProcess.name}\` alone, no process start).`,
    `CPU time (user + system) of synth / floor, less sensitive to other load: ${rows
      .map((r) => `${r.domains.toLocaleString("en-US")}: ${cpu(r.synthCpuMs)} / ${cpu(r.floorCpuMs)} = ${r.synthCpuMs && r.floorCpuMs ? `${(r.synthCpuMs / r.floorCpuMs).toFixed(2)}x` : "n/a"}`)
      .join("; ")}.`,
    ...rows
      .filter((r) => r.baselineMs !== undefined)
      .map(
        (r) =>
          `Baseline ${baseline} at ${r.domains.toLocaleString("en-US")}: synth ${seconds(r.baselineMs ?? 0)} = ${((r.baselineMs ?? 0) / r.floorMs).toFixed(2)}x the floor's wall time` +
          ` (this checkout ${(r.synthMs / r.floorMs).toFixed(2)}x); CPU ${cpu(r.baselineCpuMs)} = ${r.baselineCpuMs && r.floorCpuMs ? `${(r.baselineCpuMs / r.floorCpuMs).toFixed(2)}x` : "n/a"} (this checkout ${r.synthCpuMs && r.floorCpuMs ? `${(r.synthCpuMs / r.floorCpuMs).toFixed(2)}x` : "n/a"}).`,
      ),
  );
}
if (layouts.length > 0) {
  const judged = (f: Figure) => {
    if (!f.target) return f.label.startsWith("floor") ? "floor" : "before";
    const value = f.target.on === "cpu" ? f.cpuMs : f.ms;
    return `<= ${seconds(f.target.ms)} ${f.target.on === "cpu" ? "CPU" : "wall"}: ${value === undefined ? "n/a" : verdict(value <= f.target.ms)}`;
  };
  out.push(
    "",
    "| validate as a process | files | largest file | what runs | run as | time | CPU (all threads) | per 1,000 domains (CPU) | target |",
    "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |",
    ...layouts.flatMap((r) =>
      r.figures.map(
        (f, i) =>
          `| ${i === 0 ? r.name : ""} | ${i === 0 ? r.files : ""} | ${i === 0 ? `${(r.largestFileBytes / 1024).toFixed(0)} KiB` : ""} | ${f.label} | \`${f.how}\` | ${seconds(f.ms)} | ${cpu(f.cpuMs)} | ${r.domains >= 1000 && f.cpuMs !== undefined ? `${((f.cpuMs / r.domains) * 1000).toFixed(0)} ms` : ""} | ${judged(f)} |`,
      ),
    ),
    "",
    `Medians of ${runs} run${runs === 1 ? "" : "s"} after a warm-up, each contender in turn (the order turning every round), so the floor, \`--baseline\` and mailgate ran under the same load. The warm-up fills the compiled-code cache and, for "reading cache warm", the reading cache (lib/config/reading-cache.ts, in a scratch directory): what a second run on unchanged files costs; "no reading cache" (MAILGATE_CACHE_DIR=off) is every file read afresh, as on a first run. CPU includes V8's own GC and compiler threads, and npm's process for npm rows.`,
  );
}
out.push(
  `Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${os.cpus().length} cores${loadBefore > 0.5 || loadAfter > 1.5 ? ": other work was running, so wall times are noisy; the CPU times less so" : ""}.`,
  `Config: ${mode}; seed ${values.seed}.`,
  ...(rows.some((r) => !r.floorMatches) ? ["(!) the floor's output differed from mailgate's: see the warnings above."] : []),
  `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
  `Command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
);

if (rows.length > 0) {
  const largest = rows.reduce((a, b) => (b.domains > a.domains ? b : a));
  const ratio = largest.synthMs / largest.floorMs;
  out.push(
    "",
    `Targets at ${largest.domains.toLocaleString("en-US")} domains: synth ${ratio.toFixed(2)}x the floor (target <= ${TARGET_RATIO}x: ${verdict(ratio <= TARGET_RATIO)}); ` +
      `validate ${seconds(largest.validateInProcessMs)} in-process, ${seconds(largest.validateCliMs)} as a process (target < ${seconds(TARGET_VALIDATE_MS)}: ${verdict(largest.validateInProcessMs < TARGET_VALIDATE_MS)} / ${verdict(largest.validateCliMs < TARGET_VALIDATE_MS)}).`,
  );
  if (accounts > 0) {
    const expected = accounts * REGIONS.length;
    out.push(
      `Stacks: ${largest.stacks} (expected ${expected}: ${verdict(largest.stacks === expected)}); providers assuming a role: ${largest.assumeRoleProviders}` +
        `${roleArn ? ` (expected one per stack: ${verdict(largest.assumeRoleProviders === largest.stacks)})` : ""}.`,
    );
  }
}
process.stdout.write(`${out.join("\n")}\n`);
