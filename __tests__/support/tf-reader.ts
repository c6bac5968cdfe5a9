/**
 * An independent reader of synthesized Terraform JSON, for tests: it knows only the AWS resource
 * schemas and the config, never mailgate's policy or audit code. It expands every rule resource
 * to the (target, destination, port, CIDR) it admits (a rule referencing a prefix list to the
 * list's entries), checks what AWS itself would refuse (quotas, rule numbers, capacity, sids),
 * and compares the result, address for address, with an oracle built from HubSpot's lists.
 */
import { Cidr } from "../../lib/model/cidr";
import type { Config, DomainSettings } from "../../lib/model/config";
import { FACTS_IMAP, FACTS_SMTP } from "../model/facts";
import { mergeSpans, spanOf, type Span } from "../policy/oracle";

/** The parts of `cdk.tf.json` the reader looks at. */
export interface TfJson {
  provider?: { aws?: { region: string }[] };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
}

export interface Admitted {
  readonly target: string;
  readonly destination?: string;
  readonly port: number;
  readonly cidr: string;
}

export interface ReadResult {
  readonly admitted: Admitted[];
  /** Network ACL outbound rules: target -> CIDRs the replies may go to. */
  readonly returns: Map<string, string[]>;
  /** Everything AWS would refuse, or that no target explains. Empty when all is well. */
  readonly problems: string[];
  /** Security groups per target: group reference -> weight per family. */
  readonly groups: Map<string, Map<string, { 4: number; 6: number }>>;
  /** Terraform rule resources (Network Firewall: stateful rules) per target. */
  readonly ruleCount: Map<string, number>;
}

const ref = (type: string, name: string) => `\${${type}.${name}.id}`;

