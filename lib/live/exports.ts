// Readers of what AWS itself says is live, saved as JSON by the AWS CLI (FACTS.md, "What AWS
// says is live"). Each file is recognised by its top-level key and checked completely: a field
// mailgate relies on that is absent or of the wrong type makes the whole input unusable (exit 2),
// because an audit that skips what it cannot read would report "exact" for rules it never saw.
// Nothing here compares: the readers only turn each format into the neutral model (model.ts).
import * as path from "node:path";
import { readConfigFile } from "../config/files";
import { Cidr, isCidr } from "../model/cidr";
import type { AclEntry, LiveExports, LivePrefixList, LiveRuleGroup, LiveSecurityGroup, SgRule, SgSource, StatefulRuleLive } from "./model";

/**
 * The largest export read, in bytes. A region-wide `describe-security-group-rules` of a large
 * account is tens of thousands of rules, a few tens of megabytes; this bounds memory for a wrong
 * file (a disk image, /dev/zero behind a link).
 */
export const MAX_EXPORT_BYTES = 64 * 1024 * 1024;

/** The kinds of export, by the AWS CLI command that prints them. */
export const EXPORT_KINDS = {
  rules: "aws ec2 describe-security-group-rules",
  groups: "aws ec2 describe-security-groups",
  acls: "aws ec2 describe-network-acls",
  prefixLists: "aws ec2 describe-managed-prefix-lists",
  entries: "aws ec2 get-managed-prefix-list-entries",
  ruleGroup: "aws network-firewall describe-rule-group",
} as const;
export type ExportKind = keyof typeof EXPORT_KINDS;

export type ExportsResult = { readonly ok: true; readonly exports: LiveExports } | { readonly ok: false; readonly message: string };

/** One file as given: where to read it, and how messages name it (as the user typed it). */
export interface ExportFile {
  readonly file: string;
  readonly shown: string;
}

/** A shape problem, thrown inside one file's reader and turned into the one paragraph. */
class ShapeError extends Error {}

const RECOGNISED =
  'expected JSON printed by one of: aws ec2 describe-security-group-rules ("SecurityGroupRules"), describe-security-groups ("SecurityGroups"), describe-network-acls ("NetworkAcls"), describe-managed-prefix-lists ("PrefixLists"), get-managed-prefix-list-entries ("Entries", saved in a file whose name holds the list\'s pl- id), or aws network-firewall describe-rule-group ("RuleGroup" and "RuleGroupResponse")';

/** A page: what one file held, and whether the AWS CLI said more follows (`NextToken`). */
interface Page {
  readonly kind: ExportKind;
  /** For entries: the prefix list; else the kind alone. */
  readonly key: string;
  readonly shown: string;
  readonly continues: boolean;
}

