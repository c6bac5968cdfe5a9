import { Cidr } from "../../lib/model/cidr";
import type { Config, DomainSettings, FirewallTarget, NetworkAclTarget, NetworkFirewallTarget, SecurityGroupTarget } from "../../lib/model/config";

/** Small builders for validated configs, so tests of later stages skip the YAML layer. */
export function imapDomain(name: string, firewalls: string[], ports: { imap?: number; smtp?: number } = {}): DomainSettings {
  return {
    kind: "imap",
    name,
    firewalls,
    incoming: { host: `imap.${name}`, port: ports.imap ?? 993 },
    outgoing: { host: `smtp.${name}`, port: ports.smtp ?? 587 },
    allowNonSecureCertificate: false,
  };
}

export function exchangeDomain(name: string, firewalls: string[], port = 443): DomainSettings {
  const url = `https://mail.${name}${port === 443 ? "" : `:${port}`}/EWS/Exchange.asmx`;
  return { kind: "exchange", name, firewalls, url, endpoint: { host: `mail.${name}`, port } };
}

/** Security group options: `sources` and `maxRules` as in YAML (absent = AWS defaults). */
export type GroupOptions = Pick<SecurityGroupTarget, "sources" | "maxRules">;

export function createdGroup(name: string, region = "us-east-1", groupName = `hubspot-${name}`, options: GroupOptions = {}): SecurityGroupTarget {
  return { name, type: "aws-security-group", region, create: { vpcId: "vpc-0a1b2c3d4e5f67890", groupName }, ...options };
}

export function existingGroup(name: string, region = "eu-central-1", securityGroupId = "sg-0a1b2c3d4e5f67890", options: GroupOptions = {}): SecurityGroupTarget {
  return { name, type: "aws-security-group", region, securityGroupId, ...options };
}

export function networkAcl(
  name: string,
  o: { region?: string; networkAclId?: string; from?: number; to?: number; maxRules?: number } = {},
): NetworkAclTarget {
  return {
    name,
    type: "aws-network-acl",
    region: o.region ?? "us-east-1",
    networkAclId: o.networkAclId ?? "acl-0a1b2c3d4e5f67890",
    ruleNumbers: { from: o.from ?? 100, to: o.to ?? 199 },
    ...(o.maxRules !== undefined ? { maxRules: o.maxRules } : {}),
  };
}

export function networkFirewall(
  name: string,
  o: { region?: string; ruleGroupName?: string; destinations?: string[]; capacity?: number } = {},
): NetworkFirewallTarget {
  return {
    name,
    type: "aws-network-firewall",
    region: o.region ?? "us-east-1",
    ruleGroupName: o.ruleGroupName ?? `hubspot-${name}`,
    destinations: (o.destinations ?? ["10.0.1.25/32"]).map(Cidr.of).sort(Cidr.compare),
    ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
  };
}

export function config(domains: DomainSettings[], firewalls: FirewallTarget[], ipRanges?: Config["ipRanges"]): Config {
  return {
    ipRanges,
    domains: [...domains].sort((a, b) => a.name.localeCompare(b.name)),
    firewalls: [...firewalls].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
