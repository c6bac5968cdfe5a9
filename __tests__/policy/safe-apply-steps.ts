import { renderPlacements } from "../../lib/policy/placements";
import type { FirewallPolicy } from "../../lib/policy/types";
import { validateFiles } from "../support/validate-dir";

// Shared by the safe-apply tests that replay a change as synth chains it: each step validated
// against the placements the previous step wrote (as placements.json). Call `removeTempDirs`.

/** A config of custom lists (easy to widen) and the firewalls given, all used by one domain. */
export function config(o: { imap?: string; smtp?: string; firewalls: Record<string, string[]> }): Record<string, string> {
  const names = Object.keys(o.firewalls);
  return {
    "a.yaml": [
      "hubspot:",
      "  ipRanges:",
      "    source: test",
      `    smtp: [${o.smtp ?? "141.193.184.0/27, 143.244.82.12/30"}]`,
      `    imap: [${o.imap ?? "141.193.184.0/27, 143.244.82.8/30"}]`,
      "domains:",
      "  - domain: example.com",
      "    imap:",
      "      incoming: { host: imap.example.com, port: 993 }",
      "      outgoing: { host: smtp.example.com, port: 587 }",
      `    firewalls: [${names.join(", ")}]`,
      "firewalls:",
      ...names.flatMap((name) => [`  ${name}:`, ...(o.firewalls[name] ?? []).map((l) => `    ${l}`)]),
      "",
    ].join("\n"),
  };
}

export const CREATED = ["type: aws-security-group", "region: us-east-1", "vpcId: vpc-0a1b2c3d4e5f67890", "name: hubspot-mail"];
export const EXISTING = ["type: aws-security-group", "region: us-east-1", "securityGroupId: sg-0a1b2c3d4e5f67890"];
export const ACL = ["type: aws-network-acl", "region: us-east-1", "networkAclId: acl-0a1b2c3d4e5f67890", "ruleNumbers: { from: 100, to: 120 }"];
export const NFW = ["type: aws-network-firewall", "region: us-east-1", "name: hubspot-mail", "destinations: [10.0.1.25]"];

/** Validates `files` against the placements of `before` (a result of this function), as a synth after it would. */
export function step(files: Record<string, string>, before?: { placements?: unknown }) {
  const placements = before?.placements;
  return validateFiles(files, placements === undefined ? undefined : renderPlacements(placements as Parameters<typeof renderPlacements>[0]));
}

/** Each diagnostic as `severity CODE: message`. */
export const said = (r: { diagnostics: readonly { severity: string; code: string; message: string }[] }) => r.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);

/** Every (target, port, CIDR) a policy opens, as text. */
export function opened(policy: FirewallPolicy | undefined): string[] {
  return (policy?.targets ?? []).flatMap((t) => t.rules.map((r) => `${t.target.name} tcp/${r.port} ${r.cidr.toString()}`)).sort();
}
