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

/** Bounded numbers: the code to report them under and AWS's reason for the bound. */
const NUMBER_FIELDS: Record<string, { readonly code: DiagnosticCode; readonly hint: string }> = {
  maxRules: {
    code: "INVALID_MAX_RULES",
    hint: "AWS allows 60 inbound rules per security group by default (up to 1000 with rules x groups per interface <= 1000) and 20 rules per network ACL direction (up to 40), the ACL's default deny rule included",
  },
  from: { code: "INVALID_RULE_NUMBERS", hint: "network ACL rule numbers run from 1 to 32766" },
  to: { code: "INVALID_RULE_NUMBERS", hint: "network ACL rule numbers run from 1 to 32766" },
  capacity: {
    code: "INVALID_CAPACITY",
    hint: "a stateful rule group's capacity is 1-30000; omit `capacity` to let mailgate compute it",
  },
};

/** The figures behind a security group over its quota, for the message. */
export interface SecurityGroupQuotaFigures {
  readonly target: string;
  readonly securityGroupId: string;
  /** "IPv4" or "IPv6". */
  readonly family: string;
  readonly needed: number;
  readonly allowed: number;
  readonly cidrRules: number;
  /** Rules referencing prefix lists, by list: how many rules, each weighing `weight`. */
  readonly prefixListRules: readonly { readonly name: string; readonly rules: number; readonly weight: number }[];
  /** What the same rules would weigh with `sources: cidrs`. */
  readonly cidrAlternative: number;
}

/** `60 = 3 rules x 10 entries of prefix list mailgate-hubspot-imap-ipv4 + ...`: how AWS arrives at the count. */
function weightBreakdown(p: SecurityGroupQuotaFigures): string {
  const parts = [
    ...(p.cidrRules > 0 ? [`${p.cidrRules} CIDR rule${p.cidrRules === 1 ? "" : "s"}`] : []),
    ...p.prefixListRules.map((l) => `${l.rules} rule${l.rules === 1 ? "" : "s"} x ${l.weight} entries of prefix list ${l.name}`),
  ];
  return `${p.needed} = ${parts.join(" + ")}`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1 MiB`, `16 MiB`, `1.5 MiB`, `300 KiB`, `12 bytes`; exact bytes too when not round. */
function bytes(n: number): string {
  const round = (value: number, unit: string) => `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
  const shown = n >= 1024 * 1024 ? round(n / (1024 * 1024), "MiB") : n >= 1024 ? round(n / 1024, "KiB") : `${n} bytes`;
  return n >= 1024 && n % 1024 !== 0 ? `${shown} (${n.toLocaleString("en-US")} bytes)` : shown;
}

/** Why a directory entry named like a config file is not read (see files.ts). */
export type SkippedFileReason =
  | { readonly kind: "symlink-outside"; readonly target: string }
  | { readonly kind: "broken-symlink" | "symlinked-directory" }
  | { readonly kind: "not-regular"; readonly what: string };

function skippedMessage(reason: SkippedFileReason): string {
  switch (reason.kind) {
    case "symlink-outside":
      return `This symlink points outside the config directory (to ${quote(reason.target)}); mailgate does not read it.`;
    case "broken-symlink":
      return "This symlink points to nothing; mailgate skips it.";
    case "symlinked-directory":
      return "This symlink to a directory is not followed; config files in it are not read.";
    case "not-regular":
      return `This is ${reason.what}, not a regular file; mailgate does not read it (reading it could block forever).`;
  }
}

function skippedHint(reason: SkippedFileReason): string | undefined {
  if (reason.kind === "symlink-outside" || reason.kind === "symlinked-directory") {
    return "move the files into the config directory, or point MAILGATE_CONFIG (--config) at the directory that has them";
  }
  return reason.kind === "broken-symlink" ? "remove the link, or point it at a file in the config directory" : undefined;
}

