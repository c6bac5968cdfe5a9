// mailgate's command line. `validate` checks the config, `check` compares the artifacts
// directory with a fresh rendering, `diff` describes the change between two configs. None of
// them writes anything.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { compareWithDisk } from "./audit/check";
import { writeArtifactsAtomically } from "./artifacts/write-atomic";
import { diffConfigs, fitMarkdown, type DiffSide } from "./audit/diff";
import { configAtGitRef } from "./audit/git-config";
import { DIAGNOSTIC_FORMATS, formatDiagnosticsGithub, formatDiagnosticsJson, type DiagnosticFormat } from "./config/format";
import { hasErrors, type Diagnostic, type SourcePosition } from "./config/diagnostic";
import { prepare } from "./pipeline";
import { EXIT, printDiagnostics, runGuarded } from "./report-errors";
import { fromUser, settingsFromEnv, userDirectory } from "./settings";
import { PLACEMENTS_FILE, renderPlacements } from "./policy/placements";
import { placementsPath, validateConfig } from "./validate";

const USAGE = `Usage: mailgate validate [--config DIR] [--out DIR] [--format text|json|github]
       mailgate check [--config DIR] [--out DIR]
       mailgate diff [--out DIR] [--max-chars N] <base> <head>
       mailgate retire [--config DIR] [--out DIR] <stack>

Commands:
  validate   Check every *.yaml/*.yml under the config directory; print all problems,
             including changes that would move or orphan what is deployed (read from
             the artifacts directory's placements.json).
  check      Regenerate the artifacts in memory and compare them with the artifacts
             directory; list stale or missing files. Other files there are ignored.
  diff       Print, as Markdown for a pull-request comment, the firewall rules, stacks,
             prefill settings and HubSpot IP ranges that differ between two configs.
             Each of <base> and <head> is a config directory, or git:<ref> for the config
             directory as committed at that ref (e.g. git:origin/main); a ref without
             the config directory counts as an empty config (the first pull request).
  retire     Forget an emptied stack (one whose firewalls are all gone) once its apply
             has destroyed what it held: removes it from placements.json, so synth no
             longer writes it. Refuses a stack that still has firewalls.

Options:
  --config DIR   Config directory (default: $MAILGATE_CONFIG, else "config").
  --out DIR      Artifacts directory (default: $MAILGATE_OUT, else "generated").
  --format F     validate only: text (default, on stderr), json (one document on stdout) or
                 github (workflow commands on stdout, so problems annotate the pull request;
                 the text goes to stderr too).
  --max-chars N  diff only: cut the Markdown at a line boundary to at most N characters,
                 with a note saying how much was left out (GitHub refuses comments over
                 65,536; the workflow passes 60000).
  -h, --help     Show this help.

Exit codes: 0 valid / fresh / diff printed, 1 invalid config or stale artifacts,
2 usage error (including an unknown git ref), 70 internal error.`;

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** The directory `git:<ref>` is resolved from. */
  readonly cwd: string;
}

/** `check` found stale or missing artifacts; the same code as an invalid config: "fix and retry". */
const EXIT_STALE = EXIT.invalidConfig;

const OPTIONS_OF: Record<string, readonly string[]> = {
  validate: ["config", "out", "format"],
  check: ["config", "out"],
  diff: ["out", "max-chars"],
  retire: ["config", "out"],
};
const POSITIONALS_OF: Record<string, number> = { validate: 0, check: 0, diff: 2, retire: 1 };

