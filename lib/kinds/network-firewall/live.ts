import { addressCount, rangeOf, subtract, union, type AddressRange } from "../../audit/intervals";
import { Cidr, isCidr } from "../../model/cidr";
import { countText, EVERYTHING, Incomplete, intersect, portState, rangesText, sortDifferences, type Admitter, type Difference, type PortState, type TargetReport } from "../../live/differences";
import type { LiveExports, StatefulRuleLive } from "../../live/model";
import { ruleGroupAddress } from "../../terraform/names";
import type { LivePart } from "../live-part";
import type { NetworkFirewallTarget } from "./target";
import type { NetworkFirewallPolicy } from "./plan";

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
  for (const { content: rule, destination, place: { sid } } of policy.plannedRules) {
    const r = liveKeys.get(headerKey("PASS", rule.cidr.toString(), destination.toString(), String(rule.port)));
    if (r) matched.add(r);
    else differences.push({ kind: "missing", id: `${address} sid ${sid}`, port: rule.port, message: `planned rule sid ${sid} of ${address} (PASS TCP ${rule.cidr.toString()} ANY -> ${destination.toString()} ${rule.port}) is not in ${group.arn}` });
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

export const networkFirewallLive: LivePart<NetworkFirewallTarget, NetworkFirewallPolicy> = {
  compare: networkFirewall,
  exportCommands: (targets, r, suffix) =>
    targets.map((t) => `aws network-firewall describe-rule-group ${r} --type STATEFUL --rule-group-name ${t.ruleGroupName} > rule-group-${t.ruleGroupName}-${suffix}.json`),
  importable: () => [],
  adoption: () => undefined,
};
