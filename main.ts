// The cdktf app (cdktf.json "app"): config -> validate -> policy -> stacks + artifacts.
// On any config error it exits 1 before writing anything, so cdktf.out/ and generated/ keep
// their previous content.
import { App } from "cdktf";
import { verifyEmittedRules } from "./lib/aws/emitted-rules";
import { addStacks } from "./lib/aws/stacks";
import { stageArtifacts, type StagedArtifacts } from "./lib/artifacts/write-atomic";
import { prepare } from "./lib/pipeline";
import { EXIT, OutputError, printDiagnostics, runGuarded } from "./lib/report-errors";
import { settingsFromEnv, type Settings } from "./lib/settings";

runGuarded(() => {
  const settings = settingsFromEnv();
  const built = buildApp(settings);
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

/** A filesystem error is the environment's (exit 73); anything else is a bug (exit 70). */
function classified(error: unknown, settings: Settings): unknown {
  if (!(error as NodeJS.ErrnoException | null)?.code) return error;
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  return new OutputError(outdir, error, `${settings.outDir} is unchanged, but stacks in ${outdir} may be partly rewritten: synthesize again once this is fixed`);
}

/**
 * Everything before cdktf writes: validate, stage the artifacts, construct and verify the stacks.
 * A function of its own so that the config, the policy and the rendered artifacts are garbage
 * once it returns: cdktf's synth allocates heavily, and every full collection during it would
 * otherwise mark them again.
 *
 * Two outputs must change together: Terraform (written by cdktf) and the artifacts. Order:
 * 1. stage the artifacts (every write that can fail: permissions, disk, a file in the way),
 *    invisible beside their final names; a failure here has written nothing at all (not even
 *    the Terraform output directory, which App() creates);
 * 2. synthesize Terraform; a failure removes the staged artifacts, so generated/ is unchanged
 *    (cdktf writes the stacks one after another: it may have rewritten some by then);
 * 3. rename the staged artifacts into place: renames in one directory, the least that can fail.
 * Writing the artifacts after synth instead would leave new Terraform beside old artifacts
 * whenever the artifacts directory cannot be written.
 */
function buildApp(settings: Settings): { app: App; staged: StagedArtifacts } | number {
  const prepared = prepare(settings.configDir);
  printDiagnostics(prepared.diagnostics);
  if (!prepared.ok) return EXIT.invalidConfig;

  const staged = stageArtifacts(settings.outDir, prepared.artifacts);
  try {
    // App() takes its output directory from CDKTF_OUTDIR, which `cdktf synth --output` sets.
    const app = new App();
    addStacks(app, prepared.policy, prepared.config.terraform);
    // The audit proved the policy; this proves what the constructs will really emit, before
    // anything is written. A failure throws (exit 70, one line).
    verifyEmittedRules(app, prepared.config);
    return { app, staged };
  } catch (error) {
    staged.abort();
    throw classified(error, settings);
  }
}