/** Reads and checks every file; the first unusable one is the answer. Order of files does not matter. */
export function readExports(files: readonly ExportFile[]): ExportsResult {
  const rules = new Map<string, { rule: SgRule; shown: string; text: string }>();
  const groups = new Map<string, { group: LiveSecurityGroup; shown: string; text: string }>();
  const acls = new Map<string, { acl: { id: string; vpcId?: string; entries: AclEntry[] }; shown: string; text: string }>();
  const prefixLists = new Map<string, LivePrefixList>();
  const entries = new Map<string, Cidr[]>();
  const ruleGroups: LiveRuleGroup[] = [];
  const pages: Page[] = [];
  try {
    for (const { file, shown } of files) {
      const value = readJson(file, shown);
      if (!isObject(value)) throw new ShapeError(`${shown} is not an AWS CLI export: the top level is ${describe(value)}; ${RECOGNISED}.`);
      const continues = "NextToken" in value && value.NextToken !== null && value.NextToken !== "";
      const at = (what: string) => `${shown}: ${what}`;
      if ("SecurityGroupRules" in value) {
        pages.push({ kind: "rules", key: "rules", shown, continues });
        for (const [i, raw] of list(value.SecurityGroupRules, at("SecurityGroupRules")).entries()) {
          const rule = sgRule(raw, at(`SecurityGroupRules[${i}]`));
          // The same rule in two files (overlapping exports, or a page fetched twice) is one rule;
          // two different contents under one id mean the files come from different moments.
          const text = JSON.stringify(raw);
          const seen = rules.get(rule.id);
          if (seen && seen.text !== text) throw new ShapeError(`${shown} and ${seen.shown} disagree on ${rule.id}: export every file at the same time.`);
          rules.set(rule.id, { rule, shown, text });
        }
      } else if ("SecurityGroups" in value) {
        pages.push({ kind: "groups", key: "groups", shown, continues });
        for (const [i, raw] of list(value.SecurityGroups, at("SecurityGroups")).entries()) {
          const group = securityGroup(raw, at(`SecurityGroups[${i}]`));
          const text = JSON.stringify(raw);
          const seen = groups.get(group.id);
          if (seen && seen.text !== text) throw new ShapeError(`${shown} and ${seen.shown} disagree on ${group.id}: export every file at the same time.`);
          groups.set(group.id, { group, shown, text });
        }
      } else if ("NetworkAcls" in value) {
        pages.push({ kind: "acls", key: "acls", shown, continues });
        for (const [i, raw] of list(value.NetworkAcls, at("NetworkAcls")).entries()) {
          const acl = networkAcl(raw, at(`NetworkAcls[${i}]`));
          const text = JSON.stringify(raw);
          const seen = acls.get(acl.id);
          if (seen && seen.text !== text) throw new ShapeError(`${shown} and ${seen.shown} disagree on ${acl.id}: export every file at the same time.`);
          acls.set(acl.id, { acl, shown, text });
        }
      } else if ("PrefixLists" in value) {
        pages.push({ kind: "prefixLists", key: "prefixLists", shown, continues });
        for (const [i, raw] of list(value.PrefixLists, at("PrefixLists")).entries()) {
          const pl = prefixList(raw, at(`PrefixLists[${i}]`));
          prefixLists.set(pl.id, pl);
        }
      } else if ("Entries" in value) {
        // get-managed-prefix-list-entries does not repeat the list's id: the file name carries it.
        const named = path.basename(shown).match(/pl-[0-9a-f]{8,17}/);
        if (!named) {
          throw new ShapeError(
            `${shown} holds prefix list entries ("Entries"), but the AWS CLI does not say of which list: save each list's entries in a file whose name holds its id, e.g. prefix-list-entries-pl-0123456789abcdef0.json (mailgate live --commands does).`,
          );
        }
        pages.push({ kind: "entries", key: named[0], shown, continues });
        const cidrs = list(value.Entries, at("Entries")).map((raw, i) => {
          const where = at(`Entries[${i}]`);
          if (!isObject(raw)) throw new ShapeError(`${where} is ${describe(raw)}, not an object`);
          optionalString(raw, "Description", where);
          return cidrField(raw, "Cidr", where);
        });
        entries.set(named[0], [...(entries.get(named[0]) ?? []), ...cidrs]);
      } else if ("RuleGroup" in value || "RuleGroupResponse" in value) {
        pages.push({ kind: "ruleGroup", key: shown, shown, continues: false });
        ruleGroups.push(ruleGroup(value, shown));
      } else {
        const keys = Object.keys(value).slice(0, 5);
        throw new ShapeError(`${shown} is not an AWS CLI export mailgate reads (top-level keys: ${keys.length > 0 ? keys.map((k) => `"${k}"`).join(", ") : "none"}); ${RECOGNISED}.`);
      }
    }
    checkPages(pages);
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, message: error.message };
    throw error;
  }
  const byId = <T>(m: Map<string, T>) => [...m.keys()].sort().map((k) => m.get(k) as T);
  return {
    ok: true,
    exports: {
      rules: byId(rules).map((r) => r.rule),
      groups: byId(groups).map((g) => g.group),
      acls: byId(acls).map((a) => a.acl),
      prefixLists: byId(prefixLists),
      entries: new Map([...entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, cidrs]) => [id, [...cidrs].sort(Cidr.compare)])),
      ruleGroups: [...ruleGroups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0)),
      kinds: new Set(pages.map((p) => p.kind)),
    },
  };
}

