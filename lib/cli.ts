// mailgate's command line. `validate` checks the config, `check` compares the artifacts
// directory with a fresh rendering, `diff` describes the change between two configs. None of
// them writes anything.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
// Only what every command needs is loaded here: each command loads its own modules when it runs
// (`await import`), so `validate` never pays for diff, check, init or the others.
import type { DiffSide } from "./diff";
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from "./config/format";
import { compareDiagnostics, hasErrors, type Diagnostic, type SourcePosition } from "./config/diagnostic";
import type { FirewallPolicy } from "./policy/firewall-policy";
import { EXIT, printDiagnostics, runGuarded } from "./io/report-errors";
import { didYouMean } from "./config/suggest";
import { fromUser, parseCommandLine, settingsFromEnv, userDirectory } from "./settings";
import type { Placements } from "./policy/placements";
import { packageVersion } from "./io/package-root";
import { adoptedFileMayExist } from "./live/adopted-file";

/** One command of the CLI: its help text and what it accepts. */
interface CommandSpec {
  readonly summary: string;
  readonly usage: string;
  /** Option names it takes (besides --help). */
  readonly options: readonly OptionName[];
  /** Names of its positional arguments, in order. */
  readonly positionals: readonly string[];
  /** The last positional takes one or more values (`<domain>...`). */
  readonly variadic?: boolean;
  readonly details: string;
}

type OptionName = "config" | "out" | "format" | "max-chars";

const OPTION_HELP: Record<OptionName, string> = {
  config: '  --config DIR   Config directory (default: $MAILGATE_CONFIG, else "config").',
  out: '  --out DIR      Artifacts directory, where placements.json is (default: $MAILGATE_OUT, else "generated").',
  format:
    "  --format F     text (default, on stderr), json (one document on stdout) or github (workflow\n" +
    "                 commands on stdout, so problems annotate the pull request; text on stderr too).",
  "max-chars":
    "  --max-chars N  Cut the Markdown at a line boundary to at most N characters, with a note saying\n" +
    "                 how much was left out (GitHub refuses comments over 65,536; the workflow passes 60000).",
};

const COMMANDS: Record<string, CommandSpec> = {
  validate: {
    summary: "check the config; print every problem at file:line:col",
    usage: "mailgate validate [--config DIR] [--out DIR] [--format text|json|github]",
    options: ["config", "out", "format"],
    positionals: [],
    details:
      "Checks every *.yaml/*.yml under the config directory, all at once, including changes that would\n" +
      "move or orphan what is deployed (against the artifacts directory's placements.json). Writes nothing.\n" +
      "Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error.",
  },
  check: {
    summary: "compare the artifacts directory with what the config renders",
    usage: "mailgate check [--config DIR] [--out DIR]",
    options: ["config", "out"],
    positionals: [],
    details:
      "Regenerates the artifacts in memory and compares them byte for byte with the artifacts directory;\n" +
      "lists stale or missing files, and extra ones in firewalls/ (mailgate's own: synth removes them).\n" +
      "Other files there are ignored. Writes nothing.\n" +
      "Exit codes: 0 fresh, 1 stale or invalid config, 2 usage error.",
  },
  diff: {
    summary: "Markdown of what changes between two configs, for a pull-request comment",
    usage: "mailgate diff [--out DIR] [--max-chars N] <base> <head>",
    options: ["out", "max-chars"],
    positionals: ["base", "head"],
    details:
      "Firewall rules, stacks, prefill settings and HubSpot IP ranges that differ. Each of <base> and\n" +
      "<head> is a config directory, or git:<ref> for the config directory as committed at that ref\n" +
      "(e.g. git:origin/main); a base ref without the config directory is an empty config.\n" +
      "Exit codes: 0 printed (also \"No changes.\"), 1 an invalid config, 2 usage error or unknown ref.",
  },
  retire: {
    summary: "forget an emptied stack once its apply has destroyed what it held",
    usage: "mailgate retire [--config DIR] [--out DIR] <stack>",
    options: ["config", "out"],
    positionals: ["stack"],
    details:
      "Removes the stack from placements.json, so synth no longer writes it. Refuses a stack that\n" +
      "still has firewalls. Apply the emptied stack first (npx cdktf deploy <stack>).\n" +
      "Exit codes: 0 retired, 1 the stack still has firewalls or the config is invalid, 2 usage error.",
  },
  "removed-in-hubspot": {
    summary: "confirm that a domain removed from the config was deleted in HubSpot too",
    usage: "mailgate removed-in-hubspot [--config DIR] [--out DIR] <domain>...",
    options: ["config", "out"],
    positionals: ["domain"],
    variadic: true,
    details:
      "Takes the domains off the \"Remove in HubSpot\" list of prefill-settings.json and .md, where synth\n" +
      "keeps every domain removed from the config until then. Run it once the HubSpot admin has deleted\n" +
      "their settings under Exchange & IMAP Settings; commit both files.\n" +
      "Exit codes: 0 done, 1 a domain still in the config or an invalid config, 2 usage error or a\n" +
      "domain not on the list. Nothing is written unless every domain given is on the list.",
  },
};

