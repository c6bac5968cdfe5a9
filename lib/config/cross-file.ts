import type { Diagnostic } from "./diagnostic";
import { isAwsTarget, type AwsFirewallTarget } from "../model/config";
import { onPremFiles } from "../model/onprem-names";
import { laterDuplicates } from "../kinds/check-clashes";
import { clashesOf } from "../kinds/checks";
import { stackName } from "../model/stack";
import type { DomainFact, FileFacts, FirewallFact, HubspotFact, SettingsKind, TerraformFact } from "./facts";
import { messages } from "./messages";
import { checkRenames } from "./check-renames";
import { comparePositions, diagnosticAt, type Located } from "./source";
import { didYouMean } from "./suggest";

/**
 * Checks that need every file: one settings kind per domain, unique firewall names, groups, ACLs,
 * rule groups and `hubspot` section, and firewall references that resolve. `files` are in sorted path order,
 * so "the later one" is the one a reader meets second. When some file could not be parsed
 * (`complete` false), its definitions and references are unknown: reporting undefined or unused
 * firewalls then would only send the user after problems that are not there.
 */
export function checkAcrossFiles(files: readonly FileFacts[], complete: boolean): Diagnostic[] {
  const domains = files.flatMap((f) => f.domains);
  const firewalls = files.flatMap((f) => f.firewalls);
  const hubspots = files.flatMap((f) => (f.hubspot ? [f.hubspot] : []));
  const terraforms = files.flatMap((f) => (f.terraform ? [f.terraform] : []));
  return [
    ...checkDomainSettings(domains),
    ...checkDuplicateFirewalls(firewalls),
    ...checkOnPremOwnership(firewalls),
    ...checkHubspotSections(hubspots),
    ...checkTerraformSections(terraforms),
    ...checkStackRoles(firewalls),
    ...checkRenames(firewalls),
    ...(complete ? checkReferences(domains, firewalls) : []),
  ];
}

/**
 * HubSpot keeps one settings entry per domain, IMAP or Exchange. Each settings key is compared
 * with the first of each kind seen before it: the same kind is a duplicate domain, the other
 * kind a conflict (also when both are in one entry).
 */
