// `mailgate adopt FILE...`: the day-one half of issue 22. A team that opened HubSpot's ranges by
// hand in its existing security group would see the first apply stop half-way, AWS refusing each
// rule with the content of one already there (InvalidPermission.Duplicate). adopt reads the same
// AWS CLI exports as `mailgate live` (its readers, its matching of AWS rules to planned rules:
// compare.ts) and records each hand-made rule with a planned rule's exact content in
// `<artifacts>/adopted.json`; the next synth turns them into Terraform `import` blocks, so the
// first plan imports those rules instead of creating them. Offline: it never calls AWS.
import { hasErrors } from "../config/diagnostic";
import { EXIT, printDiagnostics } from "../io/report-errors";
import { writeArtifactsAtomically } from "../io/write-atomic";
import { firstRepeated, readCommandArguments } from "../model/command-options";
import { stackName } from "../model/stack";
import { adoptionOf } from "../kinds/lives";
import { isAwsPolicy, type AwsTargetPolicy, type FirewallPolicy } from "../policy/firewall-policy";
import { fromUser } from "../settings";
import { validateConfig } from "../validate";
import { ADOPTED_FILE, adoptedPath, renderAdopted } from "./adopted";
import { compareLive, type Admitter, type TargetReport } from "./compare";
import { readExports } from "./exports";
import { directoriesOf, type LiveIo } from "./command";

/** Exit codes: 0 written (or nothing to adopt), 1 an invalid config, 2 unusable input or a usage error. */
export const ADOPT_EXIT = { ok: EXIT.ok, invalidConfig: EXIT.invalidConfig, unusable: EXIT.usage } as const;

export const ADOPT_USAGE = `Usage: mailgate adopt [--config DIR] [--out DIR] <export.json>...

Records the security group rules already in AWS (made by hand) whose content equals a rule the
config plans (same group, tcp, the port, the same CIDR; descriptions and tags may differ) in
<out>/${ADOPTED_FILE}, with their sgr- ids. The next synth writes a Terraform import block for each,
so the first apply imports them instead of failing with InvalidPermission.Duplicate. Rules that
admit more or other addresses (a broader block, a port range, all traffic, another group) are
listed and never recorded. Reads the exports mailgate live reads (mailgate live --commands prints
the commands); uses no network and no AWS credentials.

Options:
  --config DIR   Config directory (default: $MAILGATE_CONFIG, else "config").
  --out DIR      Artifacts directory, where ${ADOPTED_FILE} is written beside placements.json
                 (default: $MAILGATE_OUT, else "generated").
  -h, --help     Show this help.

Exit codes: 0 written, or nothing to adopt; 1 an invalid config; 2 unusable input (as mailgate
live says it) or a usage error.`;

export function adoptCommand(args: readonly string[], io: LiveIo): number {
  const parsed = parseOptions(args);
  if (parsed === "help") {
    io.stdout.write(`${ADOPT_USAGE}\n`);
    return EXIT.ok;
  }
  if (typeof parsed === "string") return usageError(io, parsed);
  const { options, files } = parsed;
  if (files.length === 0) return usageError(io, "adopt needs the AWS CLI exports (JSON files); mailgate live --commands prints how to save them");

  const dirs = directoriesOf(options, io);
  if (typeof dirs === "string") return usageError(io, dirs);
  const { configDir, outDir } = dirs;

  // The exports first, as live reads them: unusable input fails the same way whatever the config says.
  const read = readExports(files.map((f) => ({ file: fromUser(f, io.cwd), shown: f })));
  if (!read.ok) {
    io.stderr.write(`mailgate: ${read.message} Nothing was written.\n`);
    return ADOPT_EXIT.unusable;
  }
  const { config, policy, diagnostics } = validateConfig(configDir, { outDir });
  if (!config || !policy || hasErrors(diagnostics)) {
    printDiagnostics(diagnostics, io.stderr);
    return ADOPT_EXIT.invalidConfig;
  }

  // A group mailgate creates is not in any state before the first apply, and a rule can only be
  // imported into a group the configuration declares from the start: nothing to adopt there.
  const existing = policy.targets.filter(isAwsPolicy).filter((t) => adoptionOf(t) === "existing");
  const created = policy.targets.filter((t) => adoptionOf(t) === "created").map((t) => t.target.name).sort();
  const lines: string[] = [];
  const imports = new Map<string, Map<string, string>>();
  if (existing.length > 0) {
    if (!read.exports.kinds.has("rules")) {
      io.stderr.write("mailgate: no file is an export of aws ec2 describe-security-group-rules: adopt records rules by their sgr- ids, which only that export prints (mailgate live --commands). Nothing was written.\n");
      return ADOPT_EXIT.unusable;
    }
    // Only the existing groups are compared: network ACLs, rule groups and created groups need
    // exports of their own that adoption does not use.
    const onlyExisting: FirewallPolicy = { ...policy, targets: existing };
    const compared = compareLive(config, onlyExisting, read.exports);
    if (!compared.ok) {
      io.stderr.write(`mailgate: ${compared.message} Nothing was written.\n`);
      return ADOPT_EXIT.unusable;
    }
    for (const report of compared.report.targets) {
      const target = existing.find((t) => t.target.name === report.target) as AwsTargetPolicy;
      lines.push(...targetLines(report, stackName(target.target), imports));
    }
  }
  for (const name of created) {
    lines.push(`${name}: mailgate creates its security group, so no rule of it exists before the first apply: nothing to adopt (a group of the same name made by hand would make the apply fail; rename or delete it).`);
  }
  if (existing.length + created.length === 0) lines.push("The config has no AWS security group target: nothing to adopt.");

  const file = adoptedPath(outDir);
  const count = [...imports.values()].reduce((n, m) => n + m.size, 0);
  if (count === 0) {
    lines.push(`Nothing to adopt: ${file} was not written.`);
    io.stdout.write(`${lines.join("\n")}\n`);
    return ADOPT_EXIT.ok;
  }
  // The exports are the whole truth for every existing group (compareLive refuses a group they do
  // not hold), so the file is replaced, not merged: the same exports always write the same bytes.
  writeArtifactsAtomically(outDir, new Map([[ADOPTED_FILE, renderAdopted(imports)]]));
  lines.push(
    `${file}: ${count} rule${count === 1 ? "" : "s"} in ${imports.size} stack${imports.size === 1 ? "" : "s"} recorded for import. Commit it; the next synth writes their Terraform import blocks, and once an apply has imported them the file may be removed.`,
  );
  io.stdout.write(`${lines.join("\n")}\n`);
  return ADOPT_EXIT.ok;
}