/**
 * Pagination. The AWS CLI fetches every page itself unless `--max-items` (or `--no-paginate`)
 * stops it, and then prints `NextToken`: that file is one page of a longer answer. The next page
 * (`--starting-token`) does not repeat the token, so mailgate cannot chain pages; it accepts pages
 * of one export when another file of the same export ends without `NextToken` (the last page),
 * and refuses an export all of whose files say more follows. Fetching without `--max-items`, as
 * `mailgate live --commands` prints, never makes pages.
 */
function checkPages(pages: readonly Page[]): void {
  const byKey = new Map<string, Page[]>();
  for (const page of pages) byKey.set(`${page.kind} ${page.key}`, [...(byKey.get(`${page.kind} ${page.key}`) ?? []), page]);
  for (const group of [...byKey.values()].sort((a, b) => (a[0].shown < b[0].shown ? -1 : 1))) {
    if (group.every((p) => p.continues)) {
      const names = group.map((p) => p.shown).sort();
      throw new ShapeError(
        `${names.join(", ")} ${names.length === 1 ? "has" : "all have"} "NextToken": the answer of ${EXPORT_KINDS[group[0].kind]} continues beyond ${names.length === 1 ? "it" : "them"}, and no file given holds its last page. Save the rest (--starting-token with that NextToken), or export again without --max-items so the AWS CLI fetches every page itself.`,
      );
    }
  }
}

function readJson(file: string, shown: string): unknown {
  const read = readConfigFile(file, MAX_EXPORT_BYTES);
  let text: string;
  if ("text" in read) text = read.text;
  else if (read.kind === "unreadable") throw new ShapeError(`cannot read ${shown}: ${read.reason === "ENOENT" ? "no such file" : read.reason === "EACCES" ? "permission denied" : read.reason}.`);
  else if (read.kind === "not-regular") throw new ShapeError(`cannot read ${shown}: it is ${read.what}, not a regular file; save the AWS CLI's output to a file first.`);
  else if (read.kind === "too-large") throw new ShapeError(`${shown} is ${read.size} bytes, more than the ${read.limit} bytes mailgate reads as one AWS CLI export; is it the right file?`);
  else text = read.bytes.toString("utf8");
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new ShapeError(`${shown} is empty; ${RECOGNISED}. Did the AWS CLI command fail (its error goes to stderr, not the file)?`);
  try {
    return JSON.parse(body);
  } catch (error) {
    const why = (error as Error).message.replace(/\s+/g, " ");
    throw new ShapeError(`${shown} is not JSON (${why}): truncated, or not printed with --output json? ${RECOGNISED}.`);
  }
}

// ---- describe-security-group-rules

function sgRule(raw: unknown, where: string): SgRule {
  if (!isObject(raw)) throw new ShapeError(`${where} is ${describe(raw)}, not an object`);
  const id = idField(raw, "SecurityGroupRuleId", "sgr-", where);
  const groupId = idField(raw, "GroupId", "sg-", where);
  if (typeof raw.IsEgress !== "boolean") throw new ShapeError(`${where} (${id}): "IsEgress" is ${describe(raw.IsEgress)}, not true or false`);
  const protocol = stringField(raw, "IpProtocol", `${where} (${id})`);
  const ports = portsOf(raw, protocol, "FromPort", "ToPort", `${where} (${id})`);
  const sources = ["CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo"].filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (sources.length !== 1) {
    throw new ShapeError(`${where} (${id}) has ${sources.length === 0 ? "no source" : `${sources.join(" and ")}`}: a rule has exactly one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo`);
  }
  let source: SgSource;
  const key = sources[0];
  if (key === "CidrIpv4" || key === "CidrIpv6") source = { kind: "cidr", cidr: cidrField(raw, key, `${where} (${id})`) };
  else if (key === "PrefixListId") source = { kind: "prefix-list", id: idField(raw, "PrefixListId", "pl-", `${where} (${id})`) };
  else {
    const ref = raw.ReferencedGroupInfo;
    if (!isObject(ref)) throw new ShapeError(`${where} (${id}): "ReferencedGroupInfo" is ${describe(ref)}, not an object`);
    source = {
      kind: "group",
      groupId: idField(ref, "GroupId", "sg-", `${where} (${id}).ReferencedGroupInfo`),
      ...optionalStringEntry(ref, "UserId", `${where} (${id}).ReferencedGroupInfo`, "userId"),
      ...optionalStringEntry(ref, "VpcId", `${where} (${id}).ReferencedGroupInfo`, "vpcId"),
      ...optionalStringEntry(ref, "VpcPeeringConnectionId", `${where} (${id}).ReferencedGroupInfo`, "peering"),
    };
  }
  optionalString(raw, "Description", `${where} (${id})`);
  return { id, groupId, egress: raw.IsEgress, protocol, ports, source, tags: tagsOf(raw, `${where} (${id})`) };
}

