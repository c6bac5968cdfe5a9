// `mailgate live FILE...`: what AWS itself says is open on every AWS target's mail ports,
// against what HubSpot's lists need. Offline, like `ranges check`: the AWS CLI saves the exports
// (`mailgate live --commands` prints how), mailgate only reads them and never calls AWS.
import { hasErrors } from "../config/diagnostic";
import { EXIT, printDiagnostics, UsageError } from "../io/report-errors";
import { firstRepeated, readCommandArguments } from "../model/command-options";
import type { AwsFirewallTarget } from "../model/config";
import { isAwsPolicy } from "../policy/firewall-policy";
import { fromUser, settingsFromEnv } from "../settings";
import { validateConfig } from "../validate";
import { compareLive } from "./compare";
import { exportCommandsOf } from "../kinds/lives";
import { MAX_EXPORT_BYTES, readExports } from "./exports";
import { renderGithub, renderJson, renderMarkdownSection, renderText } from "./render";
import { renderReportMarkdown } from "../artifacts/report-files";
import { buildReport } from "../audit/report";

/** Where the command reads and writes; the same shape as lib/cli.ts's `CliIo`. */
export interface LiveIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Exit codes (contract: DESIGN.md): 0 every target exact, 1 a difference (or an invalid config), 2 unusable input. */
export const LIVE_EXIT = { exact: EXIT.ok, difference: 1, invalidConfig: EXIT.invalidConfig, unusable: EXIT.usage } as const;

export const LIVE_USAGE = `Usage: mailgate live [--config DIR] [--out DIR] [--format text|json|github] <export.json>...
       mailgate live --commands [--config DIR] [--out DIR]

Reads what AWS says is live, saved as JSON by the AWS CLI (describe-security-group-rules,
describe-security-groups, describe-network-acls, describe-managed-prefix-lists,
get-managed-prefix-list-entries, network-firewall describe-rule-group), and states for every AWS
firewall target and mail port what is open and to whom, against what HubSpot's lists need:
missing (planned, not in AWS), exposure (an address outside the lists admitted on a mail port, a
referenced group, an all-traffic rule: named by its sgr-/rule number/pl-/sid), drift (a rule of
mailgate's changed). Uses no network and no AWS credentials.

Options:
  --config DIR   Config directory (default: $MAILGATE_CONFIG, else "config").
  --out DIR      Artifacts directory, whose placements.json says where rules were placed
                 (default: $MAILGATE_OUT, else "generated").
  --format F     text (default), json (one document on stdout), github (an ::error annotation
                 per difference, then the text) or markdown (the audit report the config renders,
                 firewall-rules.md, with a last section "What is live in AWS").
  --commands     Print the read-only AWS CLI commands that save the exports for the config's targets.
  -h, --help     Show this help.

Exit codes: 0 every target exact, 1 a difference (also an invalid config), 2 unusable input (a
file missing, over ${MAX_EXPORT_BYTES / 1024 / 1024} MiB, empty, not JSON, of a shape the AWS CLI does not print, ending with
NextToken, or an export a target needs not given) or a usage error.`;

const FORMATS = ["text", "json", "github", "markdown"] as const;
type Format = (typeof FORMATS)[number];

