// Validation as every command sees it: the loader's checks, then the checks that need the
// policy's counts (quotas, rule numbers, capacity). Pure and cdktf-free, so `validate` stays fast.
import * as fs from "node:fs";
import * as path from "node:path";
import { prefixListName } from "./terraform/names";
import { compareDiagnostics, hasErrors, type Diagnostic, type SourcePosition } from "./config/diagnostic";
import { emptyFileWarnings } from "./config/empty-files";
import { readConfigFile, type ReadProblem } from "./config/files";
import { loadConfig } from "./config/load";
import { messages, type Problem } from "./config/messages";
import type { Config, FirewallTarget } from "./model/config";
import { FAMILY_LABEL } from "./model/labels";
import type { FirewallPolicy } from "./policy/firewall-policy";
import { NO_PLACEMENTS, parsePlacements, PLACEMENTS_FILE, renderPlacements, topLevelKeyPosition, type Placements } from "./policy/placements";
import { planConfig } from "./policy/plan-config";
import type { ApplyProblem, LifecycleProblem, LimitProblem, PolicyProblem } from "./policy/problems";
import { MAX_STATEFUL_CAPACITY } from "./policy/quota";
import { PREFIX_LIST_ENTRIES_PER_REQUEST } from "./policy/prefix-lists";

export interface ValidationResult {
  /** Present if and only if there are no error-severity diagnostics. */
  readonly config?: Config;
  /** The policy of a valid config. */
  readonly policy?: FirewallPolicy;
  /** With a valid config: the placements after it (what synth writes to `placements.json`). */
  readonly placements?: Placements;
  /**
   * The policy of the expand phase (MAILGATE_PHASE=expand): `policy` plus the rules leaving
   * targets that stay, so its apply only creates and updates (lib/policy/leaving.ts). The same
   * object as `policy` when nothing leaves.
   */
  readonly expand?: FirewallPolicy;
  /** The artifacts directory's placements as the last synth wrote them (none: a first synth). */
  readonly previous?: Placements;
  /** Every problem, sorted with `compareDiagnostics`. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface ValidateOptions {
  /**
   * The artifacts directory, whose `placements.json` says where the last synth placed stacks,
   * groups and rule numbers. Without it, everything is placed afresh (a config never applied).
   */
  readonly outDir?: string;
  /**
   * The config and artifacts directories as the user named them, when `configDir` and `outDir`
   * are copies elsewhere (a git ref's, in temporary directories): placements.json records its
   * config directory relative to its artifacts directory, and that is what is compared.
   * @default configDir and outDir
   */
  readonly named?: { readonly configDir: string; readonly outDir: string };
  /** `CI=true` adds the warning that CI plans need remote state. @default no CI */
  readonly env?: NodeJS.ProcessEnv;
}

/** Loads and validates `configDir` completely; never throws for a config problem. */
export function validateConfig(configDir: string, options: ValidateOptions = {}): ValidationResult {
  const loaded = loadConfig(configDir);
  const previous = options.outDir === undefined ? NO_PLACEMENTS : readPlacements(options.outDir, options.named ?? { configDir, outDir: options.outDir });
  const found = [...loaded.diagnostics, ...emptyFileWarnings(configDir)];
  const diagnostics = "error" in previous ? [...found, previous.error] : found;
  if (!loaded.config || "error" in previous) return { diagnostics: [...diagnostics].sort(compareDiagnostics) };
  return { ...withLimits(loaded.config, diagnostics, { previous, placementsFile: placementsPath(options.outDir ?? "."), env: options.env }), previous };
}

/**
 * The policy of an already loaded config, and what AWS would refuse in it, as diagnostics:
 * quotas, and what the change from `previous` placements would break.
 */
export function withLimits(
  config: Config,
  diagnostics: readonly Diagnostic[] = [],
  options: { readonly previous?: Placements; readonly placementsFile?: string; readonly env?: NodeJS.ProcessEnv } = {},
): ValidationResult {
  const previous = options.previous ?? NO_PLACEMENTS;
  const { policy, placements, expand, problems } = planConfig(config, previous);
  const placementsFile = options.placementsFile ?? PLACEMENTS_FILE;
  const found = problems.map(policyDiagnostics(placements, previous, placementsFile));
  const all = [...diagnostics, ...found, ...ciDiagnostics(config, policy, options.env)].sort(compareDiagnostics);
  if (hasErrors(all)) return { diagnostics: all };
  return { config, policy, placements, expand, diagnostics: all };
}

