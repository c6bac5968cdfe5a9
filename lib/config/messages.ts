import type { DiagnosticCode, Severity, SourcePosition } from "./diagnostic";

/**
 * Every config message is made here and nowhere else (as in cdktf's lib/errors.ts), so wording
 * stays consistent and reviewable in one place. Each says what was wrong, the value received,
 * and the likely fix (in `hint`). Values the user wrote are in double quotes, keys and names in
 * backticks, positions as file:line:col.
 */
export interface Problem {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
}

export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

function error(code: DiagnosticCode, message: string, hint?: string): Problem {
  return hint === undefined ? { code, severity: "error", message } : { code, severity: "error", message, hint };
}

function warning(code: DiagnosticCode, message: string, hint?: string): Problem {
  return hint === undefined ? { code, severity: "warning", message } : { code, severity: "warning", message, hint };
}

function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}

/** A config value as the user wrote it, short enough for one line. */
function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}

/** A received value as shown in messages: strings quoted, collections by kind. */
export function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return quote(value);
  return String(value);
}

/**
 * Zod's type names in user words. Every number in the format is an integer (see schema.ts), so
 * zod's "number" (reported when the value is not a number at all) is also "an integer".
 */
const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "an integer",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/** The usual YAML typing surprises: `10` read as a number, `"993"` kept as a string. */
function wrongTypeHint(expected: string, received: unknown, written: string | undefined): string | undefined {
  if (expected === "string" && (typeof received === "number" || typeof received === "boolean") && written) {
    return `YAML reads ${written} as a ${typeof received}: put it in quotes, "${written}"`;
  }
  if ((expected === "number" || expected === "int") && typeof received === "string" && /^\d+$/.test(received)) {
    return `write the number without quotes: ${received}`;
  }
  return undefined;
}

export type SourceTextProblem =
  | { readonly kind: "empty" | "whitespace-only" | "control-character" }
  | { readonly kind: "too-long"; readonly length: number };

function sourceTextReason(p: SourceTextProblem): string {
  switch (p.kind) {
    case "empty":
      return "is empty";
    case "whitespace-only":
      return "is only whitespace";
    case "control-character":
      return "contains a line break, tab or other control character";
    case "too-long":
      return `is ${p.length} characters long`;
  }
}

export type GroupNameProblem =
  | { readonly kind: "empty" | "reserved-prefix" }
  | { readonly kind: "too-long"; readonly length: number; readonly max: number }
  | { readonly kind: "bad-character"; readonly character: string }
  | { readonly kind: "template"; readonly opener: string };

function groupNameReason(p: GroupNameProblem): string {
  switch (p.kind) {
    case "empty":
      return "it is empty";
    case "reserved-prefix":
      return "AWS reserves names starting with sg-";
    case "too-long":
      return `it is ${p.length} characters long; the limit is ${p.max}`;
    case "bad-character":
      return `it contains ${JSON.stringify(p.character)}, which AWS does not allow`;
    case "template":
      return `it contains \`${p.opener}\`, which Terraform would evaluate as an expression; mailgate writes names literally`;
  }
}

/** A URL as quoted in messages, with any user name and password masked. */
function quoteUrl(text: string): string {
  return quote(text.replace(/\/\/[^/@]*@/, "//***@"));
}

const KIND_LABEL = { imap: "IMAP", exchange: "Exchange" } as const;
type SettingsKind = keyof typeof KIND_LABEL;