export function main(argv: readonly string[], io: CliIo = defaultIo()): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: "string" },
        out: { type: "string" },
        format: { type: "string" },
        "max-chars": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  if (command === undefined) return usageError(io, "no command given");
  if (!(command in OPTIONS_OF)) return usageError(io, `unknown command "${command}"`);
  const wrongOption = (["config", "out", "format", "max-chars"] as const).find((o) => values[o] !== undefined && !OPTIONS_OF[command].includes(o));
  if (wrongOption) return usageError(io, `${command} does not take --${wrongOption}`);
  if (rest.length > POSITIONALS_OF[command]) return usageError(io, `unexpected argument "${rest[POSITIONALS_OF[command]]}"`);
  if (rest.length < POSITIONALS_OF[command]) return usageError(io, `${command} needs ${POSITIONALS_OF[command]} arguments, got ${rest.length}`);

  const settings = settingsFromEnv(io.env, io.cwd);
  const configDir = values.config !== undefined ? fromUser(values.config, io.cwd) : settings.configDir;
  const outDir = values.out !== undefined ? fromUser(values.out, io.cwd) : settings.outDir;
  switch (command) {
    case "validate": {
      const format = values.format ?? "text";
      if (!isFormat(format)) return usageError(io, `unknown format "${format}"; use one of ${DIAGNOSTIC_FORMATS.join(", ")}`);
      return validate(configDir, outDir, format, io);
    }
    case "check":
      return check(configDir, outDir, io);
    case "retire":
      return retire(configDir, outDir, rest[0], io);
    default: {
      const maxChars = values["max-chars"] === undefined ? undefined : Number(values["max-chars"]);
      // Below a few hundred characters not even the heading and the truncation note fit.
      if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= MIN_DIFF_CHARS)) {
        return usageError(io, `--max-chars needs a whole number of at least ${MIN_DIFF_CHARS}, got "${values["max-chars"]}"`);
      }
      return diff(rest[0], rest[1], { configDir: settings.configDir, outDir }, io, maxChars);
    }
  }
}

/** A path the user typed, relative to `io.cwd` (where they ran the command). */
function fromCwd(p: string, io: CliIo): string {
  return fromUser(p, io.cwd);
}

function isFormat(value: string): value is DiagnosticFormat {
  return (DIAGNOSTIC_FORMATS as readonly string[]).includes(value);
}

function validate(configDir: string, outDir: string, format: DiagnosticFormat, io: CliIo): number {
  // Quotas, rule numbers and capacity need the policy's counts: still pure and cdktf-free.
  const { diagnostics } = validateConfig(configDir, { outDir, env: io.env });
  const invalid = hasErrors(diagnostics);
  if (format === "json") {
    // Nothing else on stdout: it must parse as one JSON document.
    io.stdout.write(formatDiagnosticsJson(diagnostics));
    return invalid ? EXIT.invalidConfig : EXIT.ok;
  }
  if (format === "github") io.stdout.write(formatDiagnosticsGithub(diagnostics));
  printDiagnostics(diagnostics, io.stderr);
  if (invalid) return EXIT.invalidConfig;
  io.stdout.write(`${configDir}: valid${diagnostics.length > 0 ? ` (${diagnostics.length} warning${diagnostics.length === 1 ? "" : "s"})` : ""}\n`);
  return EXIT.ok;
}

function check(configDir: string, outDir: string, io: CliIo): number {
  const prepared = prepare(configDir, { outDir, env: io.env });
  printDiagnostics(prepared.diagnostics, io.stderr);
  if (!prepared.ok) return EXIT.invalidConfig;
  const { missing, stale, fresh } = compareWithDisk(outDir, prepared.artifacts);
  const shown = outDir.split(path.sep).join("/");
  if (missing.length + stale.length === 0) {
    io.stdout.write(`${shown}: up to date (${fresh.length} files match ${configDir.split(path.sep).join("/")})\n`);
    return EXIT.ok;
  }
  const lines = [
    `mailgate: ${shown} does not match ${configDir.split(path.sep).join("/")}:`,
    ...stale.map((name) => `  stale:   ${shown}/${name}`),
    ...missing.map((name) => `  missing: ${shown}/${name}`),
    `hint: run npm run synth and commit ${shown}/`,
  ];
  io.stderr.write(`${lines.join("\n")}\n`);
  return EXIT_STALE;
}

const MIN_DIFF_CHARS = 500;

function diff(baseArg: string, headArg: string, dirs: { configDir: string; outDir: string }, io: CliIo, maxChars?: number): number {
  const cleanups: (() => void)[] = [];
  try {
    const sides: DiffSide[] = [];
    let failed = false;
    for (const [i, arg] of [baseArg, headArg].entries()) {
      const side = readSide(arg, dirs, io, cleanups, i === 0);
      if (typeof side === "number") {
        if (side === EXIT.usage) return side;
        failed = true;
      } else {
        sides.push(side);
      }
    }
    if (failed) return EXIT.invalidConfig;
    const markdown = diffConfigs(sides[0], sides[1]);
    const hint = `Run \`npm run diff -- ${[baseArg, headArg].map((a) => a.replace(/`/g, "")).join(" ")}\` for all of it.`;
    io.stdout.write(maxChars === undefined ? markdown : fitMarkdown(markdown, maxChars, hint));
    return EXIT.ok;
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