/** `<outDir>/placements.json`, as shown in messages. */
export function placementsPath(outDir: string): string {
  return path.join(outDir, PLACEMENTS_FILE).split(path.sep).join("/");
}

/**
 * The largest placements.json read. Real ones are small: the bench's largest config (10,000
 * domains on 200 security groups) writes 0.18 MB, and AWS's own limits keep a target's entry
 * under ~0.1 MB (1,000 rules per group set and family) unless it is a Network Firewall at full
 * capacity (30,000 sids, ~1.8 MB). 16 MiB holds 90 times the bench's file, and reading,
 * checking and refusing a damaged one of that size takes under half a second here (64 MiB took
 * 1.4-2.6 s), so no file can stall a command.
 */
export const PLACEMENTS_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The last synth's placements, with `config` set to `named.configDir` as seen from
 * `named.outDir`; none when the file is absent (a first synth). Read like a config file
 * (lib/config/files.ts): only a regular file, opened without blocking, its size checked before
 * reading and the read bounded, so a FIFO or a device fails at once. A symlink is followed only
 * to a file inside the artifacts directory: a parse error quotes the text, and a link to a
 * secret must not end up in a CI log.
 */
function readPlacements(outDir: string, named: { readonly configDir: string; readonly outDir: string }): Placements | { error: Diagnostic } {
  const file = placementsPath(outDir);
  const refused = (reason: string, line = 1, column = 1) => ({ error: { ...messages.placementsUnreadable(file, reason), position: { file, line, column } } });
  const onDisk = path.join(outDir, PLACEMENTS_FILE);
  const link = linkProblem(onDisk, outDir);
  if (link !== undefined) return refused(link);
  const read = readConfigFile(onDisk, PLACEMENTS_MAX_BYTES);
  if ("kind" in read) {
    if (read.kind === "unreadable" && (read.reason === "ENOENT" || read.reason === "ENOTDIR")) return { ...NO_PLACEMENTS, config: recordedConfig(named) };
    return refused(readProblemReason(read));
  }
  const parsed = parsePlacements(read.text);
  if ("error" in parsed) return refused(parsed.error, parsed.line, parsed.column);
  const expected = recordedConfig(named);
  if (parsed.config !== undefined && normalisedRecord(parsed.config) !== expected) {
    const recorded = normalisedRecord(parsed.config);
    const owner = path.posix.isAbsolute(recorded) ? recorded : path.posix.normalize(path.posix.join(slashes(named.outDir), recorded));
    const position = topLevelKeyPosition(read.text, "config") ?? { line: 1, column: 1 };
    return { error: { ...messages.placementsOtherConfig(file, owner, slashes(named.configDir), expected), position: { file, ...position } } };
  }
  // A file of an earlier version has no `config`: it gets one with the next synth.
  return { ...parsed, config: expected };
}

/**
 * The config directory as placements.json records it: relative to the artifacts directory, with
 * `/`, so the same layout reads the same on every machine (`../config` for `config/` and
 * `generated/`), never an absolute path.
 */
function recordedConfig(named: { readonly configDir: string; readonly outDir: string }): string {
  return slashes(path.relative(path.resolve(named.outDir), path.resolve(named.configDir))) || ".";
}

/** A recorded path as `recordedConfig` writes it, whatever slashes or `./` a hand edit used. */
function normalisedRecord(recorded: string): string {
  return path.posix.normalize(recorded.replace(/\\/g, "/")).replace(/(.)\/$/, "$1");
}

function slashes(p: string): string {
  return p.split(path.sep).join("/");
}

/** Why a symlinked placements.json is not followed; undefined for a plain file, or none. */
function linkProblem(file: string, outDir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isSymbolicLink()) return undefined;
  const target = fs.readlinkSync(file);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    // Not "absent": a link where placements were kept must not read as a first synth.
    return `it is a symbolic link to ${target}, which does not exist`;
  }
  const inside = path.relative(fs.realpathSync(outDir), real);
  if (inside.startsWith("..") || path.isAbsolute(inside)) return `it is a symbolic link to ${target}, outside ${slashes(outDir)}; mailgate reads placements only from inside the artifacts directory`;
  return undefined;
}