export const messages = {
  // ---- files and YAML
  configDirMissing: (dir: string) =>
    error(
      "CONFIG_DIR_MISSING",
      `The config directory ${quote(dir)} does not exist or is not a directory.`,
      "create it with your *.yaml files, or set MAILGATE_CONFIG to the directory that has them",
    ),
  noConfigFiles: (dir: string) =>
    error(
      "NO_CONFIG_FILES",
      `The config directory ${quote(dir)} has no *.yaml or *.yml files.`,
      "add a file such as domains.yaml (files and folders starting with a dot are ignored)",
    ),
  fileUnreadable: (reason: string) => error("FILE_UNREADABLE", `This file cannot be read: ${reason}.`),
  yamlProblem: (severity: Severity, yamlMessage: string) =>
    severity === "error"
      ? error("YAML_SYNTAX", `YAML syntax error: ${yamlMessage}.`)
      : warning("YAML_SYNTAX", `YAML warning: ${yamlMessage}.`),
  duplicateKey: (key: string) =>
    error(
      "DUPLICATE_KEY",
      `The key \`${key}\` appears more than once in the same mapping.`,
      "merge the two entries, or rename one of them",
    ),
  tooManyAliases: (yamlMessage: string) => error("YAML_SYNTAX", `YAML alias problem: ${yamlMessage}.`),

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

  // ---- references and cross-file
  missingSettings: (domain: string) =>
    error(
      "MISSING_SETTINGS",
      `Domain ${domain} has neither \`imap\` nor \`exchange\` settings.`,
      "add `imap:` (incoming and outgoing servers) or `exchange:` (the EWS url)",
    ),
  imapExchangeConflict: (domain: string, here: SettingsKind, there: SettingsKind, other: SourcePosition) =>
    error(
      "IMAP_EXCHANGE_CONFLICT",
      `Domain ${domain} has ${KIND_LABEL[here]} settings here and ${KIND_LABEL[there]} settings at ${formatPosition(other)}; HubSpot allows IMAP or Exchange settings for a domain, not both.`,
      `keep one: remove the \`${here}\` settings here or the \`${there}\` settings at ${formatPosition(other)}`,
    ),
  duplicateDomain: (domain: string, kind: SettingsKind, first: SourcePosition) =>
    error(
      "DUPLICATE_DOMAIN",
      `Domain ${domain} already has ${KIND_LABEL[kind]} settings at ${formatPosition(first)}.`,
      "HubSpot keeps one settings entry per domain: merge the two entries",
    ),
  duplicateFirewall: (name: string, first: SourcePosition) =>
    error(
      "DUPLICATE_FIREWALL",
      `Firewall \`${name}\` is defined here and at ${formatPosition(first)}.`,
      "rename one of them, or delete the copy",
    ),
  duplicateHubspot: (first: SourcePosition) =>
    error(
      "DUPLICATE_HUBSPOT",
      `The \`hubspot\` section is defined here and at ${formatPosition(first)}; only one file may define it.`,
      "merge the two sections into one file",
    ),
  duplicateSecurityGroup: (id: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_SECURITY_GROUP",
      `Firewall \`${name}\` targets security group ${id}, which firewall \`${otherName}\` at ${formatPosition(first)} also targets.`,
      "use one firewall name for the group and list it in every domain that needs it",
    ),
  duplicateGroupName: (groupName: string, vpcId: string, region: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_GROUP_NAME",
      `Firewall \`${name}\` would create security group ${quote(groupName)} in ${vpcId} (${region}), as firewall \`${otherName}\` at ${formatPosition(first)} does.`,
      "AWS group names are unique per VPC: use one firewall for both, or give the groups different names",
    ),
  undefinedFirewall: (name: string, suggestion: string | undefined) =>
    error(
      "UNDEFINED_FIREWALL",
      `Firewall \`${name}\` is not defined in any config file.`,
      didYouMean(suggestion) ?? "define it under `firewalls:` in some file",
    ),
  duplicateFirewallReference: (name: string, first: SourcePosition) =>
    warning(
      "DUPLICATE_FIREWALL_REFERENCE",
      `Firewall \`${name}\` is already listed at ${formatPosition(first)}.`,
      "remove the repeat",
    ),
  unusedFirewall: (name: string) =>
    warning(
      "UNUSED_FIREWALL",
      `Firewall \`${name}\` is not used by any domain, so mailgate makes no rules for it.`,
      "list it under a domain's `firewalls:`, or delete it",
    ),
};
