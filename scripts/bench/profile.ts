// CPU profiles of validate, synth and the floor on one generated config, summarized as Markdown:
// inclusive time per pipeline stage, self time per owner (project folder or package) and the
// top functions by self time.
//
//   npx tsx scripts/bench/profile.ts [--domains 10000] [--targets 200] [--accounts N] [--keep]
//
// `--cpu-prof` is not allowed in NODE_OPTIONS, so the children run as `node --cpu-prof --import
// tsx <entry>` (the same loader `tsx <entry>` uses, minus its wrapper process).
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
  },
});

// Pipeline functions whose inclusive time is shown; names that no longer exist just show 0.
const STAGES = [
  "prepare",
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
  "stageArtifactsInBackground",
  "addStacks",
  "verifyEmittedRules",
  "synth",
  "commit",
];

function profiled(entry: string, args: string[], env: Record<string, string>, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const result = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--import", "tsx", path.join(PROJECT_ROOT, entry), ...args], {
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
  generateConfig(configDir, { domains, targets: Number(values.targets), accounts, roleArn: support.roleArn || !support.supported, seed: Number(values.seed) });
  const top = Number(values.top);
  const root = PROJECT_ROOT;
  // Warm tsx's transpile cache so the profiles show steady-state module loading.
  spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "main.ts")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", MAILGATE_CONFIG: configDir, CDKTF_OUTDIR: path.join(work, "warm.out"), MAILGATE_OUT: path.join(work, "warm.gen") },
  });

  const sections: string[] = [`# Profiles at ${domains} domains, ${values.targets} targets, ${accounts} accounts`, ""];
  const validate = profiled("lib/cli.ts", ["validate"], { MAILGATE_CONFIG: configDir }, path.join(work, "prof-validate"));
  sections.push(renderSummary("validate process (whole)", summarizeProfile(validate, { root, inclusiveOf: ["validateConfig", "loadConfig", "buildPolicy", "checkLimits"] }), 10), "");
  sections.push(renderSummary("validate: inside loadConfig", summarizeProfile(validate, { root, focus: "loadConfig", inclusiveOf: ["readYamlIndexed", "checkShape", "checkValues", "checkAcrossFiles", "buildConfig"] }), top), "");

  const mgEnv = { MAILGATE_CONFIG: configDir, CDKTF_OUTDIR: path.join(work, "mailgate.out"), MAILGATE_OUT: path.join(work, "generated") };
  const synth = profiled("main.ts", [], mgEnv, path.join(work, "prof-synth"));
  sections.push(renderSummary("synth (tsx main.ts)", summarizeProfile(synth, { root, inclusiveOf: STAGES }), top), "");

  const specFile = path.join(work, "floor-spec.json");
  fs.writeFileSync(specFile, JSON.stringify(floorSpec(mgEnv.CDKTF_OUTDIR)));
  const floor = profiled("scripts/bench/floor-app.ts", [], { FLOOR_SPEC: specFile, CDKTF_OUTDIR: path.join(work, "floor.out") }, path.join(work, "prof-floor"));
  sections.push(renderSummary("floor (bare cdktf)", summarizeProfile(floor, { root, inclusiveOf: ["addStack", "synth"] }), top), "");
  process.stdout.write(`${sections.join("\n")}\n`);
  if (values.keep) process.stderr.write(`profiles kept in ${work}/prof-*\n`);
} finally {
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}
