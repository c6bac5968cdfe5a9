import type { SourcePosition } from "../diagnostic";
import { BROAD_LIST_HINT, MAX_GROUPS_PER_INTERFACE, PORT_NAMES, bigCount, count, error, families, formatPosition, namesList, quote, quoteUrl, sourceTextReason, warning, type NothingAdmittedFigures, type SourceTextProblem } from "./text";

export const changeMessages = {
  // ---- safe change: this config against what the previous synth placed (placements file)
  placementsUnreadable: (file: string, reason: string) =>
    error(
      "PLACEMENTS_UNREADABLE",
      `${file} cannot be read: ${reason}. It records which stacks, groups and rule numbers earlier synths used, so mailgate will not guess them.`,
      `restore it from git (git checkout -- ${file}); delete it only for a config that was never applied`,
    ),
  prefillUnreadable: (file: string, reason: string) =>
    error(
      "PREFILL_UNREADABLE",
      `${file} cannot be read: ${reason}. The last synth's prefill settings are the memory of domains removed from the config whose settings the HubSpot admin still has to delete, so mailgate will not guess them.`,
      `restore it from git (git checkout -- ${file}); delete it only if HubSpot has no settings left for domains removed from the config`,
    ),
  placementsOtherConfig: (file: string, owner: string, configDir: string, expected: string) =>
    error(
      "PLACEMENTS_OTHER_CONFIG",
      `${file} holds the placements of the config directory ${owner}, not of ${configDir}. They record where ${owner}'s rules are deployed: ${configDir} would be checked against another config's stacks and groups, and a synth would replace them with its own, so ${owner}'s next synth would no longer know where its live rules are.`,
      `give ${configDir} its own artifacts directory (--out DIR or MAILGATE_OUT, and --terraform-out DIR for synth); if the config directory was moved or renamed, change that line to "config": ${JSON.stringify(expected)}`,
    ),
  stackMove: (target: string, from: string, to: string) =>
    error(
      "STACK_MOVE",
      `Firewall \`${target}\` would move from stack ${from} to stack ${to}. ${to} starts from empty state: it would create rules that already exist in AWS (which AWS refuses), while ${from}'s state still holds them.`,
      `to keep it where it is, add \`stack: ${from}\` to the firewall; to really move it, first remove the firewall (or its domains), synth and apply ${from}, then add it back`,
    ),
  stackChanged: (target: string, stack: string, field: "region" | "account", was: string | undefined, now: string | undefined) =>
    error(
      "STACK_CHANGED",
      `Firewall \`${target}\` is in stack ${stack}, whose ${field} was ${was ?? "unset"} when mailgate last synthesized it; this config says ${now ?? "unset"}. The stack's state describes resources in the old ${field}.`,
      `keep the ${field}, or remove the firewall, synth and apply ${stack}, retire it (npx mailgate retire ${stack}), then add the firewall back`,
    ),
  emptyStack: (stack: string) =>
    warning(
      "EMPTY_STACK",
      `Stack ${stack} no longer has any firewall: it is still synthesized, holding only its provider and backend, so that its plan and apply destroy the rules it held.`,
      `apply it (npx cdktf deploy ${stack}), then retire it: npx mailgate retire ${stack}`,
    ),
  newSecurityGroup: (target: string, groupName: string, index: number) =>
    warning(
      "NEW_SECURITY_GROUP",
      `Firewall \`${target}\` needs another security group, ${quote(groupName)} (group ${index}): its rules do not fit in the groups it has. HubSpot reaches the servers through it only once it is attached to their network interfaces.`,
      `after apply, attach it with the others (output ${target}_security_group_ids lists every group)`,
    ),
  prefixListGrowth: (target: string, prefixList: string, was: number, now: number, allowed: number) =>
    error(
      "PREFIX_LIST_GROWTH",
      `Prefix list ${prefixList} must grow from ${was} to ${now} entries, and a group of firewall \`${target}\` holds a rule referencing it that would then weigh more than its ${allowed} rules: AWS refuses to raise \`max_entries\` while a referencing group would go over its quota.`,
      "raise `maxRules` (after raising the quota in AWS), or use `sources: cidrs` for this firewall",
    ),
  noRemoteState: () =>
    warning(
      "NO_REMOTE_STATE",
      "No `terraform.backend` is set, so state stays in local files: a CI plan starts from empty state every time and shows every rule as new.",
      "add `terraform: { backend: { s3: { bucket, region } } }` so CI plans against what is really deployed",
    ),
  unusedFirewall: (name: string) =>
    warning(
      "UNUSED_FIREWALL",
      `Firewall \`${name}\` is not used by any domain, so mailgate makes no rules for it.`,
      "list it under a domain's `firewalls:`, or delete it",
    ),
  // ---- firewalls outside AWS: nftables, Windows Firewall, allowlists (issue 14)
  invalidNftTable: (text: string) =>
    error(
      "INVALID_NFT_NAME",
      `Invalid nftables table ${quote(text)}: write the family and the name, as \`nft list tables\` shows them.`,
      "the family is inet, ip or ip6 and the name letters, digits, _ or -, e.g. table: inet filter (your table that holds the input chain)",
    ),
  invalidNftChain: (text: string, reason: string) =>
    error(
      "INVALID_NFT_NAME",
      `Invalid nftables chain name ${quote(text)}: ${reason}.`,
      "use lower-case letters and digits in two or more words joined by _ or -, at most 40 characters, e.g. hubspot_mail (a single word may be one of nft's keywords, which nft refuses as a name)",
    ),
  nftTableKeyword: (text: string, name: string) =>
    error(
      "INVALID_NFT_NAME",
      `Invalid nftables table ${quote(text)}: \`${name}\` is one of nft's keywords, which nft refuses as a table name (quoted or not), so the file could not be loaded.`,
      "name the table otherwise (e.g. inet filter, or inet mail_filter): it is the table of your host that holds the input chain, so rename it there too",
    ),
  duplicateNftChain: (table: string, chain: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_NFT_CHAIN",
      `Firewall \`${name}\` fills chain ${chain} of table ${table}, as firewall \`${otherName}\` at ${formatPosition(first)} does: each file flushes the chain and its sets before adding its own rules, so on a host that loads both files the last one loaded removes the other's rules.`,
      "give one of them another `chain` (e.g. hubspot_mail_2), or use one firewall for both (list it under every domain that needs it)",
    ),
  duplicateNftSet: (table: string, sets: readonly string[], name: string, chain: string, otherName: string, otherChain: string, first: SourcePosition) =>
    error(
      "DUPLICATE_NFT_SET",
      `Firewall \`${name}\` (chain ${chain}) and firewall \`${otherName}\` at ${formatPosition(first)} (chain ${otherChain}) both declare ${sets.length === 1 ? "set" : "sets"} ${sets.join(" and ")} in table ${table}: sets are named <chain>_<lists>_<family>, and these chains make the same ${sets.length === 1 ? "name" : "names"}. Each file flushes and refills its sets, so on a host that loads both files the last one loaded decides what ${sets.length === 1 ? "the set holds" : "the sets hold"}: one chain's rules would admit the other's list, or lose their own.`,
      "rename one chain so that it is not the other's name followed by _imap (its sets are <chain>_imap_v4, <chain>_smtp_v4, <chain>_imap_smtp_v4, and _v6 likewise)",
    ),
  duplicateWindowsGroup: (group: string, name: string, otherName: string, otherGroup: string, first: SourcePosition) =>
    error(
      "DUPLICATE_WINDOWS_GROUP",
      `Firewall \`${name}\` fills Windows Firewall rule group ${quote(group)}, as firewall \`${otherName}\` at ${formatPosition(first)} does${group === otherGroup ? "" : ` with ${quote(otherGroup)} (Windows compares group names without regard to case)`}: each script removes every rule of its group before creating its own, so on a server that runs both scripts the last one run removes the other's rules.`,
      "give one of them another `group` (the default is mailgate-<firewall name>), or use one firewall for both",
    ),
  duplicateArtifactFile: (file: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_ARTIFACT_FILE",
      `Firewall \`${name}\` can write ${file}, which firewall \`${otherName}\` at ${formatPosition(first)} can write too (file names compared without regard to case, as on a case-insensitive file system): one would overwrite the other, and whoever loads or publishes the file would get one firewall's list under the other's name.`,
      "rename one of the firewalls: an allowlist writes <name>-imap.txt, <name>-smtp.txt and <name>-imap-smtp.txt (which ones depends on its domains), so no allowlist's name may be another's followed by -imap",
    ),
  nftFamilyMismatch: (target: string, table: string, family: 4 | 6) =>
    error(
      "NFT_FAMILY_MISMATCH",
      `Firewall \`${target}\` fills table \`${table}\`, which cannot match IPv${family} sources, but the HubSpot lists it needs have IPv${family} entries: HubSpot would be refused from them.`,
      "use an `inet` table (it matches IPv4 and IPv6), or another firewall for the other family",
    ),
  invalidWindowsGroup: (text: string) =>
    error(
      "INVALID_WINDOWS_GROUP",
      `Invalid Windows Firewall rule group ${quote(text)}: 1-100 characters of letters, digits, space, . _ ( ) and -, starting with a letter or digit.`,
      "leave `group` out for mailgate-<firewall name>",
    ),
  allowlistTooLarge: (target: string, file: string, entries: number, allowed: number) =>
    error(
      "ALLOWLIST_TOO_LARGE",
      `Firewall \`${target}\` needs ${entries} entries in ${file}, but \`maxEntries\` allows ${allowed}; the firewall would skip the entries past its limit and refuse HubSpot from them.`,
      "set `maxEntries` to your firewall's limit (Palo Alto: per model, Objects > External Dynamic Lists > List Capacities; FortiGate before 7.4.4: 131,072 entries or 10 MB per feed), or shorten `hubspot.ipRanges`",
    ),
  // ---- what AWS or HubSpot would refuse, or what is only suspicious (issue 11, part 2)
  ipv4CompatibleAddress: (text: string, ipv4: string, where: string) =>
    error(
      "IPV4_COMPATIBLE_ADDRESS",
      `${quote(text)} in ${where} is an IPv4-compatible IPv6 address (a dotted quad after 96 zero bits), a form RFC 4291 deprecates: no network routes it, and tools disagree on what it means (ipaddr.js reads it as ::ffff:${ipv4.split("/")[0]}, another address).`,
      `write the IPv4 address: ${ipv4}; an IPv6 address is written in hex`,
    ),
  ipv4MappedAddress: (text: string, ipv4: string, where: string) =>
    error(
      "IPV4_MAPPED_ADDRESS",
      `${quote(text)} in ${where} is an IPv4-mapped IPv6 address (::ffff:0:0/96, RFC 4291 2.5.5.2): it stands for IPv4 ${ipv4} only inside a dual-stack host's socket API, and on the network that traffic is IPv4. A rule written for the mapped form would match nothing, and ${ipv4} itself would get no rule.`,
      `write the IPv4 ${ipv4.includes("/") ? "block" : "address"}: ${ipv4}`,
    ),
  entryWhitespace: (text: string, list: string) =>
    error(
      "ENTRY_WHITESPACE",
      `${quote(text)} in ${list} has leading or trailing whitespace; list entries are not trimmed, as domains and hosts are not (a stray space usually means a quoting mistake).`,
      `write ${quote(text.trim())}`,
    ),
  broadBlock: (text: string, list: string, minPrefix: number, addresses: bigint) =>
    error(
      "BROAD_IP_LIST",
      `CIDR ${quote(text)} in ${list} is broader than /${minPrefix} (${bigCount(addresses)} addresses); HubSpot's published lists are 264 addresses in blocks of /25 and smaller, so this is not a list of HubSpot's servers.`,
      BROAD_LIST_HINT,
    ),
  broadList: (list: string, addresses: bigint, limit: number) =>
    error(
      "BROAD_IP_LIST",
      `\`${list}\` opens ${bigCount(addresses)} IPv4 addresses, more than ${count(limit)}; each of HubSpot's published lists opens 264.`,
      BROAD_LIST_HINT,
    ),
  broadRangesNotNeeded: () =>
    warning(
      "BROAD_RANGES_NOT_NEEDED",
      "`allowBroadRanges` is set, but no block in these lists is broad (none broader than /16 or /32, at most 65,536 IPv4 addresses per list).",
      "remove it, so that a broad block added later is refused again",
    ),
  invalidReasonText: (problem: SourceTextProblem) =>
    error(
      "INVALID_REASON_TEXT",
      `\`allowBroadRanges\` ${sourceTextReason(problem)}.`,
      "write one line (at most 500 characters) saying why these lists are broad, e.g. who at HubSpot confirmed them and when",
    ),
  broadDestination: (text: string, family: 4 | 6, maxPrefix: number) =>
    warning(
      "BROAD_DESTINATION",
      `Destination ${quote(text)} is broader than /${maxPrefix}, ${family === 4 ? "the largest IPv4 block a VPC can have" : "the IPv6 block AWS gives a VPC"}: HubSpot would reach every server in it, not only your mail servers.`,
      "list the mail servers' addresses (e.g. 10.0.1.25/32) or their subnets",
    ),
  nothingAdmitted: (p: NothingAdmittedFigures) =>
    error(
      "NOTHING_ADMITTED",
      `Firewall \`${p.target}\` admits nothing for ${namesList("domain", p.domains)} from ${p.lists.map((l) => `HubSpot's ${l.list.toUpperCase()} list (tcp/${l.ports.join(", tcp/")})`).join(" and ")}: ` +
        `${p.lists.length === 1 ? "it has" : "they have"} only ${families(p.listFamilies)} addresses, and the firewall's \`destinations\` are all ${families(p.destinationFamilies)}; ` +
        (p.holder.chain !== undefined
          ? `a rule matches a source only with destinations of its own address family (\`ip saddr\` with \`ip daddr\`), so chain \`${p.holder.chain}\` would hold no rule for ${p.lists.length === 1 ? "it" : "them"}.`
          : `a stateful rule pairs a source only with destinations of its own address family, so the rule group would hold no rule for ${p.lists.length === 1 ? "it" : "them"}.`),
      `add the mail servers' ${families(p.listFamilies)} addresses to \`destinations\`${p.holder.chain !== undefined ? ", leave `destinations` out (any address of the host)" : ""}, or remove \`${p.target}\` from these domains' \`firewalls\``,
    ),
  tooManySecurityGroups: (target: string, groups: number, limit: number, maxRules: number) =>
    groups > limit
      ? error(
          "TOO_MANY_SECURITY_GROUPS",
          `Firewall \`${target}\` needs ${groups} security groups, but a network interface takes at most ${limit}` +
            (limit < MAX_GROUPS_PER_INTERFACE
              ? ` with \`maxRules\` ${maxRules} (AWS: rules per group x groups per interface <= 1000).`
              : " (AWS's maximum)."),
          "the mail servers could never be attached to all of them: raise `maxRules` if AWS raised the rules quota (fewer, larger groups), use `sources: cidrs` if the rules reference prefix lists, or split the domains over several firewalls",
        )
      : warning(
          "TOO_MANY_SECURITY_GROUPS",
          `Firewall \`${target}\` needs ${groups} security groups; a network interface takes 5 by default.`,
          `raise "Security groups per network interface" in Service Quotas (at most ${limit} with \`maxRules\` ${maxRules}) before attaching them all, or raise \`maxRules\` if AWS raised the rules quota`,
        ),
  rolePartitionMismatch: (field: "roleArn" | "planRoleArn", partition: string, region: string, regionPartition: string) =>
    error(
      "ROLE_PARTITION_MISMATCH",
      `\`${field}\` is a role in partition ${partition}, but region ${region} is in partition ${regionPartition}; a provider cannot assume a role of another partition.`,
      `write the role as arn:${regionPartition}:iam::<account>:role/<name>, or use a region of partition ${partition}`,
    ),
  ruleOrderChanged: (target: string, was: string, now: string, inferred: boolean) =>
    error(
      "RULE_ORDER_CHANGED",
      `Firewall \`${target}\`'s rule group was created with rule order ${was}${inferred ? " (mailgate created every rule group with STRICT_ORDER before rule order was a field)" : ""}, but \`ruleOrder\` says ${now}; AWS cannot change a rule group's rule order after creation.`,
      `remove \`ruleOrder\` (or write ruleOrder: ${was}) to keep the rule group; to move to ${now}, add a new firewall (another name and another rule group \`name\`) with ruleOrder: ${now}, attach its rule group to a firewall policy of the same rule order, then remove this firewall`,
    ),
  ruleGroupReplaced: (target: string, ruleGroupName: string, was: number, now: number, rules: number) =>
    warning(
      "RULE_GROUP_REPLACED",
      `Firewall \`${target}\`'s rule group ${quote(ruleGroupName)} changes capacity from ${was} to ${now}${rules > was ? ` (its ${rules} rules no longer fit)` : ""}: capacity is fixed at creation, so Terraform replaces the rule group, and AWS refuses to delete it while a firewall policy references it.`,
      `detach it from the firewall policy before the apply and attach the new one after (output ${target}_rule_group_arn)${rules <= was ? `, or keep it with capacity: ${was}` : ""}`,
    ),
  emptyFile: (declaresNothing: string | undefined) =>
    warning(
      "EMPTY_FILE",
      declaresNothing === undefined
        ? "This file is empty (nothing but comments, if anything), so nothing in it is read."
        : `This file declares nothing: ${declaresNothing}.`,
      "if its settings were commented out or deleted by mistake, restore them; otherwise delete the file",
    ),
  portLooksSwapped: (server: "IMAP" | "SMTP", port: number, bothSwapped: boolean) =>
    warning(
      "PORT_LOOKS_SWAPPED",
      `The ${server} server's port is ${port}, ${PORT_NAMES[port] ?? "a port"} of ${server === "IMAP" ? "SMTP" : "IMAP"}; HubSpot ${server === "IMAP" ? "reads mail over IMAP" : "sends mail over SMTP"} here.`,
      bothSwapped
        ? "did you swap `incoming` and `outgoing`? `incoming` is the IMAP server (usually 993), `outgoing` the SMTP server (usually 587 or 465)"
        : server === "IMAP"
          ? "an IMAP server usually listens on 993 (or 143 with STARTTLS)"
          : "an SMTP server for HubSpot usually listens on 587 or 465",
    ),
  exchangeUrlPort: (text: string, port: string) =>
    error(
      "INVALID_PORT",
      `Exchange URL ${quoteUrl(text)} names port ${port}, which is out of range; a TCP port is 1-65535.`,
      "leave the port out for 443, or give the port your EWS server listens on",
    ),
};