function readProblemReason(problem: ReadProblem): string {
  switch (problem.kind) {
    case "unreadable":
      return `it cannot be opened (${problem.reason})`;
    case "not-regular":
      return `it is ${problem.what}, not a regular file`;
    case "too-large":
      return `it is ${problem.size} bytes, over the limit of ${problem.limit} (a synth writes well under 1 MB)`;
    case "binary":
    case "utf16":
    case "not-utf8":
      return "it is not UTF-8 text";
  }
}

/**
 * The one place the policy's problems become diagnostics: each at the firewall's name in the
 * YAML, or, for what no YAML line says (an emptied stack, a removed target), at its entry in the
 * placements file (rendered once, however many problems point into it).
 */
function policyDiagnostics(placements: Placements, previous: Placements, placementsFile: string): (p: PolicyProblem) => Diagnostic {
  const rendered = new Map<Placements, string[]>();
  const linesOf = (of: Placements) => rendered.get(of) ?? rendered.set(of, renderPlacements(of).split("\n")).get(of) ?? [];
  return (p) => {
    switch (p.from) {
      case "limit":
        return limitDiagnostic(p.problem);
      case "lifecycle":
        return lifecycleDiagnostic(p.problem, () => linesOf(placements), placementsFile);
      case "apply":
        return applyDiagnostic(p.problem, () => linesOf(previous), placementsFile);
    }
  };
}

function lifecycleDiagnostic(p: LifecycleProblem, placements: () => readonly string[], placementsFile: string): Diagnostic {
  switch (p.kind) {
    case "stack-move":
      return at(p.target, messages.stackMove(p.target.name, p.from, p.to));
    case "stack-changed":
      return at(p.target, messages.stackChanged(p.target.name, p.stack, p.field, p.was, p.now));
    case "new-group":
      return at(p.target, messages.newSecurityGroup(p.target.name, p.groupName, p.index));
    case "prefix-list-growth":
      return at(p.target, messages.prefixListGrowth(p.target.name, prefixListName(p.prefixList), p.was, p.prefixList.maxEntries, p.allowed));
    case "empty-stack":
      // No YAML line says "this stack": point at its entry in the placements file synth writes.
      return { ...messages.emptyStack(p.stack), position: stackLine(placements(), p.stack, placementsFile) };
    case "rule-order-changed":
      return at(p.target, messages.ruleOrderChanged(p.target.name, p.was, p.now, p.inferred));
    case "rule-group-replaced":
      // Refused unless the target says, for this apply, that no firewall policy references the group.
      return at(
        p.target,
        p.target.replaceRuleGroup
          ? messages.ruleGroupReplaced(p.target.name, p.target.ruleGroupName, p.was, p.now, p.rules)
          : messages.ruleGroupReplacementRefused(p.target.name, p.target.ruleGroupName, p.was, p.now, p.rules),
      );
    case "replacement-not-needed":
      return at(p.target, messages.replaceRuleGroupNotNeeded(p.target.name));
  }
}

function applyDiagnostic(p: ApplyProblem, previous: () => readonly string[], placementsFile: string): Diagnostic {
  switch (p.kind) {
    case "identity-changed":
      return at(p.target, messages.targetIdentityChanged(p.target.name, p.what, p.was, p.now, p.why));
    case "rename-unconfirmed":
      return at(p.target, messages.renameUnconfirmed(p.target.name, p.was, p.what));
    case "target-removed":
      if (p.target) return at(p.target, messages.targetRemoved(p.name, p.stack, p.destroyed, p.detach, true));
      // A removed target has no line in the YAML: point at its entry in the last placements.
      return { ...messages.targetRemoved(p.name, p.stack, p.destroyed, p.detach), position: entryLine(previous(), "targets", p.name, placementsFile) };
    case "apply-peak":
      return at(p.target, messages.applyPeakOverQuota(p.target.name, p.where, p.peak, p.after, p.allowed, p.leaving));
    case "two-phase":
      return at(p.target, messages.twoPhaseApply(p.target.name, p.stack, p.leaving, p.created));
  }
}

function entryLine(lines: readonly string[], section: "stacks" | "targets", name: string, file: string): SourcePosition {
  const start = lines.indexOf(`  ${JSON.stringify(section)}: {`);
  const index = lines.findIndex((line, i) => i > start && line === `    ${JSON.stringify(name)}: {`);
  return { file, line: index + 1, column: 5 };
}

