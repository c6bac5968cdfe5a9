// The cdktf app (cdktf.json "app"): config -> validate -> policy -> stacks + artifacts.
// On any error it exits non-zero before changing anything: cdktf.out/ and generated/ keep
// their previous content.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { App } from "cdktf";
import { addStacks } from "./lib/aws/stacks";
import { withoutCreationStacks } from "./lib/aws/creation-stacks";
import { adoptedFileMayExist } from "./lib/live/adopted-file";
import { leavingAccess, withRemovedTargets } from "./lib/policy/leaving";
import { stageArtifacts, stageDirectory, type StagedArtifacts, type StagedDirectory } from "./lib/io/write-atomic";
import { OWNED_DIRECTORIES, prepare } from "./lib/pipeline";
import { debugEnabled, EXIT, OutputError, printDiagnostics, runGuarded, UsageError } from "./lib/io/report-errors";
import { fromUser, settingsFromEnv, userDirectory, type Settings } from "./lib/settings";
import { readWrittenStacks, type WrittenStack } from "./lib/verify/terraform-json";
import { expectationOf, verifyTerraform, type Expectation } from "./lib/verify/verify-terraform";

const USAGE = `Usage: npm run synth [-- --config DIR] [--out DIR] [--terraform-out DIR] [--phase expand]

Validates the config and writes Terraform (one cdk.tf.json per stack, as cdktf synth does) and
the artifacts (prefill settings, audit report, placements.json); nothing on any error. Prints
one line per stack (its resources) and one for the artifacts directory (its files).

  --config DIR         Config directory (default: $MAILGATE_CONFIG, else "config").
  --out DIR            Artifacts directory (default: $MAILGATE_OUT, else "generated").
  --terraform-out DIR  Terraform output (default: $CDKTF_OUTDIR, else "cdktf.out").
  --phase PHASE        expand: the first of two applies of a change that removes rules while it
                       adds others (only creates and updates); contract (default): the second,
                       or the only one (default: $MAILGATE_PHASE, else contract).

Exit codes: 0 written, 1 invalid config, 2 usage error, 70 internal error, 73 an output could
not be written.`;

if (require.main === module) runGuarded(() => synth(process.argv.slice(2)));