/** What a character YAML does not allow is, for yamlForbiddenCharacter. */
function characterKind(code: number): string {
  if (code === 0xfeff) return "a byte-order mark, allowed only at the start of the file";
  if (code >= 0xd800 && code <= 0xdfff) return "half of a surrogate pair";
  if (code === 0xfffe || code === 0xffff) return "a noncharacter";
  return "a control character";
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
  tooManyAliases: (yamlMessage: string) =>
    error("YAML_LIMIT", `YAML alias problem: ${yamlMessage}.`, "use fewer aliases, or write the repeated settings out"),

  // ---- limits and hostile input (files.ts and parse.ts; docs/limits.md)
  fileTooLarge: (size: number, limit: number) =>
    error(
      "FILE_TOO_LARGE",
      `This file is ${bytes(size)}; mailgate reads config files of at most ${bytes(limit)}, and did not read it.`,
      "split it into several files: every *.yaml and *.yml under the config directory is read",
    ),
  configTooLarge: (total: number, limit: number) =>
    error(
      "CONFIG_TOO_LARGE",
      `With this file the config adds up to ${bytes(total)}, over the limit of ${bytes(limit)} for all files together; mailgate stopped reading here.`,
      "remove files that do not belong in the config directory (generated or binary files?)",
    ),
  binaryFile: (byteOffset: number) =>
    error(
      "BINARY_FILE",
      `This file contains a NUL byte (byte offset ${byteOffset}): it is binary, not YAML text.`,
      "config files are UTF-8 text; move other files out of the config directory or give them a name not ending in .yaml/.yml",
    ),
  utf16File: (littleEndian: boolean) =>
    error(
      "NOT_UTF8",
      `This file is UTF-16 text (${littleEndian ? "little" : "big"}-endian byte-order mark); mailgate reads UTF-8 only.`,
      "save it as UTF-8 (most editors: \"Save with Encoding\" > UTF-8)",
    ),
  notUtf8: (byteOffset: number, byte: number) =>
    error(
      "NOT_UTF8",
      `This file is not valid UTF-8: byte 0x${byte.toString(16).padStart(2, "0")} at byte offset ${byteOffset} does not belong to a UTF-8 character.`,
      "save it as UTF-8; a file saved as Latin-1 or Windows-1252 shows this at its first accented letter",
    ),
  yamlTooDeep: (limit: number) =>
    error(
      "YAML_LIMIT",
      `The YAML is nested more than ${limit} levels deep here; mailgate stops reading the file at this point.`,
      "a mailgate config needs 6 levels: look for unbalanced [ or { brackets",
    ),
  yamlTooManyValues: (limit: number, throughAliases: boolean) =>
    throughAliases
      ? error(
          "YAML_LIMIT",
          `Aliases here would add more than ${count(limit)} values to the file (a "billion laughs" pattern); mailgate does not expand them.`,
          "use fewer aliases, or write the repeated settings out",
        )
      : error(
          "YAML_LIMIT",
          `This file has more than ${count(limit)} values; mailgate stops reading it here.`,
          "a domain takes about 20 values: split the file into several",
        ),
  yamlAliasCycle: (name: string) =>
    error("YAML_LIMIT", `The alias \`*${name}\` is inside the node it refers to, so its value would never end.`, "replace the alias by the settings it should repeat"),
  yamlUnresolvedAlias: (name: string) =>
    error("YAML_SYNTAX", `The alias \`*${name}\` has no anchor \`&${name}\` before it.`, `define the anchor with &${name} before the first *${name}`),

  // ---- YAML reading (read-yaml.ts): what the one reading refuses besides yaml's own errors
  yamlTabIndent: () =>
    error(
      "YAML_SYNTAX",
      "A tab indents this line; YAML indents with spaces only, so this line and the ones after it cannot be read as meant.",
      "indent with spaces (most editors can convert the indentation: \"Convert Indentation to Spaces\")",
    ),
  yamlMultipleDocuments: () =>
    error(
      "YAML_SYNTAX",
      "A second YAML document starts here (`---`); a config file is one document.",
      "remove the `---` line, or move what follows it into a file of its own",
    ),
  yamlTag: (tag: string, yamlMessage: string) =>
    error(
      "YAML_SYNTAX",
      `${tag ? `The tag \`${tag}\`` : "This tag"} is not one mailgate reads (${yamlMessage}); config values are plain text, numbers, true/false, lists and mappings.`,
      "remove the tag and write the value plainly (in quotes if it must stay text)",
    ),
  yamlRepeatedDirective: (directive: string) =>
    error("YAML_SYNTAX", `The directive ${quote(directive)} repeats one given before for this document.`, "keep one of them (a config file needs no directives at all)"),
  yamlLooseNumber: (written: string, canonical: string | undefined) =>
    error(
      "NON_CANONICAL_NUMBER",
      `${quote(written)} is read as ${canonical === undefined ? "a number that is not finite" : `the number ${canonical}`}, written another way; a reviewer or another YAML tool may read it differently.`,
      canonical === undefined || !Number.isInteger(Number(canonical))
        ? `every number in a config is a whole number: write it as one, or put it in quotes ("${written}") if it is text`
        : `write ${canonical}, or put it in quotes ("${written}") if it is text, like an AWS account id`,
    ),
  yamlEmptyKey: () =>
    error(
      "YAML_SYNTAX",
      "This mapping entry has no key (nothing, or `~` / `null`, before its `:`).",
      "write the key's name before the `:`, or remove the entry",
    ),
  yamlForbiddenCharacter: (code: number) =>
    code === 0x0d
      ? error(
          "YAML_SYNTAX",
          "A carriage return ends a line here without a line feed (old Mac line endings); mailgate reads LF or CRLF line endings only.",
          "save the file with LF (or CRLF) line endings",
        )
      : error(
          "YAML_SYNTAX",
          `This line contains the character U+${code.toString(16).toUpperCase().padStart(4, "0")} (${characterKind(code)}), which YAML does not allow in a file.`,
          "delete it; inside double quotes an escape writes any character, e.g. \"\\x1b\"",
        ),
  yamlCollectionKey: () =>
    error(
      "YAML_SYNTAX",
      "This mapping key is a list or a mapping; keys in a mailgate config are names.",
      "write the key as a plain name (a `?` at the start of a line makes what follows a key)",
    ),
  fileSkipped: (reason: SkippedFileReason) => warning("FILE_SKIPPED", skippedMessage(reason), skippedHint(reason)),
  directoryUnreadable: (reason: string) => error("FILE_UNREADABLE", `This directory cannot be listed: ${reason}. Config files in it are not read.`),
  tooManyProblems: (hiddenErrors: number, hiddenWarnings: number, shown: number) =>
    (hiddenErrors > 0 ? error : warning)(
      "TOO_MANY_PROBLEMS",
      `${count(hiddenErrors + hiddenWarnings)} more problems in this file are not shown (${count(hiddenErrors)} errors, ${count(hiddenWarnings)} warnings); the first ${shown} are listed above.`,
      "fix these first; so many usually means the file is not a mailgate config at all",
    ),

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

  // ---- quotas (found once the policy has counted the rules; reported at the firewall's name)
  securityGroupOverQuota: (p: SecurityGroupQuotaFigures) =>
    error(
      "RULE_QUOTA_EXCEEDED",
      `Firewall \`${p.target}\` needs ${p.needed} ${p.family} inbound rules in existing security group ${p.securityGroupId}, but \`maxRules\` allows ${p.allowed}` +
        (p.prefixListRules.length > 0 ? ` (${weightBreakdown(p)}).` : "."),
      [
        "AWS would refuse the rules at apply, and rules already in the group count too. Remedies:",
        "let mailgate create the group instead (`vpcId` and `name`), which splits the rules over as many groups as needed;",
        `raise \`maxRules\` if AWS raised this group's quota (Service Quotas: "Inbound or outbound rules per security group"; rules per group x groups per network interface must stay <= 1000);`,
        ...(p.prefixListRules.length > 0 ? [`use \`sources: cidrs\` (a rule that references a prefix list weighs its max_entries, ${p.cidrAlternative} rules here with CIDRs);`] : []),
        "or move some domains to another firewall",
      ].join(" "),
    ),
  ruleHeavierThanQuota: (target: string, port: number, prefixList: string, weight: number, allowed: number) =>
    error(
      "RULE_QUOTA_EXCEEDED",
      `Firewall \`${target}\`'s rule for tcp/${port} references prefix list ${prefixList}, which weighs ${weight} rules (its max_entries), but \`maxRules\` allows ${allowed} per group.`,
      "raise `maxRules` if AWS raised your quota, or use `sources: cidrs` (one rule per CIDR)",
    ),
  networkAclOverQuota: (target: string, networkAclId: string, direction: "inbound" | "outbound", family: string, needed: number, maxRules: number) =>
    error(
      "RULE_QUOTA_EXCEEDED",
      `Firewall \`${target}\` needs ${needed} ${direction} ${family} rules in network ACL ${networkAclId}, but \`maxRules\` ${maxRules} leaves room for ${maxRules - 1}: the ACL's default deny rule (*) counts against the quota too.`,
      "AWS counts every rule of the ACL per direction and address family (default quota 20, at most 40 after an increase), and the ACL's other rules count too: " +
        "raise `maxRules` if AWS raised the quota and the other rules leave room, or move some domains to a firewall on another ACL or to a security group",
    ),
  networkAclRuleNumbers: (target: string, direction: "inbound" | "outbound", needed: number, from: number, to: number) =>
    error(
      "RULE_NUMBERS_EXHAUSTED",
      `Firewall \`${target}\` needs ${needed} ${direction} rule numbers, but \`ruleNumbers\` ${from}-${to} has only ${to - from + 1}.`,
      `widen the range (e.g. from: ${from}, to: ${Math.min(32766, from + Math.max(2 * needed, 100) - 1)}) and keep the ACL's other rules outside it; mailgate spreads its rules over the range with gaps, so that adding a CIDR rarely renumbers other rules`,
    ),
  ruleGroupCapacity: (target: string, ruleGroupName: string, rules: number, capacity: number, given: boolean) =>
    error(
      "CAPACITY_EXCEEDED",
      given
        ? `Firewall \`${target}\` needs ${rules} stateful rules in rule group ${quote(ruleGroupName)}, but \`capacity\` is ${capacity}.`
        : `Firewall \`${target}\` needs ${rules} stateful rules in rule group ${quote(ruleGroupName)}; a stateful rule group holds at most ${capacity}.`,
      given
        ? "a rule group's capacity is fixed at creation: give a larger `capacity` (changing it replaces the rule group), or omit it to let mailgate size it with room to grow"
        : "split the domains over several firewalls, or list fewer destinations",
    ),
  prefixListTooLarge: (lists: string, family: string, entries: number, max: number) =>
    error(
      "PREFIX_LIST_TOO_LARGE",
      `The HubSpot ${lists} prefix list would have ${entries} ${family} entries; Terraform creates a prefix list in one EC2 request, which takes at most ${max}.`,
      "use `sources: cidrs` on this firewall (one rule per CIDR), or shorten `hubspot.ipRanges`",
    ),
  splitGroupNameTooLong: (target: string, groupName: string, groups: number) =>
    error(
      "INVALID_GROUP_NAME",
      `Firewall \`${target}\` needs ${groups} security groups, named ${quote(groupName)}, ${quote(`${groupName}-2`)} and so on; ${quote(`${groupName}-${groups}`)} would be longer than AWS's 255 characters.`,
      "shorten `name`",
    ),
  splitGroupNameTaken: (target: string, groupName: string, vpcId: string, region: string, otherTarget: string) =>
    error(
      "DUPLICATE_GROUP_NAME",
      `Firewall \`${target}\` needs more than one security group, and one of them would be named ${quote(groupName)} in ${vpcId} (${region}), which firewall \`${otherTarget}\` also creates.`,
      "AWS group names are unique per VPC: rename one of the groups",
    ),

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
  duplicateTerraform: (first: SourcePosition) =>
    error(
      "DUPLICATE_TERRAFORM",
      `The \`terraform\` section is defined here and at ${formatPosition(first)}; only one file may define it.`,
      "merge the two sections into one file",
    ),
  invalidAccountId: (text: string) =>
    error(
      "INVALID_ACCOUNT_ID",
      `Invalid AWS account id ${quote(text)}; an account id is exactly 12 digits.`,
      'copy it from the AWS console (top right) and quote it, e.g. account: "012345678901" (unquoted, YAML drops leading zeros)',
    ),
  invalidRoleArn: (text: string) =>
    error(
      "INVALID_ROLE_ARN",
      `Invalid IAM role ARN ${quote(text)}.`,
      "write arn:aws:iam::<12-digit account>:role/<name> (arn:aws-cn:... or arn:aws-us-gov:... in those partitions)",
    ),
  roleAccountMismatch: (account: string, roleAccount: string) =>
    error(
      "ROLE_ACCOUNT_MISMATCH",
      `\`roleArn\` is a role in account ${roleAccount}, but \`account\` says ${account}; the provider would refuse to run.`,
      "make them agree, or drop `account` (it is taken from the role)",
    ),
  conflictingStackRole: (stack: string, role: string | undefined, otherRole: string | undefined, first: SourcePosition) =>
    error(
      "CONFLICTING_STACK_ROLE",
      `This firewall is in stack ${stack} with ${role ? `role ${role}` : "no role"}, but the firewall at ${formatPosition(first)} in the same stack has ${otherRole ? `role ${otherRole}` : "no role"}; a stack has one AWS provider, so one role.`,
      "give every firewall of one account and region the same `roleArn`",
    ),
  backendShape: (present: readonly string[]) =>
    error(
      "BACKEND_SHAPE",
      `\`terraform.backend\` has ${present.length === 0 ? "no backend" : present.map((k) => `\`${k}\``).join(" and ")}; it needs exactly one.`,
      "write `backend: { s3: { bucket, region } }` for remote state, or leave `terraform` out for local state files",
    ),
  invalidStateBucket: (text: string) =>
    error(
      "INVALID_STATE_BUCKET",
      `Invalid S3 bucket name ${quote(text)}: 3-63 characters of lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.`,
    ),
  invalidStateKeyPrefix: (text: string, reason: string) =>
    error("INVALID_STATE_KEY_PREFIX", `Invalid state key prefix ${quote(text)}: ${reason}.`, 'use a path like "mailgate/" or "network/mailgate/"'),
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
  duplicateNetworkAcl: (id: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_NETWORK_ACL",
      `Firewall \`${name}\` targets network ACL ${id}, which firewall \`${otherName}\` at ${formatPosition(first)} also targets.`,
      "use one firewall name for the ACL (rule numbers would collide) and list it in every domain that needs it",
    ),
  duplicateRuleGroup: (ruleGroupName: string, region: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_RULE_GROUP",
      `Firewall \`${name}\` would create rule group ${quote(ruleGroupName)} in ${region}, as firewall \`${otherName}\` at ${formatPosition(first)} does.`,
      "AWS rule group names are unique per account and region: use one firewall for both, or give the rule groups different names",
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
  invalidStackName: (text: string) =>
    error(
      "INVALID_STACK_NAME",
      `Invalid stack name ${quote(text)}: it becomes a directory under cdktf.out/stacks and a state key.`,
      "write mailgate- followed by lower-case letters, digits and '-', e.g. mailgate-us-east-1 (at most 72 characters)",
    ),
  conflictingStack: (stack: string, field: "region" | "account" | "planRoleArn", value: string | undefined, other: string | undefined, first: SourcePosition) =>
    error(
      "CONFLICTING_STACK",
      `This firewall is in stack ${stack} with ${field === "region" ? "region" : `\`${field}\``} ${value ?? "unset"}, but the firewall at ${formatPosition(first)} in the same stack has ${other ?? "none"}; a stack has one AWS provider.`,
      `give every firewall of stack ${stack} the same \`${field}\`, or a \`stack\` of its own`,
    ),

  // ---- safe change: this config against what the previous synth placed (placements file)
  placementsUnreadable: (file: string, reason: string) =>
    error(
      "PLACEMENTS_UNREADABLE",
      `${file} cannot be read: ${reason}. It records which stacks, groups and rule numbers earlier synths used, so mailgate will not guess them.`,
      `restore it from git (git checkout -- ${file}); delete it only for a config that was never applied`,
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
        `${p.lists.length === 1 ? "it has" : "they have"} only ${families(p.listFamilies)} addresses, and the firewall's \`destinations\` are all ${families(p.destinationFamilies)}; a stateful rule pairs a source only with destinations of its own address family, so the rule group would hold no rule for ${p.lists.length === 1 ? "it" : "them"}.`,
      `add the mail servers' ${families(p.listFamilies)} addresses to \`destinations\`, or remove \`${p.target}\` from these domains' \`firewalls\``,
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

// ---- helpers of the issue 11 block above

/** What a Network Firewall target cannot serve, for NOTHING_ADMITTED. */
export interface NothingAdmittedFigures {
  readonly target: string;
  /** Sorted, unique. */
  readonly domains: readonly string[];
  readonly lists: readonly { readonly list: string; readonly ports: readonly number[] }[];
  readonly listFamilies: readonly (4 | 6)[];
  readonly destinationFamilies: readonly (4 | 6)[];
}

/** AWS: security groups per network interface, at most (5 by default). */
const MAX_GROUPS_PER_INTERFACE = 16;

const BROAD_LIST_HINT =
  "copy the lists from HubSpot's \"View connection IPs\"; if HubSpot really shows this, add `allowBroadRanges: \"<why>\"` to `hubspot.ipRanges` (the reason is shown in the audit report)";

/** What the usual mail ports are, for PORT_LOOKS_SWAPPED. */
const PORT_NAMES: Readonly<Record<number, string>> = {
  25: "the port",
  465: "the implicit-TLS submission port",
  587: "the submission port",
  143: "the port",
  993: "the implicit-TLS port",
};

/** `16,777,216`; past 2^40 a power of two (`2^120`), which reads better than 37 digits. */
function bigCount(n: bigint): string {
  const bits = n.toString(2).length - 1;
  return bits > 40 && n === 1n << BigInt(bits) ? `2^${bits}` : n.toLocaleString("en-US");
}

function families(list: readonly (4 | 6)[]): string {
  return list.map((f) => `IPv${f}`).join(" and ");
}

/** `domain example.com`, `3 domains (a.com, b.com, c.com)`, `12 domains (a.com, b.com, c.com and 9 more)`. */
function namesList(noun: string, names: readonly string[]): string {
  if (names.length === 1) return `${noun} ${names[0]}`;
  const shown = names.slice(0, 3).join(", ");
  return `${names.length} ${noun}s (${names.length > 3 ? `${shown} and ${names.length - 3} more` : shown})`;
}