const OTHER_COMMANDS = `  synth      npm run synth [-- --config DIR --out DIR --terraform-out DIR]: write Terraform and artifacts
  plan       mailgate plan [stack...] [--parallel N]: synth, then terraform init and plan for each stack
  ranges     mailgate ranges check <saved network-origins response>: compare the catalog with HubSpot's ranges
  live       mailgate live <AWS CLI exports>...: what AWS admits on every target's mail ports, against the lists
  adopt      mailgate adopt <AWS CLI exports>...: record rules made by hand with a planned rule's content, for import
  init       mailgate init [dir]: write what a repository that installs mailgate is missing (never overwrites)`;

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 3;
  return [
    "Usage: mailgate <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    // Aligned with the commands above, however long the longest name.
    ...OTHER_COMMANDS.split("\n").map((line) => line.replace(/^ {2}(\S+) +/, (_, name: string) => `  ${name.padEnd(width)}`)),
    "",
    "Run mailgate <command> --help for a command's options. mailgate --version prints the version.",
    "Exit codes: 0 ok, 1 invalid config (or stale artifacts), 2 usage error, 70 internal error.",
  ].join("\n");
}

function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return [`Usage: ${c.usage}`, "", c.details, "", "Options:", ...c.options.map((o) => OPTION_HELP[o]), "  -h, --help     Show this help."].join("\n");
}

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