// ---- describe-security-groups

function securityGroup(raw: unknown, where: string): LiveSecurityGroup {
  if (!isObject(raw)) throw new ShapeError(`${where} is ${describe(raw)}, not an object`);
  const id = idField(raw, "GroupId", "sg-", where);
  const name = stringField(raw, "GroupName", `${where} (${id})`);
  const vpc = optionalString(raw, "VpcId", `${where} (${id})`);
  // Only counted: the rules themselves (with their ids) come from describe-security-group-rules.
  const ingress = raw.IpPermissions === undefined ? [] : list(raw.IpPermissions, `${where} (${id}).IpPermissions`);
  let permissions = 0;
  for (const [i, p] of ingress.entries()) {
    if (!isObject(p)) throw new ShapeError(`${where} (${id}).IpPermissions[${i}] is ${describe(p)}, not an object`);
    for (const k of ["IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"]) if (p[k] !== undefined) permissions += list(p[k], `${where} (${id}).IpPermissions[${i}].${k}`).length;
  }
  return { id, name, ...(vpc !== undefined ? { vpcId: vpc } : {}), ingressPermissions: permissions };
}

// ---- describe-network-acls

function networkAcl(raw: unknown, where: string): { id: string; vpcId?: string; entries: AclEntry[] } {
  if (!isObject(raw)) throw new ShapeError(`${where} is ${describe(raw)}, not an object`);
  const id = idField(raw, "NetworkAclId", "acl-", where);
  const vpcId = optionalString(raw, "VpcId", `${where} (${id})`);
  const entries = list(raw.Entries, `${where} (${id}).Entries`).map((e, i): AclEntry => {
    const at = `${where} (${id}).Entries[${i}]`;
    if (!isObject(e)) throw new ShapeError(`${at} is ${describe(e)}, not an object`);
    const ruleNumber = e.RuleNumber;
    if (!Number.isInteger(ruleNumber) || (ruleNumber as number) < 1 || (ruleNumber as number) > 32767) {
      throw new ShapeError(`${at}: "RuleNumber" is ${describe(ruleNumber)}, not a whole number 1-32767`);
    }
    const action = e.RuleAction;
    if (action !== "allow" && action !== "deny") throw new ShapeError(`${at}: "RuleAction" is ${describe(action)}, not "allow" or "deny"`);
    if (typeof e.Egress !== "boolean") throw new ShapeError(`${at}: "Egress" is ${describe(e.Egress)}, not true or false`);
    const protocol = stringField(e, "Protocol", at);
    const hasV4 = e.CidrBlock !== undefined;
    if (hasV4 === (e.Ipv6CidrBlock !== undefined)) throw new ShapeError(`${at} has ${hasV4 ? "both CidrBlock and Ipv6CidrBlock" : "neither CidrBlock nor Ipv6CidrBlock"}`);
    const cidr = cidrField(e, hasV4 ? "CidrBlock" : "Ipv6CidrBlock", at);
    let ports: { from: number; to: number } | undefined;
    if (e.PortRange !== undefined) {
      if (!isObject(e.PortRange)) throw new ShapeError(`${at}: "PortRange" is ${describe(e.PortRange)}, not an object`);
      const from = port(e.PortRange.From, `${at}.PortRange.From`);
      const to = port(e.PortRange.To, `${at}.PortRange.To`);
      if (from > to) throw new ShapeError(`${at}: PortRange From ${from} is above To ${to}`);
      ports = { from, to };
    }
    return { ruleNumber: ruleNumber as number, egress: e.Egress, action, protocol, cidr, ...(ports ? { ports } : {}) };
  });
  return { id, ...(vpcId !== undefined ? { vpcId } : {}), entries };
}

