import { addressCount, rangeOf, subtract, type AddressRange } from "../../audit/intervals";
import { Cidr } from "../../model/cidr";
import { countText, EVERYTHING, Incomplete, intersect, portState, rangesText, sortDifferences, type Admitter, type Difference, type TargetReport } from "../../live/differences";
import type { AclEntry, LiveExports } from "../../live/model";
import { networkAclInboundAddress, networkAclReturnAddress } from "../../terraform/names";
import type { LivePart } from "../live-part";
import type { NetworkAclTarget } from "./target";
import type { NetworkAclPolicy } from "./plan";

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
  for (const { place: { ruleNumber }, content: rule } of policy.inbound) expect(false, ruleNumber, rule.cidr, rule.port, rule.port, networkAclInboundAddress(target.name, rule), rule.port);
  // Return traffic: the planned outbound rules, each present as planned. Whether an earlier
  // outbound deny hides them is not evaluated (README: left out).
  for (const { place: { ruleNumber }, content: { returnTo: cidr } } of policy.outbound) expect(true, ruleNumber, cidr, 1024, 65535, networkAclReturnAddress(target.name, cidr));
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

export const networkAclLive: LivePart<NetworkAclTarget, NetworkAclPolicy> = {
  compare: networkAcl,
  exportCommands(targets, r, suffix) {
    const acls = targets.map((t) => t.networkAclId).sort();
    return acls.length > 0 ? [`aws ec2 describe-network-acls ${r} --network-acl-ids ${[...new Set(acls)].join(" ")} > network-acls-${suffix}.json`] : [];
  },
  importable: () => [],
  adoption: () => undefined,
};
