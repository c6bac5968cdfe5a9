// The cdktf app (cdktf.json "app"): config -> validate -> policy -> stacks + artifacts.
// On any config error it exits 1 before writing anything, so cdktf.out/ and generated/ keep
// their previous content.
import { App } from "cdktf";
import { verifyEmittedRules } from "./lib/aws/emitted-rules";
import { addStacks } from "./lib/aws/stacks";
import { writeArtifactsAtomically } from "./lib/artifacts/write-atomic";
import { prepare } from "./lib/pipeline";
import { EXIT, printDiagnostics, runGuarded } from "./lib/report-errors";
import { settingsFromEnv } from "./lib/settings";

runGuarded(() => {
  const settings = settingsFromEnv();
  const prepared = prepare(settings.configDir);
  printDiagnostics(prepared.diagnostics);
  if (!prepared.ok) return EXIT.invalidConfig;

  // App() takes its output directory from CDKTF_OUTDIR, which `cdktf synth --output` sets.
  const app = new App();
  addStacks(app, prepared.policy);
  // The audit proved the policy; this proves what the constructs will really emit, before
  // anything is written. A failure throws (exit 70, one line).
  verifyEmittedRules(app, prepared.config);
  app.synth();
  writeArtifactsAtomically(settings.outDir, prepared.artifacts);
  return EXIT.ok;
});