function stackLine(lines: readonly string[], stack: string, file: string): SourcePosition {
  const index = lines.findIndex((line) => line === `    ${JSON.stringify(stack)}: {`);
  return { file, line: index + 1, column: 5 };
}

/** CI plans against local state start empty every time: say so where the stacks come from. */
function ciDiagnostics(config: Config, policy: FirewallPolicy, env: NodeJS.ProcessEnv | undefined): Diagnostic[] {
  if (env?.CI !== "true" || (config.terraform && config.terraform.backend.kind !== "local")) return [];
  const first = policy.targets[0];
  return first ? [at(first.target, messages.noRemoteState())] : [];
}

/** A quota problem as a diagnostic at the firewall's name in the YAML. */
export function limitDiagnostic(problem: LimitProblem): Diagnostic {
  return at(problem.target, limitProblem(problem));
}

function limitProblem(p: LimitProblem): Problem {
  switch (p.kind) {
    case "security-group-quota":
      return messages.securityGroupOverQuota({
        target: p.target.name,
        securityGroupId: p.target.securityGroupId,
        family: FAMILY_LABEL[p.family],
        needed: p.needed,
        allowed: p.allowed,
        cidrRules: p.cidrRules,
        prefixListRules: p.prefixListRules.map((u) => ({ name: prefixListName(u.prefixList), rules: u.rules, weight: u.prefixList.maxEntries })),
        cidrAlternative: p.cidrAlternative,
      });
    case "rule-heavier-than-quota":
      return messages.ruleHeavierThanQuota(p.target.name, p.port, prefixListName(p.prefixList), p.prefixList.maxEntries, p.allowed);
    case "network-acl-quota":
      return messages.networkAclOverQuota(p.target.name, p.target.networkAclId, p.direction, FAMILY_LABEL[p.family], p.needed, p.maxRules);
    case "network-acl-numbers":
      return messages.networkAclRuleNumbers(p.target.name, p.direction, p.needed, p.target.ruleNumbers.from, p.target.ruleNumbers.to);
    case "capacity":
      return messages.ruleGroupCapacity(p.target.name, p.target.ruleGroupName, p.rules, p.given ? p.capacity : MAX_STATEFUL_CAPACITY, p.given);
    case "prefix-list-too-large": {
      const label = p.prefixList.lists.map((l) => l.toUpperCase()).join("+");
      return messages.prefixListTooLarge(label, FAMILY_LABEL[p.prefixList.family], p.prefixList.entries.length, PREFIX_LIST_ENTRIES_PER_REQUEST);
    }
    case "split-name-too-long":
      return messages.splitGroupNameTooLong(p.target.name, p.groupName, p.groups);
    case "split-name-taken":
      return messages.splitGroupNameTaken(p.target.name, p.groupName, p.vpcId, p.target.region, p.otherTarget);
    case "allowlist-too-large":
      return messages.allowlistTooLarge(p.target.name, p.file, p.entries, p.allowed);
    case "nft-family-mismatch":
      return messages.nftFamilyMismatch(p.target.name, `${p.target.table.family} ${p.target.table.name}`, p.family);
    case "too-many-groups":
      return messages.tooManySecurityGroups(p.target.name, p.groups, p.limit, p.maxRules);
    case "nothing-admitted": {
      const lists = [...new Set(p.unserved.map((u) => u.list))].sort();
      return messages.nothingAdmitted({
        target: p.target.name,
        holder: p.chain !== undefined ? { chain: p.chain } : {},
        domains: [...new Set(p.unserved.map((u) => u.domain))].sort(),
        lists: lists.map((list) => ({ list, ports: [...new Set(p.unserved.filter((u) => u.list === list).map((u) => u.port))].sort((a, b) => a - b) })),
        listFamilies: p.listFamilies,
        destinationFamilies: [...new Set(p.target.destinations.map((d) => d.family))].sort(),
      });
    }
  }
}

/** Configs built in code have no positions; their diagnostics point at the target by name. */
function at(target: FirewallTarget, problem: Problem): Diagnostic {
  const position = target.position ?? { file: `(firewall ${target.name})`, line: 1, column: 1 };
  const { excerpt, ...where } = position;
  return { ...problem, position: where, ...(excerpt ? { excerpt } : {}) };
}