export function liveCommand(args: readonly string[], io: LiveIo): number {
  const parsed = parseOptions(args);
  if (parsed === "help") {
    io.stdout.write(`${LIVE_USAGE}\n`);
    return EXIT.ok;
  }
  if (typeof parsed === "string") return usageError(io, parsed);
  const { options, files, commands } = parsed;
  const format = options.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) return usageError(io, `unknown format "${format}"; use text, json, github or markdown`);
  if (commands && files.length > 0) return usageError(io, "--commands prints commands and reads no exports: give it no files");
  if (!commands && files.length === 0) return usageError(io, "live needs the AWS CLI exports (JSON files); mailgate live --commands prints how to save them");

  const dirs = directoriesOf(options, io);
  if (typeof dirs === "string") return usageError(io, dirs);
  const { configDir, outDir } = dirs;

  // The exports first: unusable input fails the same way whatever the config says.
  const read = commands ? undefined : readExports(files.map((f) => ({ file: fromUser(f, io.cwd), shown: f })));
  if (read && !read.ok) {
    io.stderr.write(`mailgate: ${read.message} Nothing was compared.\n`);
    return LIVE_EXIT.unusable;
  }
  const { config, policy, placements, diagnostics } = validateConfig(configDir, { outDir });
  if (!config || !policy || !placements || hasErrors(diagnostics)) {
    printDiagnostics(diagnostics, io.stderr);
    return LIVE_EXIT.invalidConfig;
  }
  if (!read) {
    io.stdout.write(exportCommands(policy.targets.filter(isAwsPolicy).map((p) => p.target)));
    return EXIT.ok;
  }
  const compared = compareLive(config, policy, read.exports);
  if (!compared.ok) {
    io.stderr.write(`mailgate: ${compared.message} Nothing was compared.\n`);
    return LIVE_EXIT.unusable;
  }
  if ((format as Format) === "markdown") {
    // The audit report as synth renders it for this config, with what AWS holds as its last section.
    io.stdout.write(`${renderReportMarkdown(buildReport(config, policy, placements))}\n${renderMarkdownSection(compared.report, files)}`);
    return compared.report.exact ? LIVE_EXIT.exact : LIVE_EXIT.difference;
  }
  const render = (format as Format) === "json" ? renderJson : (format as Format) === "github" ? renderGithub : renderText;
  io.stdout.write(render(compared.report, files));
  return compared.report.exact ? LIVE_EXIT.exact : LIVE_EXIT.difference;
}

/**
 * The read-only AWS CLI commands that save every export the config's targets need, one block per
 * account and region. Security group rules are exported for the whole region: a created group's
 * id is known only from describe-security-groups, and rules of other groups are ignored. Entries
 * of prefix lists are saved for every list some inbound rule references (jq picks them), each in
 * a file named with its id, since the AWS CLI does not print the id with the entries.
 */
export function exportCommands(targets: readonly AwsFirewallTarget[]): string {
  const where = new Map<string, AwsFirewallTarget[]>();
  for (const t of targets) {
    const key = `${t.account ?? ""} ${t.region}`;
    where.set(key, [...(where.get(key) ?? []), t]);
  }
  const blocks: string[] = [
    "# Read-only exports for mailgate live; run with credentials of each account named (a read-only role).",
    "# Without --max-items the AWS CLI fetches every page itself, so no file ends with NextToken.",
  ];
  for (const [key, group] of [...where].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [account, region] = key.split(" ");
    const r = `--region ${region} --output json`;
    const lines = [``, `# ${account ? `account ${account}, ` : ""}${region}: ${group.map((t) => t.name).sort().join(", ")}`];
    const suffix = `${account ? `${account}-` : ""}${region}`;
    lines.push(...exportCommandsOf(group, r, suffix));
    blocks.push(...lines);
  }
  if (targets.length === 0) blocks.push("", "# The config has no AWS firewall target that a domain uses: nothing to export.");
  return `${blocks.join("\n")}\n`;
}

function parseOptions(args: readonly string[]): { options: Partial<Record<"config" | "out" | "format", string>>; files: string[]; commands: boolean } | "help" | string {
  const parsed = readCommandArguments(args, { command: "live", strings: ["config", "out", "format"], flags: ["commands"] });
  if (typeof parsed === "string") return parsed;
  const twice = firstRepeated(parsed.positionals);
  if (twice !== undefined) return `${twice} given twice`;
  return { options: parsed.options, files: parsed.positionals, commands: parsed.flags.has("commands") };
}

/** The config and artifacts directories, as every command finds them; a usage problem as text. */
export function directoriesOf(options: { readonly config?: string; readonly out?: string }, io: LiveIo): { configDir: string; outDir: string } | string {
  try {
    const settings = settingsFromEnv(io.env, io.cwd);
    return {
      configDir: options.config !== undefined ? fromUser(options.config, io.cwd) : settings.configDir,
      outDir: options.out !== undefined ? fromUser(options.out, io.cwd) : settings.outDir,
    };
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

function usageError(io: LiveIo, problem: string): number {
  io.stderr.write(`mailgate: ${problem}\nhint: mailgate live --help\n`);
  return LIVE_EXIT.unusable;
}
