// One comparison for every export format: what AWS says is open (model.ts) against what the
// config needs (the audit's `requiredAccessOf`, worked out without the policy code), in the
// audit's own interval arithmetic (lib/audit/intervals.ts). The policy is read only for what it
// names: which planned rule is missing, which rule numbers and groups are mailgate's.
import { rangeOf, subtract, union, addressCount, formatRange, type AddressRange } from "../audit/intervals";
import { requiredAccessOf } from "../audit/required";
import { Cidr, isCidr } from "../model/cidr";
import type { Config } from "../model/config";
import type { FirewallPolicy, NetworkAclPolicy, NetworkFirewallPolicy, SecurityGroupPolicy } from "../policy/firewall-policy";
import { isAwsPolicy } from "../policy/firewall-policy";
import {
  groupAddress,
  networkAclInboundAddress,
  networkAclReturnAddress,
  prefixListName,
  prefixListRuleAddress,
  ruleAddress,
  ruleGroupAddress,
} from "../terraform/names";
import type { AclEntry, LiveExports, LivePrefixList, SgRule, StatefulRuleLive } from "./model";

export type DifferenceKind = "missing" | "exposure" | "drift";

/** One difference, named by the AWS id that causes it (or, for what is missing, the planned rule). */
export interface Difference {
  readonly kind: DifferenceKind;
  /** `sgr-...`, `acl-... rule 120`, `pl-...`, `sid 1234567`, or a Terraform address when missing. */
  readonly id: string;
  /** The mail port it concerns, when it concerns one. */
  readonly port?: number;
  readonly message: string;
}

/** One rule that admits TCP on a mail port, and what the audit makes of it. */
export interface Admitter {
  readonly id: string;
  /** What it is, as AWS says: `tcp/993 from 0.0.0.0/0`, `all traffic from sg-...`. */
  readonly what: string;
  /** `planned` (a rule the config plans), `inside` (inside HubSpot's lists, not planned), `exposure`. */
  readonly status: "planned" | "inside" | "exposure";
}

/** One mail port of a target (and, for a Network Firewall, one destination). */
export interface PortState {
  readonly port: number;
  readonly destination?: string;
  readonly required: bigint;
  /** Addresses known to be admitted (a referenced group's are unknown and not counted). */
  readonly admitted: bigint;
  /** Admitted addresses outside HubSpot's lists, as ranges. */
  readonly outside: readonly string[];
  /** Required addresses AWS does not admit. */
  readonly notAdmitted: readonly string[];
  readonly exact: boolean;
  readonly admitters: readonly Admitter[];
}

export interface TargetReport {
  readonly target: string;
  readonly type: "aws-security-group" | "aws-network-acl" | "aws-network-firewall";
  readonly region: string;
  readonly account?: string;
  /** The AWS objects compared: group ids, the ACL id, the rule group's ARN. */
  readonly awsIds: readonly string[];
  readonly ports: readonly PortState[];
  readonly differences: readonly Difference[];
  /** Facts that are no difference (a planned rule made by hand: `mailgate adopt` imports it). */
  readonly notes: readonly string[];
  /**
   * Security groups only: each planned rule AWS holds with the same content (group, tcp, the
   * port, the CIDR or prefix list), with the rule that holds it: what `mailgate adopt` reads.
   */
  readonly matched?: readonly MatchedRule[];
}

/** A planned security group rule and the AWS rule with its content. */
export interface MatchedRule {
  /** The planned rule's Terraform address. */
  readonly address: string;
  /** `sgr-...` */
  readonly ruleId: string;
  readonly groupId: string;
  readonly port: number;
  readonly source: "cidr" | "prefix-list";
  /** The rule's `MailgateTarget` tag: present when mailgate made it (so some state holds it). */
  readonly tagged?: string;
}

export interface LiveReport {
  readonly targets: readonly TargetReport[];
  readonly exact: boolean;
}

export type CompareResult = { readonly ok: true; readonly report: LiveReport } | { readonly ok: false; readonly message: string };

/** An export the comparison needs and the files do not hold: the input is unusable, not different. */
class Incomplete extends Error {}

