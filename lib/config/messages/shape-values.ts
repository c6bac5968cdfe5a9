import type { SourcePosition } from "../diagnostic";
import { EXPECTED, NUMBER_FIELDS, describeValue, didYouMean, error, formatPosition, groupNameReason, quote, quoteUrl, sourceTextReason, warning, wrongTypeHint, type GroupNameProblem, type SourceTextProblem } from "./text";

export const shapeMessages = {
  // ---- shape
  unknownKey: (key: string, where: string, allowed: readonly string[], suggestion: string | undefined) =>
    error(
      "UNKNOWN_KEY",
      `Unknown key \`${key}\` ${where}.`,
      didYouMean(suggestion) ?? (allowed.length > 0 ? `allowed keys here: ${allowed.join(", ")}` : undefined),
    ),
  /** `expected` is zod's type name; `written` the value's source text, for quoting hints. */
  wrongType: (field: string, expected: string, received: unknown, written: string | undefined) =>
    error(
      "WRONG_TYPE",
      `\`${field}\` must be ${EXPECTED[expected] ?? expected}; received ${describeValue(received)}.`,
      wrongTypeHint(expected, received, written),
    ),
  /** A schema rule `shape.ts` has no translation for: still reported, in zod's words. */
  otherShapeProblem: (field: string, received: unknown, zodMessage: string) =>
    error("WRONG_TYPE", `\`${field}\` is not valid (${zodMessage}); received ${describeValue(received)}.`),
  fileNotMapping: (received: unknown) =>
    error(
      "WRONG_TYPE",
      `A config file must be a mapping; received ${describeValue(received)}.`,
      "start the file with one of the top-level keys `hubspot:`, `domains:` or `firewalls:`",
    ),
  unknownFirewallType: (received: unknown, allowed: readonly string[], suggestion: string | undefined) =>
    error(
      "WRONG_TYPE",
      `Unknown firewall type ${describeValue(received)}; allowed types: ${allowed.join(", ")}.`,
      didYouMean(suggestion),
    ),
  missingField: (field: string, where: string) => error("MISSING_FIELD", `Missing required field \`${field}\` ${where}.`),
  invalidPort: (received: unknown) =>
    error("INVALID_PORT", `Port ${describeValue(received)} is out of range; a TCP port is 1-65535.`, "IMAP is usually 993, SMTP 587 or 465"),
  emptyList: (field: string) =>
    error(
      "EMPTY_LIST",
      `\`${field}\` is an empty list; it needs at least one address or CIDR block.`,
      "copy the list from HubSpot's \"View connection IPs\", or remove `ipRanges` to use the published lists",
    ),
  // ---- values
  invalidSourceText: (problem: SourceTextProblem) =>
    error(
      "INVALID_SOURCE_TEXT",
      `\`source\` ${sourceTextReason(problem)}.`,
      "write one line (at most 500 characters) saying where the lists came from, e.g. HubSpot 'View connection IPs', account 1234, 2026-11-01",
    ),
  invalidDomain: (text: string, reason: string, suggestion: string | undefined) =>
    error(
      "INVALID_DOMAIN",
      `Invalid email domain ${quote(text)}: ${reason}.`,
      suggestion === undefined
        ? "an email domain is the part after @, like example.com"
        : `use ${text.includes("@") ? "the part after @" : "just the domain"}: ${suggestion}`,
    ),
  invalidHost: (field: string, text: string, reason: string, suggestion: string | undefined) =>
    error(
      "INVALID_HOST",
      `Invalid ${field} ${quote(text)}: ${reason}.`,
      suggestion === undefined ? "give a host name like mail.example.com, or an IP address" : `did you mean ${suggestion}?`,
    ),
  nonPublicHost: (host: string, range: string) =>
    warning(
      "NON_PUBLIC_HOST",
      `Host ${host} is not a public address (${range}); HubSpot connects to your servers over the internet.`,
      "give the public name or address HubSpot can reach",
    ),
  exchangeUrlNotUrl: (text: string) =>
    error(
      "INVALID_EXCHANGE_URL",
      `Exchange URL ${quoteUrl(text)} is not a valid absolute URL.`,
      "write the full EWS URL, like https://mail.example.com/EWS/Exchange.asmx",
    ),
  exchangeUrlWhitespace: (text: string) =>
    error("INVALID_EXCHANGE_URL", `Exchange URL ${quoteUrl(text)} has leading or trailing whitespace.`, "remove the spaces"),
  exchangeUrlNotHttps: (text: string, protocol: string) =>
    error(
      "INVALID_EXCHANGE_URL",
      `Exchange URL ${quoteUrl(text)} uses ${protocol.replace(/:$/, "")}; only https is allowed.`,
      "HubSpot connects to EWS over HTTPS: use https://",
    ),
  exchangeUrlCredentials: (text: string) =>
    error(
      "INVALID_EXCHANGE_URL",
      `Exchange URL ${quoteUrl(text)} contains a user name or password.`,
      "remove them: credentials never belong in config (each user signs in in HubSpot)",
    ),
  exchangeUrlBadHost: (host: string, reason: string) =>
    error("INVALID_EXCHANGE_URL", `The Exchange URL's host ${quote(host)} is not valid: ${reason}.`),
  nonStandardEwsPath: (path: string) =>
    warning(
      "NON_STANDARD_EWS_PATH",
      `The Exchange URL's path is ${quote(path)}, not the usual /EWS/Exchange.asmx.`,
      "HubSpot expects the EWS endpoint (https://mail.example.com/EWS/Exchange.asmx), not an Outlook Web App page",
    ),
  invalidRegion: (text: string, suggestion: string | undefined) =>
    error(
      "INVALID_REGION",
      `Invalid AWS region ${quote(text)}; a region looks like us-east-1.`,
      didYouMean(suggestion),
    ),
  unknownRegion: (text: string, suggestion: string | undefined) =>
    warning(
      "UNKNOWN_REGION",
      `AWS region ${quote(text)} is not one mailgate knows.`,
      didYouMean(suggestion) ?? "if AWS opened this region recently, ignore this warning",
    ),
  invalidVpcId: (text: string) =>
    error(
      "INVALID_VPC_ID",
      `Invalid VPC id ${quote(text)}; a VPC id is vpc- followed by 8 or 17 lower-case hex digits.`,
      "copy the id from the VPC console, e.g. vpc-0a1b2c3d4e5f67890",
    ),
  invalidSecurityGroupId: (text: string) =>
    error(
      "INVALID_SECURITY_GROUP_ID",
      `Invalid security group id ${quote(text)}; a group id is sg- followed by 8 or 17 lower-case hex digits.`,
      "copy the id from the EC2 console, e.g. sg-0a1b2c3d4e5f67890; to create a group, give `vpcId` and `name` instead",
    ),
  invalidFirewallName: (text: string, suggestion: string | undefined) =>
    error(
      "INVALID_FIREWALL_NAME",
      `Invalid firewall name ${quote(text)}: it must start with a lower-case letter and have only lower-case letters, digits and hyphens, at most 63 characters.`,
      suggestion === undefined
        ? "the name becomes part of Terraform resource names"
        : `did you mean \`${suggestion}\`? (the name becomes part of Terraform resource names)`,
    ),
  invalidGroupName: (text: string, problem: GroupNameProblem) =>
    error(
      "INVALID_GROUP_NAME",
      `Invalid security group name ${quote(text)}: ${groupNameReason(problem)}.`,
      "use 1-255 characters from a-z A-Z 0-9, space and ._-:/()#,@[]+=&;{}!$*, not starting with sg-",
    ),
  firewallTargetShape: (name: string, present: readonly string[]) =>
    error(
      "FIREWALL_TARGET_SHAPE",
      `Firewall \`${name}\` has ${present.length === 0 ? "neither `securityGroupId` nor `vpcId` and `name`" : present.map((k) => `\`${k}\``).join(" and ")}; it needs exactly one way to find its group.`,
      "give `securityGroupId` to add rules to an existing group, or `vpcId` and `name` to have mailgate create the group",
    ),
  /** A value outside the set the schema allows (`sources: prefix-list`). */
  invalidChoice: (field: string, received: unknown, allowed: readonly string[], suggestion: string | undefined) =>
    error(
      "WRONG_TYPE",
      `\`${field}\` must be one of ${allowed.join(", ")}; received ${describeValue(received)}.`,
      didYouMean(suggestion),
    ),
  /** A number the schema bounds (quotas, rule numbers, capacity), with AWS's reason for the bound. */
  numberOutOfRange: (field: string, key: string, received: unknown, bound: { readonly min: number } | { readonly max: number }) =>
    error(
      NUMBER_FIELDS[key]?.code ?? "WRONG_TYPE",
      `\`${field}\` is ${describeValue(received)}; ${"min" in bound ? `the least allowed is ${bound.min}` : `the most allowed is ${bound.max}`}.`,
      NUMBER_FIELDS[key]?.hint,
    ),
  invalidNetworkAclId: (text: string) =>
    error(
      "INVALID_NETWORK_ACL_ID",
      `Invalid network ACL id ${quote(text)}; an ACL id is acl- followed by 8 or 17 lower-case hex digits.`,
      "copy the id from the VPC console (Network ACLs), e.g. acl-0a1b2c3d4e5f67890",
    ),
  ruleNumbersReversed: (from: number, to: number) =>
    error(
      "INVALID_RULE_NUMBERS",
      `\`ruleNumbers\` runs from ${from} down to ${to}; \`from\` must not be greater than \`to\`.`,
      `did you mean { from: ${to}, to: ${from} }?`,
    ),
  invalidRuleGroupName: (text: string, reason: string) =>
    error(
      "INVALID_RULE_GROUP_NAME",
      `Invalid Network Firewall rule group name ${quote(text)}: ${reason}.`,
      "use 1-128 characters from a-z A-Z 0-9 and -, e.g. hubspot-mail-ingress",
    ),
  destinationTooBroad: (text: string) =>
    error(
      "CIDR_TOO_BROAD",
      `Destination ${quote(text)} matches every address; HubSpot would reach every server behind the firewall, not only your mail servers.`,
      "list the mail servers' addresses or subnets, e.g. 10.0.1.25/32",
    ),
  emptyDestinations: (field: string) =>
    error(
      "EMPTY_LIST",
      `\`${field}\` is an empty list; it needs at least one mail server address or CIDR block.`,
      "list the addresses of the mail servers behind the firewall, e.g. [10.0.1.25/32]",
    ),
  invalidCidr: (text: string, list: string) =>
    error(
      "INVALID_CIDR",
      `${quote(text)} in ${list} is not an IP address or CIDR block.`,
      "write an address (143.244.82.12) or a block (141.193.184.0/27), IPv4 or IPv6",
    ),
  cidrHostBits: (text: string, canonical: string) =>
    error(
      "CIDR_HOST_BITS",
      `CIDR ${quote(text)} has host bits set; the block it names starts at ${canonical.split("/")[0]}.`,
      `did you mean ${canonical}?`,
    ),
  cidrTooBroad: (text: string) =>
    error(
      "CIDR_TOO_BROAD",
      `CIDR ${quote(text)} matches every address; it would open your mail servers to the whole internet.`,
      "list only HubSpot's published ranges",
    ),
  nonPublicCidr: (text: string, range: string) =>
    error(
      "NON_PUBLIC_CIDR",
      `CIDR ${quote(text)} is not public: it overlaps ${range}. HubSpot connects from public addresses.`,
      "check the list against HubSpot's \"View connection IPs\"",
    ),
  duplicateCidr: (text: string, list: string, first: SourcePosition) =>
    warning("DUPLICATE_CIDR", `${quote(text)} is already in ${list} at ${formatPosition(first)}.`, "remove one of them"),
};
