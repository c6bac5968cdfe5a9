import { addressCount, rangeOf, subtract, union, type AddressRange } from "../../audit/intervals";
import { Cidr } from "../../model/cidr";
import { countText, Incomplete, portState, rangesText, sortDifferences, type Admitter, type Difference, type MatchedRule, type TargetReport } from "../../live/differences";
import type { LiveExports, LivePrefixList, SgRule } from "../../live/model";
import {
  groupAddress,
  prefixListName,
  prefixListRuleAddress,
  ruleAddress,
} from "../../terraform/names";
import type { LivePart } from "../live-part";
import type { SecurityGroupTarget } from "./target";
import type { SecurityGroupPolicy } from "./plan";

interface PlannedSg {
  readonly groupId: string;
  readonly port: number;
  /** `cidr:<block>` or `pl:<id>` once resolved; undefined when mailgate's prefix list is not in AWS. */
  readonly source?: string;
  readonly address: string;
  readonly what: string;
}

function securityGroup(policy: SecurityGroupPolicy, required: ReadonlyMap<number, readonly AddressRange[]>, live: LiveExports): TargetReport {
  const { target } = policy;
  const differences: Difference[] = [];
  const notes: string[] = [];
  if (!live.kinds.has("rules")) {
    throw new Incomplete(`Firewall ${target.name} is a security group, and no file is an export of aws ec2 describe-security-group-rules: nothing can be said of its rules. mailgate live --commands prints the commands.`);
  }
  const rulesByGroup = new Map<string, SgRule[]>();
  for (const rule of live.rules) rulesByGroup.set(rule.groupId, [...(rulesByGroup.get(rule.groupId) ?? []), rule]);

  // The groups: an existing one by id; created ones by VPC and name, as AWS compares names
  // (without regard to case).
  const groupIds: (string | undefined)[] = [];
  for (const plan of policy.groups) {
    if (!target.create) {
      const id = target.securityGroupId;
      const described = live.groups.find((g) => g.id === id);
      if (!described && !rulesByGroup.has(id)) {
        throw new Incomplete(
          `Firewall ${target.name}'s security group ${id} is in no export given: neither describe-security-groups lists it nor has describe-security-group-rules a rule of it, so mailgate cannot tell an empty group from one not exported. Export it (mailgate live --commands).`,
        );
      }
      groupIds.push(id);
      continue;
    }
    if (!live.kinds.has("groups")) {
      throw new Incomplete(`Firewall ${target.name}'s groups are created by mailgate and found by VPC and name: give an export of aws ec2 describe-security-groups too (mailgate live --commands).`);
    }
    const name = plan.groupName ?? target.create.groupName;
    const found = live.groups.find((g) => g.vpcId === target.create?.vpcId && g.name.toLowerCase() === name.toLowerCase());
    if (!found) {
      differences.push({
        kind: "missing",
        id: groupAddress(target.name, plan.index),
        message: `security group ${name} in ${target.create.vpcId} (${groupAddress(target.name, plan.index)}) is not in AWS, nor its ${plan.ingress.length} planned rule${plan.ingress.length === 1 ? "" : "s"}`,
      });
    }
    groupIds.push(found?.id);
  }
  for (const id of groupIds) {
    const described = id === undefined ? undefined : live.groups.find((g) => g.id === id);
    const ingress = (id === undefined ? [] : (rulesByGroup.get(id) ?? [])).filter((r) => !r.egress);
    if (described && described.ingressPermissions > 0 && ingress.length === 0) {
      throw new Incomplete(
        `describe-security-groups shows ${described.ingressPermissions} inbound permission${described.ingressPermissions === 1 ? "" : "s"} in ${id} (firewall ${target.name}), and the describe-security-group-rules export has none of its rules: it was exported for other groups. Export the rules of ${id} too.`,
      );
    }
  }

  // What the config plans, as AWS would print it.
  const planned: PlannedSg[] = [];
  for (const [i, plan] of policy.groups.entries()) {
    const groupId = groupIds[i];
    for (const { content } of plan.ingress) {
      const port = content.port;
      if ("cidr" in content) {
        const address = ruleAddress(target.name, content);
        const what = `tcp/${port} from ${content.cidr.toString()}`;
        if (groupId === undefined) differences.push({ kind: "missing", id: address, port, message: `planned rule ${address} (${what}) is not in AWS` });
        else planned.push({ groupId, port, source: `cidr:${content.cidr.toString()}`, address, what });
        continue;
      }
      const name = prefixListName(content.prefixList);
      const address = prefixListRuleAddress(target.name, port, content.prefixList);
      const list = findPrefixList(live, name, target.region, target.account, target.name);
      const what = `tcp/${port} from prefix list ${name}${list ? ` (${list.id})` : ""}`;
      if (groupId === undefined) differences.push({ kind: "missing", id: address, port, message: `planned rule ${address} (${what}) is not in AWS` });
      else planned.push({ groupId, port, source: list ? `pl:${list.id}` : undefined, address, what });
      if (list) prefixListDrift(live, list, content.prefixList.entries, differences);
    }
  }

  const actual = groupIds.flatMap((id) => (id === undefined ? [] : (rulesByGroup.get(id) ?? []))).filter((r) => !r.egress);
  const key = (groupId: string, port: number, source: string) => `${groupId} ${port} ${source}`;
  const byKey = new Map<string, SgRule>();
  for (const rule of actual) {
    if (isTcp(rule.protocol) && rule.ports && rule.ports.from === rule.ports.to && rule.source.kind !== "group") {
      byKey.set(key(rule.groupId, rule.ports.from, rule.source.kind === "cidr" ? `cidr:${rule.source.cidr.toString()}` : `pl:${rule.source.id}`), rule);
    }
  }
  const matched = new Set<string>();
  const matches: MatchedRule[] = [];
  for (const p of planned) {
    const rule = p.source === undefined ? undefined : byKey.get(key(p.groupId, p.port, p.source));
    if (!rule) {
      differences.push({ kind: "missing", id: p.address, port: p.port, message: `planned rule ${p.address} (${p.what} in ${p.groupId}) is not in AWS` });
      continue;
    }
    matched.add(rule.id);
    const tagged = rule.tags.get("MailgateTarget");
    matches.push({ address: p.address, ruleId: rule.id, groupId: p.groupId, port: p.port, source: p.source?.startsWith("pl:") ? "prefix-list" : "cidr", ...(tagged !== undefined ? { tagged } : {}) });
    if (rule.tags.get("MailgateTarget") === undefined) {
      notes.push(`${rule.id} has the content of planned ${p.address} (${p.what}) but no MailgateTarget tag: made by hand; mailgate adopt records it for import`);
    }
  }
  for (const rule of actual) {
    const tagged = rule.tags.get("MailgateTarget");
    if (tagged !== undefined && !matched.has(rule.id)) {
      differences.push({ kind: "drift", id: rule.id, message: `${rule.id} in ${rule.groupId} is tagged MailgateTarget=${tagged}, and its content (${describeSgRule(rule)}) is no rule the config plans` });
    }
  }

  const ports = [...required].sort(([a], [b]) => a - b).map(([port, need]) => {
    const admitters: Admitter[] = [];
    const known: AddressRange[] = [];
    for (const rule of actual.filter((r) => admitsTcpPort(r, port))) {
      const what = describeSgRule(rule);
      if (rule.protocol === "-1") {
        differences.push({ kind: "exposure", id: rule.id, port, message: `${rule.id} in ${rule.groupId} allows all traffic (every protocol and port, so tcp/${port}) from ${sourceText(rule)}` });
        admitters.push({ id: rule.id, what, status: "exposure" });
        if (rule.source.kind !== "group") known.push(...sourceRanges(rule, live));
        continue;
      }
      if (rule.source.kind === "group") {
        differences.push({ kind: "exposure", id: rule.id, port, message: `${rule.id} in ${rule.groupId} admits tcp/${port} from ${sourceText(rule)}: whatever addresses that group's interfaces have, which no export of this group can tell` });
        admitters.push({ id: rule.id, what, status: "exposure" });
        continue;
      }
      const ranges = union(sourceRanges(rule, live));
      known.push(...ranges);
      const outside = subtract(ranges, need);
      if (outside.length > 0) {
        differences.push({ kind: "exposure", id: rule.id, port, message: `${rule.id} in ${rule.groupId} admits tcp/${port} from ${sourceText(rule)}: ${countText(addressCount(outside))} outside HubSpot's lists (${rangesText(outside)})` });
      }
      admitters.push({ id: rule.id, what, status: outside.length > 0 ? "exposure" : matched.has(rule.id) ? "planned" : "inside" });
    }
    return portState(port, undefined, need, known, admitters);
  });
  return {
    target: target.name,
    type: "aws-security-group",
    region: target.region,
    ...(target.account !== undefined ? { account: target.account } : {}),
    awsIds: groupIds.filter((id): id is string => id !== undefined),
    ports,
    differences: sortDifferences(differences),
    notes: [...new Set(notes)].sort(),
    matched: matches.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)),
  };
}

