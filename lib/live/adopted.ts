// `<artifacts>/adopted.json`: the rules made by hand that `mailgate adopt` found in AWS with a
// planned rule's content, by stack and Terraform address, with their `sgr-` ids. `mailgate adopt`
// writes it; synth reads it (strictly, like placements.json) and turns each entry into a
// Terraform `import` block, so the first apply imports those rules instead of creating them
// (AWS refuses a second rule with the same content: InvalidPermission.Duplicate). Synth never
// rewrites it and `check` does not compare it (it is the team's input, not a rendering of the
// config; `validate` and `check` do read it, as synth does, to report a damaged file early), so
// it keeps its bytes until `adopt` runs again or the team deletes it after the first apply.
import * as path from "node:path";
import type { Diagnostic } from "../config/diagnostic";
import { readConfigFile } from "../config/files";
import { messages } from "../config/messages";
import { stackName } from "../model/stack";
import { isAwsPolicy, type FirewallPolicy } from "../policy/firewall-policy";
import { importableRules } from "../kinds/lives";

import { ADOPTED_FILE } from "./adopted-file";

export { ADOPTED_FILE };

/** Stack -> Terraform address -> `sgr-` id. */
export type Adopted = ReadonlyMap<string, ReadonlyMap<string, string>>;

export const NO_ADOPTED: Adopted = new Map();

/**
 * Hand-made rules of a real account are a few hundred at most (AWS's 1,000 rules per group); 4 MiB
 * holds tens of thousands of entries and reads in milliseconds, so no file can stall a synth.
 */
export const ADOPTED_MAX_BYTES = 4 * 1024 * 1024;

const HEADER =
  "Written by mailgate adopt: rules made by hand in AWS with a planned rule's content, imported by the next apply instead of created (Terraform import blocks). Commit it; once an apply has imported them, it may be removed.";

const ADDRESS = /^aws_vpc_security_group_ingress_rule\.[A-Za-z0-9_-]{1,255}$/;
const RULE_ID = /^sgr-[0-9a-f]{8,17}$/;
const STACK = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

/** Deterministic bytes: keys sorted at every level, two-space indentation, a final newline. */
export function renderAdopted(adopted: Adopted): string {
  const sorted = <T>(m: ReadonlyMap<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const imports = Object.fromEntries(sorted(adopted).map(([stack, byAddress]) => [stack, Object.fromEntries(sorted(byAddress))]));
  return `${JSON.stringify({ generated: HEADER, schemaVersion: 1, imports }, null, 2)}\n`;
}

/** The file's entries, or why it is refused (everything checked: an entry mailgate cannot read is never guessed). */
export function parseAdopted(text: string): { readonly adopted: Adopted } | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `it is not JSON (${(error as Error).message.replace(/\s+/g, " ")})` };
  }
  if (!isObject(value)) return { error: "its top level is not an object" };
  const unknown = Object.keys(value).filter((k) => !["generated", "schemaVersion", "imports"].includes(k));
  if (unknown.length > 0) return { error: `it has keys mailgate does not write (${unknown.map((k) => JSON.stringify(k)).join(", ")})` };
  if (typeof value.generated !== "string") return { error: '"generated" is not a string' };
  if (value.schemaVersion !== 1) return { error: `"schemaVersion" is ${JSON.stringify(value.schemaVersion) ?? "absent"}; this mailgate reads version 1` };
  if (!isObject(value.imports)) return { error: '"imports" is not an object of stacks' };
  const adopted = new Map<string, Map<string, string>>();
  const seen = new Map<string, string>();
  for (const [stack, byAddress] of Object.entries(value.imports)) {
    if (!STACK.test(stack)) return { error: `"imports" has ${JSON.stringify(stack)}, not a stack name` };
    if (!isObject(byAddress)) return { error: `"imports"."${stack}" is not an object of Terraform addresses` };
    const entries = new Map<string, string>();
    for (const [address, id] of Object.entries(byAddress)) {
      if (!ADDRESS.test(address)) return { error: `"imports"."${stack}" has ${JSON.stringify(address)}, not the address of an aws_vpc_security_group_ingress_rule` };
      if (typeof id !== "string" || !RULE_ID.test(id)) return { error: `"imports"."${stack}"."${address}" is ${JSON.stringify(id)}, not a rule id like sgr-0123456789abcdef0` };
      // One AWS rule imported at two addresses would be managed twice: the second apply would
      // fight the first, and a destroy of one would remove the other's rule.
      const other = seen.get(id);
      if (other !== undefined) return { error: `${id} is recorded for both ${other} and ${stack} ${address}` };
      seen.set(id, `${stack} ${address}`);
      entries.set(address, id);
    }
    adopted.set(stack, entries);
  }
  return { adopted };
}

