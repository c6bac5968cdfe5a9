import type { Config, DomainSettings, FirewallTarget } from "../../lib/model/config";

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

export function createdGroup(name: string, region = "us-east-1", groupName = `hubspot-${name}`): FirewallTarget {
  return { name, type: "aws-security-group", region, create: { vpcId: "vpc-0a1b2c3d4e5f67890", groupName } };
}

export function existingGroup(name: string, region = "eu-central-1", securityGroupId = "sg-0a1b2c3d4e5f67890"): FirewallTarget {
  return { name, type: "aws-security-group", region, securityGroupId };
}

export function config(domains: DomainSettings[], firewalls: FirewallTarget[], ipRanges?: Config["ipRanges"]): Config {
  return {
    ipRanges,
    domains: [...domains].sort((a, b) => a.name.localeCompare(b.name)),
    firewalls: [...firewalls].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
