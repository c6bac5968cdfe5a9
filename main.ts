// The cdktf app (cdktf.json "app"): config -> validate -> policy -> stacks + artifacts.
// On any error it exits non-zero before changing anything: cdktf.out/ and generated/ keep
// their previous content.
import { parseArgs } from "node:util";
import { App } from "cdktf";
import { verifyEmittedRules } from "./lib/aws/emitted-rules";
import { addStacks } from "./lib/aws/stacks";
import { stageArtifactsInBackground, stageDirectory, type StagedArtifacts, type StagedDirectory } from "./lib/io/write-atomic";
import { prepare } from "./lib/pipeline";
import { EXIT, OutputError, printDiagnostics, runGuarded, UsageError } from "./lib/io/report-errors";
import { fromUser, settingsFromEnv, userDirectory, type Settings } from "./lib/settings";

const USAGE = `Usage: npm run synth [-- --config DIR] [--out DIR] [--terraform-out DIR]

Validates the config and writes Terraform (one cdk.tf.json per stack, as cdktf synth does) and
the artifacts (prefill settings, audit report, placements.json); nothing on any error.

  --config DIR         Config directory (default: $MAILGATE_CONFIG, else "config").
  --out DIR            Artifacts directory (default: $MAILGATE_OUT, else "generated").
  --terraform-out DIR  Terraform output (default: $CDKTF_OUTDIR, else "cdktf.out").

Exit codes: 0 written, 1 invalid config, 2 usage error, 70 internal error, 73 an output could
not be written.`;

if (require.main === module) runGuarded(() => synth(process.argv.slice(2)));

/** The whole synth: what `npm run synth`, `mailgate synth` and `cdktf synth` run. Resolves to the exit code. */
export async function synth(argv: readonly string[]): Promise<number> {
  const settings = settingsFromArgs([...argv]);
  if (settings === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const built = await buildApp(settings);
  if (typeof built === "number") return built;
  const { app, terraform, artifacts } = built;
  try {
    app.synth();
    terraform.commit();
  } catch (error) {
    terraform.abort();
    artifacts.abort();
    throw classified(error, settings);
  }
  artifacts.commit();
  return EXIT.ok;
}

/**
 * Everything before cdktf writes: validate, stage the artifacts, construct and verify the stacks.
 * A function of its own so that the config, the policy and the rendered artifacts are garbage
 * once it returns: cdktf's synth allocates heavily, and every full collection during it would
 * otherwise mark them again.
 *
 * Two outputs must change together: Terraform (written by cdktf) and the artifacts. Both are
 * staged beside their final places, and only then moved there by renames, the least that can
 * fail:
 * 1. the artifacts are written to temporary files beside their final names, in the background
 *    while the stacks are constructed and verified;
 * 2. cdktf synthesizes into a staging directory beside its output directory (CDKTF_OUTDIR, which
 *    `cdktf synth --output` sets), never into the output directory itself;
 * 3. the staged stacks, then the staged artifacts, are renamed into place.
 * A failure before 3 (invalid config, a bug, a full disk, a directory in the way) leaves every
 * earlier output as it was.
 */
async function buildApp(settings: Settings): Promise<{ app: App; terraform: StagedDirectory; artifacts: StagedArtifacts } | number> {
  // The artifacts directory holds the last synth's placements; CI=true adds CI's warnings.
  const prepared = prepare(settings.configDir, { outDir: settings.outDir, env: process.env });
  printDiagnostics(prepared.diagnostics);
  if (!prepared.ok) return EXIT.invalidConfig;

  const terraform = stageDirectory(terraformOutdir());
  let staging: Promise<StagedArtifacts>;
  try {
    staging = stageArtifactsInBackground(settings.outDir, prepared.artifacts);
  } catch (error) {
    terraform.abort();
    throw error;
  }
  try {
    const app = new App({ outdir: terraform.dir });
    addStacks(app, prepared.policy, { terraform: prepared.config.terraform, placements: prepared.placements, assume: settings.assume });
    // The audit proved the policy; this proves what the constructs will really emit, before
    // anything is written. A failure throws (exit 70, one line).
    verifyEmittedRules(app, prepared.config);
    return { app, terraform, artifacts: await staging };
  } catch (error) {
    terraform.abort();
    await staging.then((staged) => staged.abort(), () => undefined);
    throw classified(error, settings);
  }
}

/**
 * The environment's settings (as cdktf runs the app: no arguments), or the flags `npm run synth --`
 * passes, relative to where the user ran the command. Flags set the environment variables they
 * stand for, so everything below reads one place.
 */
function settingsFromArgs(argv: string[]): Settings | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: "string" }, out: { type: "string" }, "terraform-out": { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/, "")}; see npm run synth -- --help`);
  }
  if (values.help) return "help";
  const userDir = userDirectory();
  if (values["terraform-out"] !== undefined) process.env.CDKTF_OUTDIR = fromUser(values["terraform-out"], userDir);
  const settings = settingsFromEnv(process.env, userDir);
  return {
    ...settings,
    ...(values.config !== undefined ? { configDir: fromUser(values.config, userDir) } : {}),
    ...(values.out !== undefined ? { outDir: fromUser(values.out, userDir) } : {}),
  };
}

function terraformOutdir(): string {
  const dir = process.env.CDKTF_OUTDIR;
  return dir === undefined || dir === "" ? "cdktf.out" : fromUser(dir, userDirectory());
}

/** A filesystem error is the environment's (exit 73); anything else is a bug (exit 70). */
function classified(error: unknown, settings: Settings): unknown {
  if (error instanceof OutputError || !(error as NodeJS.ErrnoException | null)?.code) return error;
  return new OutputError(terraformOutdir(), error, `${settings.outDir} and ${terraformOutdir()} are unchanged`);
}