function findPrefixList(live: LiveExports, name: string, region: string, account: string | undefined, targetName: string): LivePrefixList | undefined {
  if (!live.kinds.has("prefixLists")) {
    throw new Incomplete(`Firewall ${targetName}'s rules reference mailgate's prefix lists (sources: prefix-lists), found by name: give an export of aws ec2 describe-managed-prefix-lists for ${region} too (mailgate live --commands).`);
  }
  // A list's name is unique only per account and region: the ARN says where it is, when printed.
  return live.prefixLists.find((p) => p.name === name && (p.region === undefined || p.region === region) && (account === undefined || p.account === undefined || p.account === account));
}

function prefixListDrift(live: LiveExports, list: LivePrefixList, planned: readonly Cidr[], differences: Difference[]): void {
  const entries = live.entries.get(list.id);
  if (!entries) return; // Only a rule that references it needs its entries; that rule says so.
  const a = entries.map((c) => c.toString()).sort();
  const b = planned.map((c) => c.toString()).sort();
  if (a.join(" ") !== b.join(" ")) {
    differences.push({ kind: "drift", id: list.id, message: `prefix list ${list.id} (${list.name}) holds ${a.join(", ") || "nothing"}; planned: ${b.join(", ")}` });
  }
}

function isTcp(protocol: string): boolean {
  return protocol === "tcp" || protocol === "6";
}

