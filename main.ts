// The cdktf app (cdktf.json "app"): config -> validate -> policy -> stacks + artifacts.
// On any config error it exits 1 before writing anything, so cdktf.out/ and generated/ keep
// their previous content.
import { App } from "cdktf";
import { verifyEmittedRules } from "./lib/aws/emitted-rules";
import { addStacks } from "./lib/aws/stacks";
import { stageArtifacts } from "./lib/artifacts/write-atomic";
import { prepare } from "./lib/pipeline";
import { EXIT, OutputError, printDiagnostics, runGuarded } from "./lib/report-errors";
import { settingsFromEnv } from "./lib/settings";

runGuarded(() => {
  const settings = settingsFromEnv();
  const prepared = prepare(settings.configDir);
  printDiagnostics(prepared.diagnostics);
  if (!prepared.ok) return EXIT.invalidConfig;

  // Two outputs must change together: Terraform (written by cdktf) and the artifacts. Order:
  // 1. stage the artifacts (every write that can fail: permissions, disk, a file in the way),
  //    invisible beside their final names; a failure here has written nothing at all (not even
  //    the Terraform output directory, which App() creates);
  // 2. synthesize Terraform; a failure removes the staged artifacts, so generated/ is unchanged
  //    (cdktf writes the stacks one after another: it may have rewritten some by then);
  // 3. rename the staged artifacts into place: renames in one directory, the least that can fail.
  // Writing the artifacts after synth instead would leave new Terraform beside old artifacts
  // whenever the artifacts directory cannot be written.
  const staged = stageArtifacts(settings.outDir, prepared.artifacts);
  try {
    // App() takes its output directory from CDKTF_OUTDIR, which `cdktf synth --output` sets.
    const app = new App();
    addStacks(app, prepared.policy, prepared.config.terraform);
    // The audit proved the policy; this proves what the constructs will really emit, before
    // anything is written. A failure throws (exit 70, one line).
    verifyEmittedRules(app, prepared.config);
    app.synth();
  } catch (error) {
    staged.abort();
    // A filesystem error is the environment's (exit 73); anything else is a bug (exit 70).
    if ((error as NodeJS.ErrnoException | null)?.code) {
      const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
      throw new OutputError(outdir, error, `${settings.outDir} is unchanged, but stacks in ${outdir} may be partly rewritten: synthesize again once this is fixed`);
    }
    throw error;
  }
  staged.commit();
  return EXIT.ok;
});
