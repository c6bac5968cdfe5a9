// CPU profiles of validate, synth and the floor on one generated config, summarized as Markdown:
// inclusive time per pipeline stage, self time per owner (project folder or package) and the
// top functions by self time.
//
//   npx tsx scripts/bench/profile.ts [--domains 10000] [--targets 200] [--accounts N] [--per-file N]
//                                    [--only validate] [--keep]
//
// `--cpu-prof` is not allowed in NODE_OPTIONS, so the children run as `node --cpu-prof --import
// tsx <entry>` (the same loader `tsx <entry>` uses, minus its wrapper process), and validate as
// `npm run validate` starts it (`node --cpu-prof scripts/run-ts.cjs lib/cli.ts validate`): twice,
// every file read afresh (MAILGATE_CACHE_DIR=off) and from a warm reading cache.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { detectAccountSupport } from "./accounts";
import { PROJECT_ROOT } from "./child";
import { mainThreadProfile, renderSummary, summarizeProfile } from "./cpu-profile";
import { generateConfig } from "./generate-config";
import { floorSpec } from "./terraform-output";

const { values } = parseArgs({
  options: {
    domains: { type: "string", default: "10000" },
    targets: { type: "string", default: "200" },
    accounts: { type: "string" },
    seed: { type: "string", default: "1" },
    top: { type: "string", default: "25" },
    keep: { type: "boolean", default: false },
    "per-file": { type: "string" },
    only: { type: "string" },
  },
});

// Pipeline functions whose inclusive time is shown; names that no longer exist just show 0.
const STAGES = [
  "prepare",
  "prepareInputs",
  "validateConfig",
  "loadConfig",
  "parseConfigFiles",
  "readYamlIndexed",
  "checkShape",
  "checkValues",
  "checkAcrossFiles",
  "buildConfig",
  "buildPolicy",
  "checkLimits",
  "renderArtifacts",
  "prefillSettings",
  "renderPrefillMarkdown",
  "buildReport",
  "needsByTarget",
  "renderReport",
  "stageArtifacts",
  "postMessage",
  "addStacks",
  "expectationOf",
  "verifyEmittedRules",
  "synth",
  "readWrittenStacks",
  "verifyTerraform",
  "commit",
];

function profiled(entry: string, args: string[], env: Record<string, string>, dir: string, runner: "tsx" | "run-ts" = "tsx"): string {
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const loader = runner === "tsx" ? ["--import", "tsx"] : [path.join(PROJECT_ROOT, "scripts", "run-ts.cjs")];
  const result = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, ...loader, path.join(PROJECT_ROOT, entry), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${entry} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  process.stderr.write(`${entry}: ${Date.now() - started} ms under the profiler\n`);
  const file = mainThreadProfile(dir);
  if (!file) throw new Error(`no profile in ${dir}`);
  return file;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-profile-"));
try {
  const domains = Number(values.domains);
  const support = detectAccountSupport();
  const accounts = values.accounts !== undefined ? Number(values.accounts) : support.supported ? 5 : 0;
  const configDir = path.join(work, "config");
  const perFile = values["per-file"] === undefined ? {} : { domainsPerFile: Number(values["per-file"]) };
  generateConfig(configDir, { domains, targets: Number(values.targets), accounts, roleArn: support.roleArn || !support.supported, seed: Number(values.seed), ...perFile });
  const top = Number(values.top);
  const root = PROJECT_ROOT;
  // Warm tsx's transpile cache so the profiles show steady-state module loading.
  if (values.only !== "validate") spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "main.ts")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", MAILGATE_CONFIG: configDir, CDKTF_OUTDIR: path.join(work, "warm.out"), MAILGATE_OUT: path.join(work, "warm.gen") },
  });

  const sections: string[] = [`# Profiles at ${domains} domains, ${values.targets} targets, ${accounts} accounts`, ""];
  const validateStages = ["validateConfig", "loadConfig", "withLimits", "buildPolicy", "checkLimits", "emptyFileWarnings", "Module._load"];
  const loadStages = ["cachedReading", "readYamlIndexed", "parseTokens", "compose", "inspect", "checkShape", "checkValues", "checkAcrossFiles", "buildConfig"];
  const validateEnv = { MAILGATE_CONFIG: configDir, MAILGATE_OUT: path.join(work, "validate.out") };
  const cacheDir = path.join(work, "cache");
  for (const [name, cache] of [
    ["every file read afresh", "off"],
    ["reading cache warm", cacheDir],
  ] as const) {
    // The first run fills the compile cache (and, with a cache directory, the reading cache).
    spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "run-ts.cjs"), path.join(PROJECT_ROOT, "lib", "cli.ts"), "validate"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...validateEnv, MAILGATE_CACHE_DIR: cache },
    });
    const validate = profiled("lib/cli.ts", ["validate"], { ...validateEnv, MAILGATE_CACHE_DIR: cache }, path.join(work, `prof-validate-${cache === "off" ? "cold" : "warm"}`), "run-ts");
    sections.push(renderSummary(`validate process, ${name} (whole)`, summarizeProfile(validate, { root, inclusiveOf: validateStages }), 10), "");
    sections.push(renderSummary(`validate, ${name}: inside loadConfig`, summarizeProfile(validate, { root, focus: "loadConfig", inclusiveOf: loadStages }), top), "");
  }
  if (values.only !== "validate") profileSynth(sections);
  process.stdout.write(`${sections.join("\n")}\n`);
  if (values.keep) process.stderr.write(`profiles kept in ${work}/prof-*\n`);
} finally {
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}

/** Synth and the floor, on the same config. */
function profileSynth(sections: string[]): void {
  const configDir = path.join(work, "config");
  const root = PROJECT_ROOT;
  const top = Number(values.top);
  const mgEnv = { MAILGATE_CONFIG: configDir, CDKTF_OUTDIR: path.join(work, "mailgate.out"), MAILGATE_OUT: path.join(work, "generated") };
  const synth = profiled("main.ts", [], mgEnv, path.join(work, "prof-synth"));
  sections.push(renderSummary("synth (tsx main.ts)", summarizeProfile(synth, { root, inclusiveOf: STAGES }), top), "");

  const specFile = path.join(work, "floor-spec.json");
  fs.writeFileSync(specFile, JSON.stringify(floorSpec(mgEnv.CDKTF_OUTDIR)));
  const floor = profiled("scripts/bench/floor-app.ts", [], { FLOOR_SPEC: specFile, CDKTF_OUTDIR: path.join(work, "floor.out") }, path.join(work, "prof-floor"));
  sections.push(renderSummary("floor (bare cdktf)", summarizeProfile(floor, { root, inclusiveOf: ["addStack", "synth"] }), top), "");
}