function checkDomainSettings(domains: readonly DomainFact[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // A name met once can be neither a duplicate nor a conflict: first the names met more than
  // once (a second entry, or both kinds in one), in one loop with no object per domain. Only
  // their settings are then put in position order (stable, as before), so a valid config never
  // needs a position here: reading one builds its file's YAML document (source.ts).
  const seen = new Set<string>();
  let repeated: Set<string> | undefined;
  for (let d = 0; d < domains.length; d++) {
    const { name, settings } = domains[d];
    if (name === undefined || settings.length === 0) continue;
    // One hash lookup per name, not has() then add(): the set grows unless the name was there.
    const size = seen.size;
    seen.add(name);
    if (settings.length > 1 || seen.size === size) (repeated ??= new Set()).add(name);
  }
  if (repeated === undefined) return diagnostics;
  const occurrences: { name: string; domain: DomainFact; kind: SettingsKind; at: Located }[] = [];
  for (const domain of domains) {
    const name = domain.name;
    if (name === undefined || !repeated.has(name)) continue;
    for (const s of domain.settings) occurrences.push({ name, domain, kind: s.kind, at: s.at });
  }
  occurrences.sort((a, b) => comparePositions(a.at.position, b.at.position));
  const firstByKind = new Map<string, Located & { domain: DomainFact }>();
  const reportedDuplicate = new Set<DomainFact>();
  for (const { name, domain, kind, at } of occurrences) {
    const same = firstByKind.get(`${kind} ${name}`);
    const otherKind: SettingsKind = kind === "imap" ? "exchange" : "imap";
    const other = firstByKind.get(`${otherKind} ${name}`);
    if (same) {
      if (!reportedDuplicate.has(domain)) {
        diagnostics.push(diagnosticAt(messages.duplicateDomain(name, kind, same.domain.domainAt.position), domain.domainAt, [same.domain.domainAt]));
        reportedDuplicate.add(domain);
      }
    } else {
      firstByKind.set(`${kind} ${name}`, { position: at.position, excerpt: at.excerpt, domain });
      if (other) diagnostics.push(diagnosticAt(messages.imapExchangeConflict(name, kind, otherKind, other.position), at, [other]));
    }
  }
  return diagnostics;
}

function checkDuplicateFirewalls(firewalls: readonly FirewallFact[]): Diagnostic[] {
  return [
    ...laterDuplicates(
      firewalls.map((f) => ({ key: f.name, at: f.at })),
      (f, first) => messages.duplicateFirewall(f.key, first.at.position),
    ),
    ...laterDuplicates(
      firewalls.flatMap((f) => (f.securityGroupId ? [{ key: f.securityGroupId.id, name: f.name, at: f.securityGroupId.at }] : [])),
      (f, first) => messages.duplicateSecurityGroup(f.key, f.name, first.name, first.at.position),
    ),
    ...laterDuplicates(
      firewalls.flatMap((f) => {
        const g = f.createdGroup;
        // AWS compares group names per VPC without regard to case.
        return g ? [{ key: JSON.stringify([g.region, g.vpcId, g.groupName.toLowerCase()]), name: f.name, group: g, at: g.at }] : [];
      }),
      (f, first) => messages.duplicateGroupName(f.group.groupName, f.group.vpcId, f.group.region, f.name, first.name, first.at.position),
    ),
    ...laterDuplicates(
      firewalls.flatMap((f) => (f.networkAclId ? [{ key: f.networkAclId.id, name: f.name, at: f.networkAclId.at }] : [])),
      (f, first) => messages.duplicateNetworkAcl(f.key, f.name, first.name, first.at.position),
    ),
    ...laterDuplicates(
      firewalls.flatMap((f) => {
        const g = f.ruleGroup;
        return g ? [{ key: JSON.stringify([g.region, g.name]), name: f.name, group: g, at: g.at }] : [];
      }),
      (f, first) => messages.duplicateRuleGroup(f.group.name, f.group.region, f.name, first.name, first.at.position),
    ),
  ];
}

/**
 * Targets outside AWS that would own the same thing where they land: on one host, a file flushes
 * its nftables chain and sets, or removes its Windows Firewall group's rules, before adding its
 * own, so two targets sharing one would each remove the other's rules; two targets writing one
 * file under `<artifacts>/firewalls/` would overwrite each other. Every defined target counts,
 * used or not, and every file or set it can own, used or not (a domain added later must not make
 * two of them collide). Reported at the later target, naming the first.
 */
function checkOnPremOwnership(firewalls: readonly FirewallFact[]): Diagnostic[] {
  return [
    // What each kind owns on its host (an nftables chain and its sets, a Windows rule group), compared by the kind.
    ...clashesOf(firewalls.flatMap((f) => (f.target && f.ownsAt ? [{ name: f.name, at: f.ownsAt, target: f.target }] : []))),
    ...laterDuplicates(
      // The files may be checked out on a case-insensitive file system.
      firewalls.flatMap((f) => (f.target && !isAwsTarget(f.target) ? onPremFiles(f.target).map((file) => ({ key: file.toLowerCase(), file, name: f.name, at: f.at })) : [])),
      (o, first) => messages.duplicateArtifactFile(o.file, o.name, first.name, first.at.position),
    ),
  ];
}

function checkTerraformSections(sections: readonly TerraformFact[]): Diagnostic[] {
  return laterDuplicates(
    sections.map((s) => ({ key: "terraform", at: s.at })),
    (_, first) => messages.duplicateTerraform(first.at.position),
  );
}

/**
 * A stack has one AWS provider: all its firewalls must agree on its region, account and roles.
 * Derived stack names carry region and account, so only an explicit `stack` can mix them; roles
 * can differ in any stack.
 */
function checkStackRoles(allFirewalls: readonly FirewallFact[]): Diagnostic[] {
  // Targets outside AWS (nftables, Windows, allowlists) have no stack.
  const firewalls = allFirewalls.filter((f): f is FirewallFact & { target?: AwsFirewallTarget } => !f.target || isAwsTarget(f.target));
  const fields = ["roleArn", "region", "account", "planRoleArn"] as const;
  const values = new Map<string, Set<string>>();
  for (const f of firewalls) {
    if (!f.target) continue;
    const stack = stackName(f.target);
    values.set(stack, (values.get(stack) ?? new Set()).add(JSON.stringify(fields.map((k) => f.target?.[k] ?? null))));
  }
  // Only stacks with two identities are put in position order: reading a position builds its
  // file's YAML document (source.ts), which a valid config should never need.
  const mixed = firewalls.filter((f) => f.target && (values.get(stackName(f.target))?.size ?? 0) > 1);
  const firstInStack = new Map<string, { at: Located; target: AwsFirewallTarget }>();
  const diagnostics: Diagnostic[] = [];
  for (const f of mixed.sort((a, b) => comparePositions(a.at.position, b.at.position))) {
    if (!f.target) continue;
    const stack = stackName(f.target);
    const first = firstInStack.get(stack);
    if (!first) {
      firstInStack.set(stack, { at: f.at, target: f.target });
      continue;
    }
    const field = fields.find((k) => first.target[k] !== f.target?.[k]);
    if (field === "roleArn") {
      diagnostics.push(diagnosticAt(messages.conflictingStackRole(stack, f.target.roleArn, first.target.roleArn, first.at.position), f.at, [first.at]));
    } else if (field !== undefined) {
      diagnostics.push(diagnosticAt(messages.conflictingStack(stack, field, f.target[field], first.target[field], first.at.position), f.at, [first.at]));
    }
  }
  return diagnostics;
}

function checkHubspotSections(sections: readonly HubspotFact[]): Diagnostic[] {
  return laterDuplicates(
    sections.map((s) => ({ key: "hubspot", at: s.at })),
    (_, first) => messages.duplicateHubspot(first.at.position),
  );
}

/** Every referenced firewall must exist; every defined one should be used (else it does nothing). */
function checkReferences(domains: readonly DomainFact[], firewalls: readonly FirewallFact[]): Diagnostic[] {
  // Each defined name, and whether some domain uses it: one lookup per reference, not a
  // has() on the defined names and an add() to the used ones.
  const used = new Map<string, boolean>();
  for (const f of firewalls) used.set(f.name, false);
  // Only a name that is not defined needs the sorted list (for "did you mean").
  let defined: string[] | undefined;
  const diagnostics: Diagnostic[] = [];
  // Indexed loops, no flatMap: once per domain and reference, 10,000 and more at scale.
  for (let d = 0; d < domains.length; d++) {
    const refs = domains[d].firewallRefs;
    for (let r = 0; r < refs.length; r++) {
      const ref = refs[r];
      const seen = used.get(ref.name);
      if (seen === false) used.set(ref.name, true);
      if (seen !== undefined) continue;
      defined ??= [...used.keys()].sort();
      diagnostics.push(diagnosticAt(messages.undefinedFirewall(ref.name, didYouMean(ref.name, defined)), ref.at));
    }
  }
  for (const f of firewalls) if (!used.get(f.name)) diagnostics.push(diagnosticAt(messages.unusedFirewall(f.name), f.at));
  return diagnostics;
}