const EVERYTHING: readonly AddressRange[] = [
  { family: 4, first: 0n, last: (1n << 32n) - 1n },
  { family: 6, first: 0n, last: (1n << 128n) - 1n },
];

/** Every AWS target of the policy against the exports, sorted by target name. */
export function compareLive(config: Config, policy: FirewallPolicy, live: LiveExports): CompareResult {
  const required = requiredAccessOf(config);
  const targets: TargetReport[] = [];
  try {
    for (const target of policy.targets.filter(isAwsPolicy)) {
      const ports = required.get(target.target.name) ?? new Map<number, readonly AddressRange[]>();
      if (target.type === "aws-security-group") targets.push(securityGroup(target, ports, live));
      else if (target.type === "aws-network-acl") targets.push(networkAcl(target, ports, live));
      else targets.push(networkFirewall(target, ports, live));
    }
  } catch (error) {
    if (error instanceof Incomplete) return { ok: false, message: error.message };
    throw error;
  }
  targets.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { ok: true, report: { targets, exact: targets.every((t) => t.differences.length === 0) } };
}

// ---- security groups

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
    for (const ingress of plan.ingress) {
      if (ingress.kind === "cidr") {
        const address = ruleAddress(target.name, ingress.rule);
        const what = `tcp/${ingress.port} from ${ingress.rule.cidr.toString()}`;
        if (groupId === undefined) differences.push({ kind: "missing", id: address, port: ingress.port, message: `planned rule ${address} (${what}) is not in AWS` });
        else planned.push({ groupId, port: ingress.port, source: `cidr:${ingress.rule.cidr.toString()}`, address, what });
        continue;
      }
      const name = prefixListName(ingress.prefixList);
      const address = prefixListRuleAddress(target.name, ingress.port, ingress.prefixList);
      const list = findPrefixList(live, name, target.region, target.account, target.name);
      const what = `tcp/${ingress.port} from prefix list ${name}${list ? ` (${list.id})` : ""}`;
      if (groupId === undefined) differences.push({ kind: "missing", id: address, port: ingress.port, message: `planned rule ${address} (${what}) is not in AWS` });
      else planned.push({ groupId, port: ingress.port, source: list ? `pl:${list.id}` : undefined, address, what });
      if (list) prefixListDrift(live, list, ingress.prefixList.entries, differences);
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

// ---- network ACLs

function networkAcl(policy: NetworkAclPolicy, required: ReadonlyMap<number, readonly AddressRange[]>, live: LiveExports): TargetReport {
  const { target } = policy;
  const acl = live.acls.find((a) => a.id === target.networkAclId);
  if (!acl) {
    throw new Incomplete(`Firewall ${target.name}'s network ACL ${target.networkAclId} is in no export given: export it with aws ec2 describe-network-acls --network-acl-ids ${target.networkAclId} (mailgate live --commands).`);
  }
  const differences: Difference[] = [];
  const where = `${acl.id}`;
  const entryText = (e: AclEntry) =>
    `${e.action} ${e.protocol === "-1" ? "all traffic" : e.protocol === "6" ? `tcp/${e.ports ? (e.ports.from === e.ports.to ? e.ports.from : `${e.ports.from}-${e.ports.to}`) : "all ports"}` : `protocol ${e.protocol}`} from ${e.cidr.toString()}`;
  const ruleId = (e: AclEntry) => `${where} ${e.egress ? "outbound" : "inbound"} rule ${e.ruleNumber}`;
  const find = (egress: boolean, n: number) => acl.entries.find((e) => e.egress === egress && e.ruleNumber === n);
  const plannedNumbers = { in: new Set<number>(), out: new Set<number>() };
  const expect = (egress: boolean, number: number, cidr: Cidr, from: number, to: number, address: string, port?: number) => {
    (egress ? plannedNumbers.out : plannedNumbers.in).add(number);
    const what = `${egress ? "outbound" : "inbound"} rule ${number}: allow tcp/${from === to ? from : `${from}-${to}`} ${egress ? "to" : "from"} ${cidr.toString()}`;
    const entry = find(egress, number);
    if (!entry) {
      differences.push({ kind: "missing", id: address, ...(port !== undefined ? { port } : {}), message: `planned rule ${address} (${what}) is not in ${where}` });
      return;
    }
    const same = entry.action === "allow" && entry.protocol === "6" && entry.cidr.toString() === cidr.toString() && entry.ports?.from === from && entry.ports?.to === to;
    if (!same) differences.push({ kind: "drift", id: ruleId(entry), message: `${ruleId(entry)} is ${entryText(entry)}; planned (${address}): ${what}` });
  };
  for (const { ruleNumber, rule } of policy.inbound) expect(false, ruleNumber, rule.cidr, rule.port, rule.port, networkAclInboundAddress(target.name, rule), rule.port);
  // Return traffic: the planned outbound rules, each present as planned. Whether an earlier
  // outbound deny hides them is not evaluated (README: left out).
  for (const { ruleNumber, cidr } of policy.outbound) expect(true, ruleNumber, cidr, 1024, 65535, networkAclReturnAddress(target.name, cidr));
  for (const entry of acl.entries) {
    const inRange = entry.ruleNumber >= target.ruleNumbers.from && entry.ruleNumber <= target.ruleNumbers.to;
    if (inRange && !(entry.egress ? plannedNumbers.out : plannedNumbers.in).has(entry.ruleNumber)) {
      differences.push({ kind: "drift", id: ruleId(entry), message: `${ruleId(entry)} (${entryText(entry)}) is in mailgate's numbers ${target.ruleNumbers.from}-${target.ruleNumbers.to} and is no rule the config plans` });
    }
  }

  const inbound = acl.entries.filter((e) => !e.egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  const ports = [...required].sort(([a], [b]) => a - b).map(([port, need]) => {
    // The lowest matching number decides an address; what no rule decides meets the default deny.
    let undecided: AddressRange[] = [...EVERYTHING];
    const known: AddressRange[] = [];
    const admitters: Admitter[] = [];
    for (const entry of inbound) {
      const matches = entry.protocol === "-1" || (entry.protocol === "6" && (!entry.ports || (entry.ports.from <= port && port <= entry.ports.to)));
      if (!matches) continue;
      const block = [rangeOf(entry.cidr)];
      const decided = intersect(undecided, block);
      undecided = subtract(undecided, block);
      if (decided.length === 0) continue;
      if (entry.action === "deny") {
        const hidden = intersect(decided, need);
        if (hidden.length > 0) {
          differences.push({ kind: "missing", id: ruleId(entry), port, message: `${ruleId(entry)} (${entryText(entry)}) denies ${countText(addressCount(hidden))} HubSpot needs on tcp/${port} (${rangesText(hidden)}) before any later allow rule is read` });
        }
        continue;
      }
      known.push(...decided);
      const outside = subtract(decided, need);
      const allTraffic = entry.protocol === "-1";
      if (allTraffic || outside.length > 0) {
        differences.push({
          kind: "exposure",
          id: ruleId(entry),
          port,
          message: `${ruleId(entry)} (${entryText(entry)}) admits tcp/${port}${allTraffic ? " with every other protocol and port" : ""}: ${outside.length > 0 ? `${countText(addressCount(outside))} outside HubSpot's lists (${rangesText(outside)})` : "from inside HubSpot's lists"}`,
        });
      }
      admitters.push({ id: ruleId(entry), what: entryText(entry), status: allTraffic || outside.length > 0 ? "exposure" : plannedNumbers.in.has(entry.ruleNumber) ? "planned" : "inside" });
    }
    return portState(port, undefined, need, known, admitters);
  });
  return {
    target: target.name,
    type: "aws-network-acl",
    region: target.region,
    ...(target.account !== undefined ? { account: target.account } : {}),
    awsIds: [acl.id],
    ports,
    differences: sortDifferences(differences),
    notes: [],
  };
}

function intersect(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  const left = union(a);
  return subtract(left, subtract(left, union(b)));
}

// ---- Network Firewall

function networkFirewall(policy: NetworkFirewallPolicy, required: ReadonlyMap<number, readonly AddressRange[]>, live: LiveExports): TargetReport {
  const { target } = policy;
  const group = live.ruleGroups.find(
    (g) => g.name === target.ruleGroupName && (g.region === undefined || g.region === target.region) && (target.account === undefined || g.account === undefined || g.account === target.account),
  );
  if (!group) {
    throw new Incomplete(
      `Firewall ${target.name}'s rule group ${target.ruleGroupName} (${target.region}) is in no export given: export it with aws network-firewall describe-rule-group --type STATEFUL --rule-group-name ${target.ruleGroupName} --region ${target.region}. If that says it does not exist, it was never applied.`,
    );
  }
  const differences: Difference[] = [];
  const address = ruleGroupAddress(target.name);
  const ruleId = (r: StatefulRuleLive) => (r.sid !== undefined ? `sid ${r.sid}` : `StatefulRules[${r.index}]`);
  const ruleText = (r: StatefulRuleLive) => `${r.action} ${r.protocol} ${r.source} ${r.sourcePort} ${r.direction === "ANY" ? "<>" : "->"} ${r.destination} ${r.destinationPort}`;
  for (const kind of group.unreadable) {
    differences.push({ kind: "exposure", id: group.arn, message: `rule group ${group.name} holds ${kind}: rules mailgate does not read as 5-tuples, so it cannot tell whom they admit (mailgate writes only StatefulRules)` });
  }
  const headerKey = (action: string, source: string, destination: string, port: string) => `${action} TCP ${source} ANY FORWARD ${destination} ${port}`;
  const liveKeys = new Map<string, StatefulRuleLive>();
  for (const r of group.rules) if (r.sourcePort === "ANY" && r.direction === "FORWARD" && r.protocol === "TCP") liveKeys.set(headerKey(r.action, r.source, r.destination, r.destinationPort), r);
  const matched = new Set<StatefulRuleLive>();
  for (const p of policy.statefulRules) {
    const r = liveKeys.get(headerKey("PASS", p.rule.cidr.toString(), p.destination.toString(), String(p.rule.port)));
    if (r) matched.add(r);
    else differences.push({ kind: "missing", id: `${address} sid ${p.sid}`, port: p.rule.port, message: `planned rule sid ${p.sid} of ${address} (PASS TCP ${p.rule.cidr.toString()} ANY -> ${p.destination.toString()} ${p.rule.port}) is not in ${group.arn}` });
  }

  const exposed = new Set<StatefulRuleLive>();
  const ports: PortState[] = [];
  for (const destination of target.destinations) {
    for (const [port, allNeed] of [...required].sort(([a], [b]) => a - b)) {
      const need = allNeed.filter((r) => r.family === destination.family);
      const known: AddressRange[] = [];
      const admitters: Admitter[] = [];
      for (const r of group.rules) {
        if (r.action !== "PASS" || !(r.protocol === "TCP" || r.protocol === "IP")) continue;
        if (!(r.direction === "FORWARD" || r.direction === "ANY")) continue;
        if (!addressMatches(r.destination, destination) || !portMatches(r.destinationPort, port)) continue;
        const sources = addressesOf(r.source, destination.family);
        if (sources === undefined) {
          differences.push({ kind: "exposure", id: ruleId(r), port, message: `${ruleId(r)} (${ruleText(r)}) admits tcp/${port} to ${destination.toString()} from ${r.source}, which mailgate cannot read as addresses (a variable or a negation)` });
          admitters.push({ id: ruleId(r), what: ruleText(r), status: "exposure" });
          exposed.add(r);
          continue;
        }
        known.push(...sources);
        const outside = subtract(union(sources), need);
        if (outside.length > 0) {
          differences.push({ kind: "exposure", id: ruleId(r), port, message: `${ruleId(r)} (${ruleText(r)}) admits tcp/${port} to ${destination.toString()}: ${countText(addressCount(outside))} outside HubSpot's lists (${rangesText(outside)})` });
          exposed.add(r);
        }
        admitters.push({ id: ruleId(r), what: ruleText(r), status: outside.length > 0 ? "exposure" : matched.has(r) ? "planned" : "inside" });
      }
      ports.push(portState(port, destination.toString(), need, known, admitters));
    }
  }
  // The rule group is mailgate's alone: any other rule in it is a change to mailgate's rules.
  for (const r of group.rules) {
    if (!matched.has(r) && !exposed.has(r)) differences.push({ kind: "drift", id: ruleId(r), message: `${ruleId(r)} (${ruleText(r)}) in rule group ${group.name} is no rule the config plans` });
  }
  return {
    target: target.name,
    type: "aws-network-firewall",
    region: target.region,
    ...(target.account !== undefined ? { account: target.account } : {}),
    awsIds: [group.arn],
    ports,
    differences: sortDifferences(differences),
    notes: [],
  };
}

/** A Suricata address field's ranges in one family: `ANY`, a block, `[a,b]`; undefined for variables and negations. */
function addressesOf(field: string, family: 4 | 6): AddressRange[] | undefined {
  if (field === "ANY" || field === "any") return EVERYTHING.filter((r) => r.family === family);
  const parts = field.startsWith("[") && field.endsWith("]") ? field.slice(1, -1).split(",") : [field];
  const ranges: AddressRange[] = [];
  for (const part of parts.map((p) => p.trim())) {
    if (part.startsWith("$") || part.startsWith("!") || part.startsWith("@")) return undefined;
    const cidr = parseBlock(part);
    if (!cidr) return undefined;
    if (cidr.family === family) ranges.push(rangeOf(cidr));
  }
  return ranges;
}

function addressMatches(field: string, destination: Cidr): boolean {
  const ranges = addressesOf(field, destination.family);
  // A variable ($HOME_NET) may hold the mail server: counted as reaching it, so nothing is missed.
  if (ranges === undefined) return true;
  return intersect(ranges, [rangeOf(destination)]).length > 0;
}

function portMatches(field: string, port: number): boolean {
  if (field === "ANY" || field === "any") return true;
  const parts = field.startsWith("[") && field.endsWith("]") ? field.slice(1, -1).split(",") : [field];
  return parts.some((part) => {
    const p = part.trim();
    if (p.startsWith("$") || p.startsWith("!")) return true;
    const [from, to] = p.includes(":") ? p.split(":") : [p, p];
    const f = from === "" ? 0 : Number(from);
    const t = to === "" ? 65535 : Number(to);
    return Number.isInteger(f) && Number.isInteger(t) && f <= port && port <= t;
  });
}

/** A block or single address as Suricata writes it; undefined for anything else. */
function parseBlock(text: string): Cidr | undefined {
  const parsed = Cidr.parse(text);
  if (isCidr(parsed)) return parsed;
  return parsed.kind === "host-bits" ? Cidr.of(parsed.canonical) : undefined;
}

// ---- shared

function portState(port: number, destination: string | undefined, need: readonly AddressRange[], known: readonly AddressRange[], admitters: Admitter[]): PortState {
  const admitted = union(known);
  const outside = subtract(admitted, need);
  const notAdmitted = subtract(union(need), admitted);
  return {
    port,
    ...(destination !== undefined ? { destination } : {}),
    required: addressCount(need),
    admitted: addressCount(admitted),
    outside: outside.map(formatRange),
    notAdmitted: notAdmitted.map(formatRange),
    exact: outside.length === 0 && notAdmitted.length === 0 && admitters.every((a) => a.status !== "exposure"),
    admitters: [...admitters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

function countText(n: bigint): string {
  return `${n} address${n === 1n ? "" : "es"}`;
}

/** At most five ranges: the count says how many addresses; --format json has them all. */
function rangesText(ranges: readonly AddressRange[]): string {
  const shown = ranges.slice(0, 5).map(formatRange);
  return ranges.length > 5 ? `${shown.join(", ")} and ${ranges.length - 5} more ranges` : shown.join(", ");
}

const KIND_ORDER: Record<DifferenceKind, number> = { exposure: 0, missing: 1, drift: 2 };

function sortDifferences(ds: Difference[]): Difference[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.kind} ${d.id} ${d.port ?? ""} ${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.port ?? 0) - (b.port ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