// ---- describe-managed-prefix-lists

function prefixList(raw: unknown, where: string): LivePrefixList {
  if (!isObject(raw)) throw new ShapeError(`${where} is ${describe(raw)}, not an object`);
  const id = idField(raw, "PrefixListId", "pl-", where);
  const name = stringField(raw, "PrefixListName", `${where} (${id})`);
  const arn = optionalString(raw, "PrefixListArn", `${where} (${id})`);
  const owner = optionalString(raw, "OwnerId", `${where} (${id})`);
  return { id, name, ...regionAccountOf(arn), ...(owner !== undefined ? { account: owner } : {}) };
}

// ---- network-firewall describe-rule-group

function ruleGroup(value: Record<string, unknown>, shown: string): LiveRuleGroup {
  const response = value.RuleGroupResponse;
  if (!isObject(response)) throw new ShapeError(`${shown}: "RuleGroupResponse" is ${describe(response)}, not an object (aws network-firewall describe-rule-group prints both "RuleGroup" and "RuleGroupResponse")`);
  const name = stringField(response, "RuleGroupName", `${shown}: RuleGroupResponse`);
  const arn = stringField(response, "RuleGroupArn", `${shown}: RuleGroupResponse`);
  const group = value.RuleGroup;
  if (!isObject(group)) throw new ShapeError(`${shown}: "RuleGroup" is ${describe(group)}, not an object`);
  const source = group.RulesSource;
  if (!isObject(source)) throw new ShapeError(`${shown}: "RuleGroup.RulesSource" is ${describe(source)}, not an object`);
  // Rules mailgate cannot read as 5-tuples are kept by kind: the comparison names them as
  // admitting it cannot say whom, never skips them.
  const unreadable = ["RulesString", "RulesSourceList", "StatelessRulesAndCustomActions"].filter((k) => source[k] !== undefined && source[k] !== null);
  const rules = source.StatefulRules === undefined ? [] : list(source.StatefulRules, `${shown}: RuleGroup.RulesSource.StatefulRules`);
  const stateful = rules.map((r, i): StatefulRuleLive => {
    const at = `${shown}: RuleGroup.RulesSource.StatefulRules[${i}]`;
    if (!isObject(r)) throw new ShapeError(`${at} is ${describe(r)}, not an object`);
    const action = stringField(r, "Action", at);
    const header = r.Header;
    if (!isObject(header)) throw new ShapeError(`${at}: "Header" is ${describe(header)}, not an object`);
    const h = (k: string) => stringField(header, k, `${at}.Header`);
    let sid: string | undefined;
    if (r.RuleOptions !== undefined) {
      for (const [j, o] of list(r.RuleOptions, `${at}.RuleOptions`).entries()) {
        if (!isObject(o)) throw new ShapeError(`${at}.RuleOptions[${j}] is ${describe(o)}, not an object`);
        if (o.Keyword === "sid" && o.Settings !== undefined) sid = list(o.Settings, `${at}.RuleOptions[${j}].Settings`).map(String).join(",");
      }
    }
    return {
      index: i,
      action,
      protocol: h("Protocol"),
      source: h("Source"),
      sourcePort: h("SourcePort"),
      direction: h("Direction"),
      destination: h("Destination"),
      destinationPort: h("DestinationPort"),
      ...(sid !== undefined ? { sid } : {}),
    };
  });
  return { name, arn, ...regionAccountOf(arn), rules: stateful, unreadable };
}