export function main(argv: readonly string[], io: CliIo = defaultIo()): number | Promise<number> {
  const [first, ...afterFirst] = argv;
  if (first === "ranges") return rangesCheckCommand(afterFirst, io);
  if (first === "live") return liveCommand(afterFirst, io);
  if (first === "adopt") return adoptCommand(afterFirst, io);
  if (first === "synth") return synthCommand(afterFirst);
  if (first === "plan") return planCommand(afterFirst, io);
  if (first === "init") return initCommand(afterFirst, io);
  const parsed = parseCommandLine(argv, {
    config: { type: "string" },
    out: { type: "string" },
    format: { type: "string" },
    "max-chars": { type: "string" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "V" },
  });
  if ("refused" in parsed) return usageError(io, parsed.refused, undefined, positionalsOf(argv)[0]);
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version && command === undefined) {
    io.stdout.write(`mailgate ${version()}\n`);
    return EXIT.ok;
  }
  if (command === undefined) {
    if (values.help) {
      io.stdout.write(`${topHelp()}\n`);
      return EXIT.ok;
    }
    return usageError(io, "no command given", "mailgate validate checks config/; mailgate --help lists the commands");
  }
  const spec = COMMANDS[command];
  if (!spec) {
    const guess = didYouMean(command, [...Object.keys(COMMANDS), "synth", "ranges", "plan"]);
    return usageError(io, `unknown command "${command}"`, guess ? `did you mean \`mailgate ${guess}\`?` : `the commands are ${[...Object.keys(COMMANDS), "synth", "ranges", "plan"].join(", ")}`);
  }
  if (values.help) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return EXIT.ok;
  }
  const wrongOption = (["config", "out", "format", "max-chars", "version"] as const).find(
    (o) => values[o] !== undefined && !(spec.options as readonly string[]).includes(o),
  );
  if (wrongOption) return usageError(io, `${command} does not take --${wrongOption}`, undefined, command);
  if (rest.length > spec.positionals.length && !spec.variadic) {
    const extra = rest[spec.positionals.length];
    return usageError(io, `unexpected argument "${extra}"`, npmSwallowedHint(command, extra, io.env), command);
  }
  if (rest.length < spec.positionals.length) {
    const missing = spec.positionals.slice(rest.length).map((p) => `<${p}>`);
    return usageError(io, `${command} needs ${missing.join(" ")}`, undefined, command);
  }

  const settings = settingsFromEnv(io.env, io.cwd);
  const configDir = values.config !== undefined ? fromUser(values.config, io.cwd) : settings.configDir;
  const outDir = values.out !== undefined ? fromUser(values.out, io.cwd) : settings.outDir;
  switch (command) {
    case "validate": {
      const format = values.format ?? "text";
      if (!isFormat(format)) return usageError(io, `unknown format "${format}"`, `use one of ${DIAGNOSTIC_FORMATS.join(", ")}`, command);
      return validate(configDir, outDir, format, io);
    }
    case "check":
      return check(configDir, outDir, io);
    case "removed-in-hubspot":
      return removedInHubspot(configDir, outDir, rest, io);
    case "retire":
      return retire(configDir, outDir, rest[0], io);
    default: {
      const maxChars = values["max-chars"] === undefined ? undefined : Number(values["max-chars"]);
      // Below a few hundred characters not even the heading and the truncation note fit.
      if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= MIN_DIFF_CHARS)) {
        return usageError(io, `--max-chars needs a whole number of at least ${MIN_DIFF_CHARS}, got "${values["max-chars"]}"`, undefined, command);
      }
      return diff(rest[0], rest[1], { configDir: settings.configDir, outDir }, io, maxChars);
    }
  }
}

/**
 * `npm run validate --format json` (without `--`): npm takes `--format` as its own setting and
 * passes only `json` on. npm says so in the environment (npm_config_<name>), so the hint can be exact.
 */
function npmSwallowedHint(command: string, extra: string, env: NodeJS.ProcessEnv): string | undefined {
  const option = COMMANDS[command].options.find((o) => env[`npm_config_${o.replace(/-/g, "_")}`] === extra);
  if (option) return `npm kept --${option} for itself: put -- before mailgate's options, as in npm run ${command} -- --${option} ${extra}`;
  return undefined;
}

function positionalsOf(argv: readonly string[]): string[] {
  return argv.filter((a) => !a.startsWith("-"));
}

function version(): string {
  // Found from the module, not require("../package.json"): compiled, this file is dist/lib/cli.js.
  return packageVersion();
}

/**
 * `mailgate synth ...`: the cdktf app, loaded only here (cdktf is heavy; no other command needs it).
 * "../main" without an extension: main.ts under the development loader, dist/main.js compiled.
 */
async function synthCommand(argv: readonly string[]): Promise<number> {
  return (await import("../main")).synth(argv);
}

/** `mailgate plan ...`: synth, then the Terraform CLI in each stack's folder (lib/plan.ts); loaded on use. */
async function planCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return (await import("./plan")).planCommand(argv, io);
}

/** Loaded on use, like synth: the other commands never pay for it. */
async function rangesCheckCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return (await import("./ranges/command")).rangesCheck(argv, io);
}