export function readTerraform(stacks: Record<string, TfJson>, config: Config): ReadResult {
  const result: ReadResult = { admitted: [], returns: new Map(), problems: [], groups: new Map(), ruleCount: new Map() };
  const count = (target: string) => result.ruleCount.set(target, (result.ruleCount.get(target) ?? 0) + 1);
  const targets = new Map(config.firewalls.map((t) => [t.name, t]));
  const acls = new Map(config.firewalls.flatMap((t) => (t.type === "aws-network-acl" ? [[t.networkAclId, t] as const] : [])));

  for (const [stack, tf] of Object.entries(stacks)) {
    const region = tf.provider?.aws?.[0]?.region;
    const res = tf.resource ?? {};
    const prefixLists = new Map(
      Object.entries(res.aws_ec2_managed_prefix_list ?? {}).map(([name, pl]) => [ref("aws_ec2_managed_prefix_list", name), pl]),
    );
    const createdGroups = new Map(Object.entries(res.aws_security_group ?? {}).map(([name, g]) => [ref("aws_security_group", name), g]));
    const nameOf = (type: string) => Object.keys(res[type] ?? {});
    for (const type of Object.keys(res)) {
      const known = [
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_ec2_managed_prefix_list",
        "aws_network_acl_rule",
        "aws_networkfirewall_rule_group",
      ];
      if (!known.includes(type)) result.problems.push(`${stack}: unexpected resource type ${type} (${nameOf(type).join(", ")})`);
    }

    for (const [name, pl] of Object.entries(res.aws_ec2_managed_prefix_list ?? {})) {
      const entries = pl.entry as { cidr: string }[];
      if (entries.length > (pl.max_entries as number)) result.problems.push(`${name}: more entries than max_entries`);
      if (entries.length > 100) result.problems.push(`${name}: more than 100 entries, which one EC2 request cannot create`);
      const family = pl.address_family === "IPv4" ? 4 : 6;
      if (entries.some((e) => Cidr.of(e.cidr).family !== family)) result.problems.push(`${name}: entry of the wrong family`);
    }

    for (const [name, rule] of Object.entries(res.aws_vpc_security_group_ingress_rule ?? {})) {
      const tags = rule.tags as Record<string, string> | undefined;
      const target = targets.get(tags?.MailgateTarget ?? "");
      if (!target || target.type !== "aws-security-group") {
        result.problems.push(`${name}: not tagged with a security group target`);
        continue;
      }
      if (region !== target.region) result.problems.push(`${name}: in ${region}, target in ${target.region}`);
      count(target.name);
      const groupId = rule.security_group_id as string;
      if (target.securityGroupId !== undefined ? groupId !== target.securityGroupId : (createdGroups.get(groupId)?.tags as Record<string, string>)?.MailgateTarget !== target.name) {
        result.problems.push(`${name}: attached to ${groupId}, not a group of ${target.name}`);
      }
      if (rule.ip_protocol !== "tcp" || rule.from_port !== rule.to_port) result.problems.push(`${name}: not tcp to one port`);
      const port = rule.from_port as number;
      let cidrs: string[];
      let weight: number;
      let family: 4 | 6;
      if (typeof rule.prefix_list_id === "string") {
        const pl = prefixLists.get(rule.prefix_list_id);
        if (!pl) {
          result.problems.push(`${name}: references ${rule.prefix_list_id}, not a list of this stack`);
          continue;
        }
        cidrs = (pl.entry as { cidr: string }[]).map((e) => e.cidr);
        weight = pl.max_entries as number;
        family = pl.address_family === "IPv4" ? 4 : 6;
      } else {
        cidrs = [(rule.cidr_ipv4 ?? rule.cidr_ipv6) as string];
        weight = 1;
        family = rule.cidr_ipv4 !== undefined ? 4 : 6;
      }
      for (const cidr of cidrs) result.admitted.push({ target: target.name, port, cidr });
      const groups = result.groups.get(target.name) ?? new Map<string, { 4: number; 6: number }>();
      const w = groups.get(groupId) ?? { 4: 0, 6: 0 };
      w[family] += weight;
      groups.set(groupId, w);
      result.groups.set(target.name, groups);
    }
    for (const [targetName, groups] of result.groups) {
      const target = targets.get(targetName);
      const max = target?.type === "aws-security-group" ? (target.maxRules ?? 60) : 0;
      for (const [group, w] of groups) {
        if (w[4] > max || w[6] > max) result.problems.push(`${group} of ${targetName}: weighs ${w[4]} IPv4 / ${w[6]} IPv6 rules, quota ${max}`);
      }
    }

    const numbers = new Set<string>();
    const aclCounts = new Map<string, number>();
    for (const [name, rule] of Object.entries(res.aws_network_acl_rule ?? {})) {
      const target = acls.get(rule.network_acl_id as string);
      if (!target) {
        result.problems.push(`${name}: in an ACL no target names`);
        continue;
      }
      count(target.name);
      if (region !== target.region) result.problems.push(`${name}: in ${region}, target in ${target.region}`);
      if (rule.protocol !== "6" || rule.rule_action !== "allow") result.problems.push(`${name}: not an allow rule for TCP`);
      const n = rule.rule_number as number;
      if (n < target.ruleNumbers.from || n > target.ruleNumbers.to) result.problems.push(`${name}: rule number ${n} outside the range`);
      const key = `${target.networkAclId} ${String(rule.egress)} ${n}`;
      if (numbers.has(key)) result.problems.push(`${name}: rule number ${n} used twice in one direction`);
      numbers.add(key);
      const cidr = (rule.cidr_block ?? rule.ipv6_cidr_block) as string;
      const countKey = `${target.name} ${String(rule.egress)} ${Cidr.of(cidr).family}`;
      aclCounts.set(countKey, (aclCounts.get(countKey) ?? 0) + 1);
      if ((aclCounts.get(countKey) ?? 0) > (target.maxRules ?? 20)) result.problems.push(`${name}: over the ACL quota`);
      if (rule.egress === true) {
        if (rule.from_port !== 1024 || rule.to_port !== 65535) result.problems.push(`${name}: return rule not on 1024-65535`);
        result.returns.set(target.name, [...(result.returns.get(target.name) ?? []), cidr]);
      } else {
        if (rule.from_port !== rule.to_port) result.problems.push(`${name}: not one port`);
        result.admitted.push({ target: target.name, port: rule.from_port as number, cidr });
      }
    }

    for (const [name, group] of Object.entries(res.aws_networkfirewall_rule_group ?? {})) {
      const target = targets.get((group.tags as Record<string, string> | undefined)?.MailgateTarget ?? "");
      if (!target || target.type !== "aws-network-firewall") {
        result.problems.push(`${name}: not tagged with a Network Firewall target`);
        continue;
      }
      const ruleGroup = group.rule_group as {
        stateful_rule_options: { rule_order: string };
        rules_source: { stateful_rule: { action: string; header: Record<string, string>; rule_option: { keyword: string; settings: string[] }[] }[] };
      };
      const order = ruleGroup.stateful_rule_options.rule_order;
      if (group.type !== "STATEFUL") result.problems.push(`${name}: not stateful`);
      // A new group gets AWS's default order, an existing one keeps its own; a given one is honoured.
      if (order !== (target.ruleOrder ?? "DEFAULT_ACTION_ORDER") && !(target.ruleOrder === undefined && order === "STRICT_ORDER")) {
        result.problems.push(`${name}: rule order ${order}`);
      }
      const rules = ruleGroup.rules_source.stateful_rule;
      if ((group.capacity as number) < rules.length || (group.capacity as number) > 30000) result.problems.push(`${name}: capacity ${String(group.capacity)} for ${rules.length} rules`);
      const sids = new Set<string>();
      for (const r of rules) {
        count(target.name);
        const h = r.header;
        if (r.action !== "PASS" || h.protocol !== "TCP" || h.source_port !== "ANY" || h.direction !== "FORWARD") result.problems.push(`${name}: rule is not PASS TCP ANY FORWARD`);
        const sid = r.rule_option.find((o) => o.keyword === "sid")?.settings[0] ?? "";
        if (sids.has(sid) || !/^\d+$/.test(sid)) result.problems.push(`${name}: sid ${sid} missing or repeated`);
        sids.add(sid);
        result.admitted.push({ target: target.name, destination: h.destination, port: Number(h.destination_port), cidr: h.source });
      }
    }
  }
  return result;
}