// ---- fields

function portsOf(raw: Record<string, unknown>, protocol: string, fromKey: string, toKey: string, where: string): { from: number; to: number } | undefined {
  const from = raw[fromKey];
  const to = raw[toKey];
  if (protocol === "-1") return undefined;
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new ShapeError(`${where}: "${fromKey}"/"${toKey}" are ${describe(from)}/${describe(to)}, not whole numbers`);
  // ICMP puts type and code in these fields, -1 meaning all; only TCP's are ports.
  if (protocol !== "tcp" && protocol !== "6") return { from: from as number, to: to as number };
  const f = port(from, `${where}.${fromKey}`);
  const t = port(to, `${where}.${toKey}`);
  if (f > t) throw new ShapeError(`${where}: ${fromKey} ${f} is above ${toKey} ${t}`);
  return { from: f, to: t };
}

function port(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) throw new ShapeError(`${where} is ${describe(value)}, not a port 0-65535`);
  return value as number;
}

function cidrField(raw: Record<string, unknown>, key: string, where: string): Cidr {
  const text = raw[key];
  if (typeof text !== "string") throw new ShapeError(`${where}: "${key}" is ${describe(text)}, not a string`);
  if (!text.includes("/")) throw new ShapeError(`${where}: "${key}" "${text}" has no prefix length; AWS prints blocks as address/length`);
  const parsed = Cidr.parse(text);
  if (isCidr(parsed)) return parsed;
  // AWS admits the whole block whatever bits follow the prefix: read it as that block.
  if (parsed.kind === "host-bits") return Cidr.of(parsed.canonical);
  throw new ShapeError(`${where}: "${key}" "${text}" is not an IPv4 or IPv6 block`);
}

function idField(raw: Record<string, unknown>, key: string, prefix: string, where: string): string {
  const value = raw[key];
  if (typeof value !== "string" || !new RegExp(`^${prefix}[0-9a-f]{8,17}$`).test(value)) {
    throw new ShapeError(`${where}: "${key}" is ${describe(value)}, not an id like ${prefix}0123456789abcdef0`);
  }
  return value;
}

function stringField(raw: Record<string, unknown>, key: string, where: string): string {
  const value = raw[key];
  if (typeof value !== "string" || value === "") throw new ShapeError(`${where}: "${key}" is ${describe(value)}, not a non-empty string`);
  return value;
}

function optionalString(raw: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ShapeError(`${where}: "${key}" is ${describe(value)}, not a string`);
  return value;
}

function optionalStringEntry<K extends string>(raw: Record<string, unknown>, key: string, where: string, as: K): Partial<Record<K, string>> {
  const value = optionalString(raw, key, where);
  return value === undefined ? {} : ({ [as]: value } as Record<K, string>);
}

function tagsOf(raw: Record<string, unknown>, where: string): ReadonlyMap<string, string> {
  if (raw.Tags === undefined || raw.Tags === null) return new Map();
  return new Map(
    list(raw.Tags, `${where}.Tags`).map((t, i) => {
      if (!isObject(t) || typeof t.Key !== "string" || typeof t.Value !== "string") throw new ShapeError(`${where}.Tags[${i}] is not {"Key": string, "Value": string}`);
      return [t.Key, t.Value] as const;
    }),
  );
}

/** `arn:aws:ec2:us-east-1:123456789012:prefix-list/pl-...` -> its region and account. */
function regionAccountOf(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(":") ?? [];
  if (parts.length < 6 || parts[0] !== "arn") return {};
  return { ...(parts[3] ? { region: parts[3] } : {}), ...(parts[4] ? { account: parts[4] } : {}) };
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${where} is ${describe(value)}, not a list`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "absent";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.length > 40 ? `the string "${value.slice(0, 40)}..."` : `the string "${value}"`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
