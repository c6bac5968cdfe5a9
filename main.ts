// The cdktf app (cdktf.json "app"): config -> validate -> policy -> stacks + artifacts.
// On any config error it exits 1 before writing anything, so cdktf.out/ and generated/ keep
// their previous content.
import * as fs from "node:fs";
import { App } from "cdktf";
import { verifyEmittedRules } from "./lib/aws/emitted-rules";
import { addStacks } from "./lib/aws/stacks";
import { stageArtifactsInBackground, type StagedArtifacts } from "./lib/artifacts/write-atomic";
import { prepare } from "./lib/pipeline";
import { EXIT, OutputError, printDiagnostics, runGuarded } from "./lib/report-errors";
import { settingsFromEnv, type Settings } from "./lib/settings";

runGuarded(async () => {
  const settings = settingsFromEnv();
  const built = await buildApp(settings);
  if (typeof built === "number") return built;
  const { app, staged } = built;
  try {
    app.synth();
  } catch (error) {
    staged.abort();
    throw classified(error, settings);
  }
  staged.commit();
  return EXIT.ok;
});

/**
 * Everything before cdktf writes: validate, stage the artifacts, construct and verify the stacks.
 * A function of its own so that the config, the policy and the rendered artifacts are garbage
 * once it returns: cdktf's synth allocates heavily, and every full collection during it would
 * otherwise mark them again.
 *
 * Two outputs must change together: Terraform (written by cdktf) and the artifacts. Order:
 * 1. stage the artifacts (every write that can fail: permissions, disk, a file in the way),
 *    invisible beside their final names. The files are written in the background while the
 *    stacks are constructed and verified, and awaited before anything else is written; if
 *    staging fails, nothing was written at all (the Terraform output directory, which App()
 *    creates when missing, is removed again);
 * 2. synthesize Terraform; a failure removes the staged artifacts, so generated/ is unchanged
 *    (cdktf writes the stacks one after another: it may have rewritten some by then);
 * 3. rename the staged artifacts into place: renames in one directory, the least that can fail.
 * Writing the artifacts after synth instead would leave new Terraform beside old artifacts
 * whenever the artifacts directory cannot be written.
 */
async function buildApp(settings: Settings): Promise<{ app: App; staged: StagedArtifacts } | number> {
  const prepared = prepare(settings.configDir);
  printDiagnostics(prepared.diagnostics);
  if (!prepared.ok) return EXIT.invalidConfig;

  const staging = stageArtifactsInBackground(settings.outDir, prepared.artifacts);
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const outdirExisted = fs.existsSync(outdir);
  let app: App;
  try {
    // App() takes its output directory from CDKTF_OUTDIR, which `cdktf synth --output` sets.
    app = new App();
    addStacks(app, prepared.policy, prepared.config.terraform);
    // The audit proved the policy; this proves what the constructs will really emit, before
    // anything is written. A failure throws (exit 70, one line).
    verifyEmittedRules(app, prepared.config);
  } catch (error) {
    await staging.then((staged) => staged.abort(), () => undefined);
    throw classified(error, settings);
  }
  try {
    return { app, staged: await staging };
  } catch (error) {
    if (!outdirExisted) fs.rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}

/** A filesystem error is the environment's (exit 73); anything else is a bug (exit 70). */
function classified(error: unknown, settings: Settings): unknown {
  if (!(error as NodeJS.ErrnoException | null)?.code) return error;
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  return new OutputError(outdir, error, `${settings.outDir} is unchanged, but stacks in ${outdir} may be partly rewritten: synthesize again once this is fixed`);
}