function admitsTcpPort(rule: SgRule, port: number): boolean {
  if (rule.protocol === "-1") return true;
  return isTcp(rule.protocol) && rule.ports !== undefined && rule.ports.from <= port && port <= rule.ports.to;
}

function sourceRanges(rule: SgRule, live: LiveExports): AddressRange[] {
  const { source } = rule;
  if (source.kind === "cidr") return [rangeOf(source.cidr)];
  if (source.kind === "prefix-list") {
    const entries = live.entries.get(source.id);
    if (!entries) {
      throw new Incomplete(
        `${rule.id} (group ${rule.groupId}) admits from prefix list ${source.id}, whose entries no file holds: save them with aws ec2 get-managed-prefix-list-entries --prefix-list-id ${source.id} > prefix-list-entries-${source.id}.json (the file name must hold the id) and give that file too.`,
      );
    }
    return entries.map(rangeOf);
  }
  return [];
}

function sourceText(rule: SgRule): string {
  const { source } = rule;
  if (source.kind === "cidr") return source.cidr.toString();
  if (source.kind === "prefix-list") return `prefix list ${source.id}`;
  const owner = source.userId ? ` of account ${source.userId}` : "";
  return `every interface in security group ${source.groupId}${owner}${source.peering ? ` across ${source.peering}` : ""}`;
}

function describeSgRule(rule: SgRule): string {
  const proto = rule.protocol === "-1" ? "all traffic" : rule.ports ? `${rule.protocol}/${rule.ports.from === rule.ports.to ? rule.ports.from : `${rule.ports.from}-${rule.ports.to}`}` : rule.protocol;
  return `${proto} from ${sourceText(rule)}`;
}

export const securityGroupLive: LivePart<SecurityGroupTarget, SecurityGroupPolicy> = {
  compare: securityGroup,
  exportCommands(targets, r, suffix) {
    if (targets.length === 0) return [];
    const ids = targets.flatMap((t) => (!t.create ? [t.securityGroupId] : [])).sort();
    const vpcs = [...new Set(targets.flatMap((t) => (t.create ? [t.create.vpcId] : [])))].sort();
    const lines: string[] = [];
    if (ids.length > 0) lines.push(`aws ec2 describe-security-groups ${r} --group-ids ${ids.join(" ")} > security-groups-ids-${suffix}.json`);
    if (vpcs.length > 0) lines.push(`aws ec2 describe-security-groups ${r} --filters Name=vpc-id,Values=${vpcs.join(",")} > security-groups-vpcs-${suffix}.json`);
    lines.push(`aws ec2 describe-security-group-rules ${r} > security-group-rules-${suffix}.json`);
    lines.push(`aws ec2 describe-managed-prefix-lists ${r} > prefix-lists-${suffix}.json`);
    lines.push(
      `for pl in $(jq -r '[.SecurityGroupRules[] | select(.IsEgress | not) | .PrefixListId // empty] | unique[]' security-group-rules-${suffix}.json); do aws ec2 get-managed-prefix-list-entries ${r} --prefix-list-id "$pl" > "prefix-list-entries-$pl.json"; done`,
    );
    return lines;
  },
  importable: (p) =>
    p.groups.flatMap((group) => group.ingress.map(({ content }) => ("cidr" in content ? ruleAddress(p.target.name, content) : prefixListRuleAddress(p.target.name, content.port, content.prefixList)))),
  adoption: (p) => (p.target.create ? "created" : "existing"),
};