// ---- the oracle

function listsAt(domain: DomainSettings): [number, "smtp" | "imap"][] {
  return domain.kind === "imap"
    ? [
        [domain.incoming.port, "imap"],
        [domain.outgoing.port, "smtp"],
      ]
    : [
        [domain.endpoint.port, "imap"],
        [domain.endpoint.port, "smtp"],
      ];
}

/**
 * What every target must admit, from the config and HubSpot's lists as FACTS.md prints them (or
 * the config's own lists): key `target|destination|port` -> merged spans.
 */
export function oracle(config: Config): Map<string, Span[]> {
  const lists = {
    smtp: (config.ipRanges?.smtp.map(String) ?? FACTS_SMTP).map((t) => spanOf(Cidr.of(t))),
    imap: (config.ipRanges?.imap.map(String) ?? FACTS_IMAP).map((t) => spanOf(Cidr.of(t))),
  };
  const out = new Map<string, Span[]>();
  for (const domain of config.domains) {
    for (const name of domain.firewalls) {
      const target = config.firewalls.find((t) => t.name === name);
      if (!target) continue;
      for (const [port, list] of listsAt(domain)) {
        const destinations = target.type === "aws-network-firewall" ? target.destinations : [undefined];
        for (const d of destinations) {
          const key = `${name}|${d?.toString() ?? ""}|${port}`;
          const spans = lists[list].filter((s) => d === undefined || s.family === d.family);
          out.set(key, mergeSpans([...(out.get(key) ?? []), ...spans]));
        }
      }
    }
  }
  for (const [key, spans] of out) if (spans.length === 0) out.delete(key);
  return out;
}

/** The reader's admitted pairs in the oracle's shape. */
export function admittedSpans(read: ReadResult): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  for (const a of read.admitted) {
    const key = `${a.target}|${a.destination ?? ""}|${a.port}`;
    out.set(key, [...(out.get(key) ?? []), spanOf(Cidr.of(a.cidr))]);
  }
  return new Map([...out].map(([k, v]) => [k, mergeSpans(v)]));
}

/** For each network ACL target: the replies' destinations against everything it lets in. */
export function returnMismatches(read: ReadResult, config: Config): string[] {
  const expected = oracle(config);
  return config.firewalls
    .filter((t) => t.type === "aws-network-acl" && [...expected.keys()].some((k) => k.startsWith(`${t.name}|`)))
    .flatMap((t) => {
      const want = mergeSpans([...expected].filter(([k]) => k.startsWith(`${t.name}|`)).flatMap(([, v]) => v));
      const got = mergeSpans((read.returns.get(t.name) ?? []).map((c) => spanOf(Cidr.of(c))));
      return JSON.stringify(want, bigints) === JSON.stringify(got, bigints) ? [] : [`${t.name}: return traffic differs`];
    });
}

/** The oracle and the reader's view as comparable text, for `toEqual` with readable diffs. */
export function asText(spans: Map<string, Span[]>): Record<string, string[]> {
  return Object.fromEntries(
    [...spans].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.map((s) => `${s.family}:${s.first}-${s.last}`)]),
  );
}

function bigints(_: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