/**
 * A config directory or `git:<ref>`, loaded and validated with its placements (a directory with
 * the artifacts directory's `placements.json`, a ref with the one committed at that ref); an exit
 * code when it cannot be. A base ref without the config directory is an empty config: the first
 * pull request that adds mailgate.
 */
function readSide(arg: string, dirs: { configDir: string; outDir: string }, io: CliIo, cleanups: (() => void)[], isBase: boolean): DiffSide | number {
  if (!arg.startsWith("git:")) {
    const { config, policy, placements, diagnostics } = validateConfig(fromCwd(arg, io), { outDir: fromCwd(dirs.outDir, io) });
    printDiagnostics(diagnostics, io.stderr);
    return config ? { label: arg, config, policy, placements } : EXIT.invalidConfig;
  }
  const ref = arg.slice("git:".length);
  const snapshot = configAtGitRef(ref, dirs.configDir, io.cwd);
  if (!snapshot.ok) {
    if (isBase && snapshot.kind === "config") return { label: `${arg} (no config there: an empty config)`, config: { domains: [], firewalls: [] } };
    io.stderr.write(`mailgate: ${snapshot.message}\n`);
    return snapshot.kind === "usage" ? EXIT.usage : EXIT.invalidConfig;
  }
  cleanups.push(snapshot.cleanup);
  const artifacts = configAtGitRef(ref, dirs.outDir, io.cwd);
  if (artifacts.ok) cleanups.push(artifacts.cleanup);
  const { config, policy, placements, diagnostics } = validateConfig(snapshot.dir, artifacts.ok ? { outDir: artifacts.dir } : {});
  // Show `<ref>:config/domains.yaml`, which `git show` accepts, not the temporary directory.
  printDiagnostics(relabel(relabel(diagnostics, snapshot.dir, snapshot.label), artifacts.ok ? artifacts.dir : snapshot.dir, artifacts.ok ? artifacts.label : snapshot.label), io.stderr);
  return config ? { label: arg, config, policy, placements } : EXIT.invalidConfig;
}

/**
 * Removes an emptied stack from the placements file. Run after applying the empty stack: from
 * then on synth no longer writes it, so nothing would plan or destroy what it still held.
 */
function retire(configDir: string, outDir: string, stack: string, io: CliIo): number {
  const { placements, diagnostics } = validateConfig(configDir, { outDir });
  if (!placements) {
    printDiagnostics(diagnostics, io.stderr);
    return EXIT.invalidConfig;
  }
  const record = placements.stacks.get(stack);
  const file = placementsPath(outDir);
  if (!record) {
    const known = [...placements.stacks.keys()].sort();
    io.stderr.write(`mailgate: ${file} has no stack ${stack}${known.length > 0 ? `; its stacks: ${known.join(", ")}` : ""}\n`);
    return EXIT.usage;
  }
  if (record.targets.length > 0) {
    io.stderr.write(
      `mailgate: stack ${stack} still has firewall${record.targets.length === 1 ? "" : "s"} ${record.targets.join(", ")}; only an emptied stack can be retired.\n` +
        `hint: remove those firewalls (or their domains) from the config, synth and apply ${stack}, then retire it\n`,
    );
    return EXIT.invalidConfig;
  }
  const stacks = new Map(placements.stacks);
  stacks.delete(stack);
  writeArtifactsAtomically(outDir, new Map([[PLACEMENTS_FILE, renderPlacements({ ...placements, stacks })]]));
  io.stdout.write(
    `${file}: retired ${stack}. Synth no longer writes it; make sure its last apply destroyed everything (its state should be empty), then commit ${file}.\n`,
  );
  return EXIT.ok;
}

function relabel(diagnostics: readonly Diagnostic[], dir: string, label: string): Diagnostic[] {
  const from = dir.split(path.sep).join("/");
  const to = label.endsWith(":") ? label : `${label}/`;
  const move = (p: SourcePosition): SourcePosition =>
    p.file === from ? { ...p, file: label } : p.file.startsWith(`${from}/`) ? { ...p, file: `${to}${p.file.slice(from.length + 1)}` } : p;
  return diagnostics.map((d) => ({
    ...d,
    position: move(d.position),
    ...(d.related ? { related: d.related.map(move) } : {}),
    message: d.message.split(from).join(label),
  }));
}

function usageError(io: CliIo, problem: string): number {
  io.stderr.write(`mailgate: ${problem}\n\n${USAGE}\n`);
  return EXIT.usage;
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: userDirectory() };
}

if (require.main === module) runGuarded(() => main(process.argv.slice(2)));