/** `<outDir>/adopted.json`, as shown in messages. */
export function adoptedPath(outDir: string): string {
  return path.join(outDir, ADOPTED_FILE).split(path.sep).join("/");
}

/**
 * What synth imports: `<outDir>/adopted.json`'s entries that `policy` still plans, by stack. Absent
 * file: nothing (the usual case). A damaged file is an error (ADOPTED_UNREADABLE, exit 1, nothing
 * written), as for placements.json: synthesizing without it would bring back the duplicate-rule
 * failure it exists to prevent. An entry whose address the config no longer plans is dropped
 * with a warning (ADOPTED_NOT_PLANNED), not refused: Terraform refuses an import into an address
 * the configuration does not declare, and the rule it names is simply left alone in AWS; refusing
 * would stop every synth after a config change until someone edits a file that is harmless once
 * applied.
 */
export function readAdopted(outDir: string, policy: FirewallPolicy): { readonly adopted: Adopted; readonly diagnostics: readonly Diagnostic[] } | { readonly error: Diagnostic } {
  const file = adoptedPath(outDir);
  const at = { file, line: 1, column: 1 };
  const read = readConfigFile(path.join(outDir, ADOPTED_FILE), ADOPTED_MAX_BYTES);
  if (!("text" in read)) {
    if (read.kind === "unreadable" && (read.reason === "ENOENT" || read.reason === "ENOTDIR")) return { adopted: NO_ADOPTED, diagnostics: [] };
    const reason =
      read.kind === "unreadable"
        ? `it cannot be opened (${read.reason})`
        : read.kind === "not-regular"
          ? `it is ${read.what}, not a regular file`
          : read.kind === "too-large"
            ? `it is ${read.size} bytes, over the limit of ${read.limit}`
            : "it is not UTF-8 text";
    return { error: { ...messages.adoptedUnreadable(file, reason), position: at } };
  }
  const parsed = parseAdopted(read.text);
  if ("error" in parsed) return { error: { ...messages.adoptedUnreadable(file, parsed.error), position: at } };
  const planned = plannedRuleAddresses(policy);
  const adopted = new Map<string, Map<string, string>>();
  const diagnostics: Diagnostic[] = [];
  for (const [stack, byAddress] of parsed.adopted) {
    for (const [address, id] of byAddress) {
      if (planned.get(stack)?.has(address)) adopted.set(stack, new Map([...(adopted.get(stack) ?? []), [address, id]]));
      else diagnostics.push({ ...messages.adoptedNotPlanned(file, stack, address, id), position: at });
    }
  }
  return { adopted, diagnostics };
}

/** Stack -> the addresses of every security group ingress rule `policy` plans in it. */
export function plannedRuleAddresses(policy: FirewallPolicy): Map<string, Set<string>> {
  const byStack = new Map<string, Set<string>>();
  for (const t of policy.targets) {
    const importable = importableRules(t);
    if (importable.length === 0 || !isAwsPolicy(t)) continue;
    const stack = stackName(t.target);
    byStack.set(stack, new Set([...(byStack.get(stack) ?? []), ...importable]));
  }
  return byStack;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