/** One target's lines; records its adoptable rules in `imports` (stack -> address -> sgr- id). */
function targetLines(report: TargetReport, stack: string, imports: Map<string, Map<string, string>>): string[] {
  const admitters = new Map<string, Admitter>();
  for (const port of report.ports) for (const a of port.admitters) if (!admitters.has(a.id)) admitters.set(a.id, a);
  const what = (id: string) => admitters.get(id)?.what ?? "";
  const lines = [`${report.target} (${[stack, ...report.awsIds].join(", ")}):`];
  const matchedIds = new Set<string>();
  for (const m of report.matched ?? []) {
    matchedIds.add(m.ruleId);
    if (m.tagged !== undefined) {
      // Made by mailgate (apply tags every rule): some state already manages it.
      lines.push(`  already mailgate's: ${m.ruleId} (${what(m.ruleId)}) is tagged MailgateTarget=${m.tagged}; not recorded`);
      continue;
    }
    if (m.source === "prefix-list") {
      // The rule's source is a prefix list the stack itself creates: imported, it would point at
      // the list made by hand, and the first plan would replace it anyway.
      lines.push(`  not adopted: ${m.ruleId} (${what(m.ruleId)}) references a prefix list, and mailgate creates its own lists in the stack; delete the hand-made rule or keep it outside mailgate`);
      continue;
    }
    imports.set(stack, new Map([...(imports.get(stack) ?? []), [m.address, m.ruleId]]));
    lines.push(`  adopt: ${m.ruleId} (${what(m.ruleId)}) as ${m.address}`);
  }
  // Every other rule admitting a mail port: its content is no planned rule's, so importing it
  // would make Terraform change it (or the plan would not match); it is listed, never recorded.
  for (const a of [...admitters.values()].filter((x) => !matchedIds.has(x.id)).sort((x, y) => (x.id < y.id ? -1 : 1))) {
    const why =
      a.status === "exposure"
        ? "admits more than HubSpot's lists on a mail port (a broader block, another group, or all traffic)"
        : "stays inside HubSpot's lists but is no planned rule's content (another block or port range)";
    lines.push(`  not adopted: ${a.id} (${a.what}) ${why}; mailgate live reports it until it is removed`);
  }
  if (lines.length === 1) lines.push("  no rule of the group admits a mail port: nothing to adopt");
  return lines;
}

function parseOptions(args: readonly string[]): { options: { config?: string; out?: string }; files: string[] } | "help" | string {
  const parsed = readCommandArguments(args, { command: "adopt", strings: ["config", "out"] });
  if (typeof parsed === "string") return parsed;
  const twice = firstRepeated(parsed.positionals);
  if (twice !== undefined) return `${twice} given twice`;
  return { options: parsed.options, files: parsed.positionals };
}

function usageError(io: LiveIo, problem: string): number {
  io.stderr.write(`mailgate: ${problem}\nhint: mailgate adopt --help\n`);
  return ADOPT_EXIT.unusable;
}