/** `mailgate live ...` (lib/live/): loaded on use, like ranges. */
async function liveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return (await import("./live/command")).liveCommand(argv, io);
}

/** `mailgate init ...` (lib/init.ts): loaded on use, like the others. */
async function initCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return (await import("./init")).initCommand(argv, io);
}

/** `mailgate adopt ...` (lib/live/adopt.ts): loaded on use, like live. */
async function adoptCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return (await import("./live/adopt")).adoptCommand(argv, io);
}

/** A path the user typed, relative to `io.cwd` (where they ran the command). */
function fromCwd(p: string, io: CliIo): string {
  return fromUser(p, io.cwd);
}

function isFormat(value: string): value is DiagnosticFormat {
  return (DIAGNOSTIC_FORMATS as readonly string[]).includes(value);
}

async function validate(configDir: string, outDir: string, format: DiagnosticFormat, io: CliIo): Promise<number> {
  const [{ validateConfig }, { formatDiagnosticsGithub, formatDiagnosticsJson }] = await Promise.all([import("./validate"), import("./config/format")]);
  // Quotas, rule numbers and capacity need the policy's counts: still pure and cdktf-free.
  const validated = validateConfig(configDir, { outDir, env: io.env });
  const diagnostics = await withAdopted(validated.diagnostics, validated.policy, outDir);
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

/**
 * The config's diagnostics and those of `<outDir>/adopted.json` (`mailgate adopt`'s record of
 * rules to import), read as synth reads it: a damaged file, which would stop the next synth, is
 * an error here already, and an entry the config no longer plans a warning.
 */
async function withAdopted(diagnostics: readonly Diagnostic[], policy: FirewallPolicy | undefined, outDir: string): Promise<readonly Diagnostic[]> {
  if (!policy || hasErrors(diagnostics) || !adoptedFileMayExist(outDir)) return diagnostics;
  const adopted = (await import("./live/adopted")).readAdopted(outDir, policy);
  return [...diagnostics, ...("error" in adopted ? [adopted.error] : adopted.diagnostics)].sort(compareDiagnostics);
}

async function check(configDir: string, outDir: string, io: CliIo): Promise<number> {
  const [{ OWNED_DIRECTORIES, prepare }, { compareWithDisk }] = await Promise.all([import("./pipeline"), import("./io/freshness")]);
  const prepared = prepare(configDir, { outDir, env: io.env });
  const diagnostics = prepared.ok ? await withAdopted(prepared.diagnostics, prepared.policy, outDir) : prepared.diagnostics;
  printDiagnostics(diagnostics, io.stderr);
  if (!prepared.ok || hasErrors(diagnostics)) return EXIT.invalidConfig;
  const { missing, stale, fresh, extra } = compareWithDisk(outDir, prepared.artifacts, OWNED_DIRECTORIES);
  const shown = outDir.split(path.sep).join("/");
  if (missing.length + stale.length + extra.length === 0) {
    io.stdout.write(`${shown}: up to date (${fresh.length} files match ${configDir.split(path.sep).join("/")})\n`);
    return EXIT.ok;
  }
  // What synth leaves (a directory, anything behind a link) needs a person; the rest a synth.
  const kept = extra.filter((e) => e.kept !== undefined);
  const lines = [
    `mailgate: ${shown} does not match ${configDir.split(path.sep).join("/")}:`,
    ...stale.map((name) => `  stale:   ${shown}/${name}`),
    ...missing.map((name) => `  missing: ${shown}/${name}`),
    ...extra.map((e) => `  extra:   ${shown}/${e.name}${e.kept === undefined ? "" : ` (${e.kept}: synth does not delete it)`}`),
    ...(kept.length < extra.length || missing.length + stale.length > 0 ? [`hint: run npm run synth and commit ${shown}/`] : []),
    ...kept.map((e) => `hint: remove ${shown}/${e.name} yourself: ${shown}/${e.name.split("/")[0]}/ holds only what mailgate writes`),
  ];
  io.stderr.write(`${lines.join("\n")}\n`);
  return EXIT_STALE;
}

/**
 * Takes domains off the "Remove in HubSpot" list of the prefill settings, once the admin has
 * deleted their settings in HubSpot. Rendered from the config and the last synth's prefill, as
 * synth renders them, so the next synth writes the same bytes and `check` stays fresh.
 */
async function removedInHubspot(configDir: string, outDir: string, given: readonly string[], io: CliIo): Promise<number> {
  const [{ prefillArtifacts, prefillPath, prepare }, { normalizeDomain }, { writeArtifactsAtomically }] = await Promise.all([
    import("./pipeline"),
    import("./model/names"),
    import("./io/write-atomic"),
  ]);
  const prepared = prepare(configDir, { outDir, env: io.env });
  if (!prepared.ok) {
    printDiagnostics(prepared.diagnostics, io.stderr);
    return EXIT.invalidConfig;
  }
  const file = prefillPath(outDir);
  const domains = [...new Set(given.map((text) => normalizeDomain(text)).map((n, i) => (n.ok ? n.value : given[i])))];
  const inConfig = new Set(prepared.config.domains.map((d) => d.name));
  const current = domains.filter((d) => inConfig.has(d));
  if (current.length > 0) {
    io.stderr.write(
      `mailgate: ${current.join(", ")} ${current.length === 1 ? "is" : "are"} still in the config: HubSpot's settings for ${current.length === 1 ? "it" : "them"} are current, not to delete.\n` +
        "hint: remove a domain from the config and synth first; prefill-settings.md then lists it under Remove in HubSpot\n",
    );
    return EXIT.invalidConfig;
  }
  const listed = prepared.prefill.removed ?? [];
  const unknown = domains.filter((d) => !listed.some((l) => l.domain === d));
  if (unknown.length > 0) {
    const names = listed.map((l) => l.domain);
    io.stderr.write(`mailgate: ${file} does not list ${unknown.join(", ")} under removed; it lists ${names.length > 0 ? names.join(", ") : "none"}\n`);
    return EXIT.usage;
  }
  const { removed: _confirmed, ...settings } = prepared.prefill;
  const left = listed.filter((l) => !domains.includes(l.domain));
  writeArtifactsAtomically(outDir, new Map(prefillArtifacts(left.length > 0 ? { ...settings, removed: left } : settings)));
  io.stdout.write(`${file}: ${domains.join(", ")} no longer listed under Remove in HubSpot. Commit it and prefill-settings.md beside it.\n`);
  return EXIT.ok;
}

const MIN_DIFF_CHARS = 500;

async function diff(baseArg: string, headArg: string, dirs: { configDir: string; outDir: string }, io: CliIo, maxChars?: number): Promise<number> {
  const [{ diffConfigs, fitMarkdown }, reading] = await Promise.all([import("./diff"), sideReading()]);
  const cleanups: (() => void)[] = [];
  try {
    const sides: DiffSide[] = [];
    let failed = false;
    for (const [i, arg] of [baseArg, headArg].entries()) {
      const side = readSide(reading, arg, dirs, io, cleanups, i === 0);
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

/** What `readSide` needs, loaded with `diff`. */
type SideReading = Awaited<ReturnType<typeof sideReading>>;

async function sideReading() {
  const [{ validateConfig }, { configAtGitRef }] = await Promise.all([import("./validate"), import("./io/git-snapshot")]);
  return { validateConfig, configAtGitRef };
}

/**
 * A config directory or `git:<ref>`, loaded and validated with its placements (a directory with
 * the artifacts directory's `placements.json`, a ref with the one committed at that ref); an exit
 * code when it cannot be. A base ref without the config directory is an empty config: the first
 * pull request that adds mailgate.
 */
function readSide({ validateConfig, configAtGitRef }: SideReading, arg: string, dirs: { configDir: string; outDir: string }, io: CliIo, cleanups: (() => void)[], isBase: boolean): DiffSide | number {
  if (!arg.startsWith("git:")) {
    if (!fs.existsSync(fromCwd(arg, io)) && isGitRef(arg, io.cwd)) {
      return usageError(io, `there is no directory "${arg}"`, `did you mean git:${arg} (the config directory as committed at ${arg})?`, "diff");
    }
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
  // The copies live in temporary directories; placements.json names its config relative to the
  // real ones, both read from where the user is, as configAtGitRef reads them.
  const named = { configDir: fromCwd(dirs.configDir, io), outDir: fromCwd(dirs.outDir, io) };
  const { config, policy, placements, diagnostics } = validateConfig(snapshot.dir, artifacts.ok ? { outDir: artifacts.dir, named } : {});
  // Show `<ref>:config/domains.yaml`, which `git show` accepts, not the temporary directory.
  printDiagnostics(relabel(relabel(diagnostics, snapshot.dir, snapshot.label), artifacts.ok ? artifacts.dir : snapshot.dir, artifacts.ok ? artifacts.label : snapshot.label), io.stderr);
  return config ? { label: arg, config, policy, placements } : EXIT.invalidConfig;
}

/**
 * Removes an emptied stack from the placements file. Run after applying the empty stack: from
 * then on synth no longer writes it, so nothing would plan or destroy what it still held. The
 * stack must be empty in the config and in the placements file: a stack the file still places
 * targets in was never synthesized empty, so no apply has destroyed its rules yet.
 */
async function retire(configDir: string, outDir: string, stack: string, io: CliIo): Promise<number> {
  const [{ placementsPath, validateConfig }, { PLACEMENTS_FILE, renderPlacements }, { writeArtifactsAtomically }] = await Promise.all([
    import("./validate"),
    import("./policy/placements"),
    import("./io/write-atomic"),
  ]);
  const { placements, previous, diagnostics } = validateConfig(configDir, { outDir });
  if (!placements || !previous) {
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
  const placed = targetsPlacedIn(previous, stack);
  if (placed.length > 0) {
    io.stderr.write(
      `mailgate: ${file} still places firewall${placed.length === 1 ? "" : "s"} ${placed.join(", ")} in stack ${stack}: the last synth wrote ${stack} with ${placed.length === 1 ? "it" : "them"}, so its state still holds their rules, and once retired no synth would write ${stack} again to destroy them.\n` +
        `hint: synth so the emptied stack is written (npm run synth), apply it (npx cdktf deploy ${stack}), then retire it\n`,
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

/** Targets the placements put in `stack`: those it lists, and those whose entry names it. */
function targetsPlacedIn(placements: Placements, stack: string): string[] {
  const named = [...placements.targets].filter(([, t]) => t.stack === stack).map(([name]) => name);
  return [...new Set([...(placements.stacks.get(stack)?.targets ?? []), ...named])].sort();
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

/** Whether `name` is a commit in the repository around `cwd` (for the "did you mean git:" hint). */
function isGitRef(name: string, cwd: string): boolean {
  if (name.startsWith("-")) return false;
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${name}^{commit}`], { cwd, stdio: "ignore" });
  return result.status === 0;
}

/** One line saying what was wrong, one relevant hint, and where the help is: never the whole help. */
function usageError(io: CliIo, problem: string, hint?: string, command?: string): number {
  const help = command && COMMANDS[command] ? `mailgate ${command} --help` : "mailgate --help";
  io.stderr.write(`mailgate: ${problem}\n${hint ? `hint: ${hint}\n` : ""}(${help} shows the usage)\n`);
  return EXIT.usage;
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: userDirectory() };
}

if (require.main === module) runGuarded(() => main(process.argv.slice(2)));