/** The whole synth: what `npm run synth`, `mailgate synth` and `cdktf synth` run. Resolves to the exit code. */
export async function synth(argv: readonly string[]): Promise<number> {
  const parsed = settingsFromArgs([...argv]);
  if (parsed === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const { settings, shown } = parsed;
  // A stack names TypeScript lines only with DEBUG=mailgate, the one time a stack is shown
  // (lib/io/report-errors.ts); scripts/run-ts.cjs and the compiled package leave source maps off
  // too. tsx, which runs this app for cdktf (cdktf.json), turns them on, and cdktf captures and
  // formats a whole stack for every token it makes (one per rule's tags at least): mapped through
  // source maps, that was most of the time spent constructing the stacks.
  if (!debugEnabled(process.env)) process.setSourceMapsEnabled(false);
  const built = await buildApp(settings);
  if (typeof built === "number") return built;
  const { app, terraform, artifacts, expected } = built;
  let stacks: StackSummary[];
  try {
    app.synth();
    // The second proof, on the JSON cdktf just wrote to the staging directory: what Terraform will
    // read, read back without cdktf. A failure throws (exit 70, one line) before anything moves.
    const written = readWrittenStacks(terraform.dir);
    verifyTerraform(written, expected);
    stacks = summarizeStacks(written);
    terraform.commit();
  } catch (error) {
    terraform.abort();
    artifacts.abort();
    throw classified(error, settings);
  }
  artifacts.commit();
  // cdktf-cli shows the app's stdout and lists the stacks itself; the summary is for npm run synth.
  if (!runByCdktfCli(process.env)) process.stdout.write(summary(shown, stacks, built.fileCount, artifacts.removed));
  return EXIT.ok;
}

/** A stack as synthesized: its folder under the Terraform output, and how many resources it declares. */
interface StackSummary {
  readonly folder: string;
  readonly resources: number;
}

/** Each stack cdktf wrote, with the resources its JSON declares, in folder order. */
function summarizeStacks(written: readonly WrittenStack[]): StackSummary[] {
  return written
    .map((stack) => {
      const resources = Object.values(stack.json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      return { folder: stack.folder, resources };
    })
    .sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** One line per stack, then one for the artifacts directory, with paths as the user gave them. */
function summary(shown: ShownOutputs, stacks: readonly StackSummary[], files: number, removed: readonly string[]): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const lines = stacks.map((s) => `${shown.terraform}/${s.folder}: ${plural(s.resources, "resource")}`);
  const gone = removed.length > 0 ? `; removed ${removed.join(", ")} (no longer produced)` : "";
  lines.push(`${shown.out}: ${plural(files, "file")}${gone}`);
  return `${lines.join("\n")}\n`;
}

/**
 * cdktf-cli (`cdktf synth`, `plan`, `deploy`) runs this app with variables of its own set; npm run
 * synth and mailgate synth do not.
 */
function runByCdktfCli(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

/** The output directories as the user named them (flag, else variable, else default), for the summary. */
interface ShownOutputs {
  readonly out: string;
  readonly terraform: string;
}

function shownOutputs(flags: { out?: string; "terraform-out"?: string }, env: NodeJS.ProcessEnv): ShownOutputs {
  const given = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value);
  return {
    out: shownPath(flags.out ?? given(env.MAILGATE_OUT) ?? "generated"),
    terraform: shownPath(flags["terraform-out"] ?? given(env.CDKTF_OUTDIR) ?? "cdktf.out"),
  };
}

/** `./gen/` as `gen`: the user's own path, tidied, with forward slashes; never made absolute. */
function shownPath(p: string): string {
  const tidy = path.normalize(p).split(path.sep).join("/");
  return tidy.length > 1 ? tidy.replace(/\/+$/, "") : tidy;
}

/**
 * Everything before cdktf writes: validate, stage the artifacts, construct the stacks, and work
 * out what the written Terraform must hold (verified once cdktf has written it).
 * A function of its own so that the config, the policy and the rendered artifacts are garbage
 * once it returns: cdktf's synth allocates heavily, and every full collection during it would
 * otherwise mark them again.
 *
 * Two outputs must change together: Terraform (written by cdktf) and the artifacts. Both are
 * staged beside their final places, and only then moved there by renames, the least that can
 * fail:
 * 1. the artifacts are written to temporary files beside their final names;
 * 2. cdktf synthesizes into a staging directory beside its output directory (CDKTF_OUTDIR, which
 *    `cdktf synth --output` sets), never into the output directory itself;
 * 3. the staged stacks, then the staged artifacts, are renamed into place.
 * A failure before 3 (invalid config, a bug, a full disk, a directory in the way) leaves every
 * earlier output as it was.
 */
async function buildApp(settings: Settings): Promise<{ app: App; terraform: StagedDirectory; artifacts: StagedArtifacts; fileCount: number; expected: Expectation } | number> {
  // The artifacts directory holds the last synth's placements; CI=true adds CI's warnings.
  const prepared = prepare(settings.configDir, { outDir: settings.outDir, env: process.env });
  printDiagnostics(prepared.diagnostics);
  if (!prepared.ok) return EXIT.invalidConfig;
  // Rules made by hand that `mailgate adopt` recorded: imported, not created. A damaged file stops
  // synth before anything is staged, as a damaged placements.json does.
  const expanding = settings.phase === "expand";
  // The reader, and every kind's live part with it, loads only when adopt has written its file.
  const adopted = adoptedFileMayExist(settings.outDir)
    ? (await import("./lib/live/adopted")).readAdopted(settings.outDir, expanding ? prepared.expand : prepared.policy)
    : { adopted: undefined, diagnostics: [] };
  if ("error" in adopted) {
    printDiagnostics([adopted.error]);
    return EXIT.invalidConfig;
  }
  printDiagnostics(adopted.diagnostics);

  // Stack folders no longer in the manifest go, with their .terraform/, as with cdktf synth.
  const terraform = stageDirectory(terraformOutdir(), { pruneUnder: "stacks" });
  let artifacts: StagedArtifacts;
  try {
    // firewalls/ is mailgate's own: files a removed target left there go with this commit.
    artifacts = stageArtifacts(settings.outDir, prepared.artifacts, { ownedDirectories: OWNED_DIRECTORIES });
  } catch (error) {
    terraform.abort();
    throw error;
  }
  try {
    const app = new App({ outdir: terraform.dir });
    // The expand phase keeps the rules leaving targets that stay; the contract phase is the config alone.
    const construct = () =>
      addStacks(app, expanding ? prepared.expand : prepared.policy, {
        terraform: prepared.config.terraform,
        placements: prepared.placements,
        assume: settings.assume,
        adopted: adopted.adopted,
      });
    // Where cdktf made each token is shown only with DEBUG=mailgate (lib/aws/creation-stacks.ts).
    if (debugEnabled(process.env)) construct();
    else withoutCreationStacks(construct);
    // The audit proved the policy; the verifier proves what cdktf writes, against the config alone.
    // The expand phase keeps the rules leaving targets (removed ones included); they are allowed too.
    const expected = expanding
      ? expectationOf(withRemovedTargets(prepared.config, prepared.expand), leavingAccess(prepared.expand, prepared.policy))
      : expectationOf(prepared.config);
    return { app, terraform, artifacts, fileCount: prepared.artifacts.size, expected };
  } catch (error) {
    terraform.abort();
    artifacts.abort();
    throw classified(error, settings);
  }
}

/**
 * The environment's settings (as cdktf runs the app: no arguments), or the flags `npm run synth --`
 * passes, relative to where the user ran the command. Flags set the environment variables they
 * stand for, so everything below reads one place.
 */
function settingsFromArgs(argv: string[]): { settings: Settings; shown: ShownOutputs } | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        out: { type: "string" },
        "terraform-out": { type: "string" },
        phase: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/, "")}; see npm run synth -- --help`);
  }
  if (values.help) return "help";
  // Before the flags below change CDKTF_OUTDIR: the summary shows what the user typed.
  const shown = shownOutputs(values, process.env);
  const userDir = userDirectory();
  if (values["terraform-out"] !== undefined) process.env.CDKTF_OUTDIR = fromUser(values["terraform-out"], userDir);
  if (values.phase !== undefined) process.env.MAILGATE_PHASE = values.phase;
  const settings = settingsFromEnv(process.env, userDir);
  return {
    settings: {
      ...settings,
      ...(values.config !== undefined ? { configDir: fromUser(values.config, userDir) } : {}),
      ...(values.out !== undefined ? { outDir: fromUser(values.out, userDir) } : {}),
    },
    shown,
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
