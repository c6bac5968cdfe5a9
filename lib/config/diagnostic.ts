import type { SourceExcerpt, SourcePosition } from "../model/position";
import { compareText } from "../model/text";
/**
 * Every problem mailgate can find in a config, as a closed union so tests, docs and CI
 * annotations can rely on the codes. Messages are made in `messages.ts`, nowhere else.
 */
export const DIAGNOSTIC_CODES = [
  // files and YAML
  "NO_CONFIG_FILES",
  "CONFIG_DIR_MISSING",
  "FILE_UNREADABLE",
  "YAML_SYNTAX",
  "NON_CANONICAL_NUMBER",
  "DUPLICATE_KEY",
  // limits and hostile input (README, "Limits")
  "FILE_TOO_LARGE",
  "CONFIG_TOO_LARGE",
  "BINARY_FILE",
  "NOT_UTF8",
  "YAML_LIMIT",
  "FILE_SKIPPED",
  "TOO_MANY_PROBLEMS",
  // shape
  "UNKNOWN_KEY",
  "WRONG_TYPE",
  "MISSING_FIELD",
  "INVALID_PORT",
  // values
  "INVALID_DOMAIN",
  "INVALID_HOST",
  "NON_PUBLIC_HOST",
  "INVALID_EXCHANGE_URL",
  "NON_STANDARD_EWS_PATH",
  "INVALID_REGION",
  "UNKNOWN_REGION",
  "INVALID_VPC_ID",
  "INVALID_SECURITY_GROUP_ID",
  "INVALID_FIREWALL_NAME",
  "INVALID_GROUP_NAME",
  "FIREWALL_TARGET_SHAPE",
  "INVALID_NETWORK_ACL_ID",
  "INVALID_RULE_NUMBERS",
  "INVALID_MAX_RULES",
  "INVALID_CAPACITY",
  "INVALID_RULE_GROUP_NAME",
  "INVALID_CIDR",
  "CIDR_HOST_BITS",
  "CIDR_TOO_BROAD",
  "NON_PUBLIC_CIDR",
  "DUPLICATE_CIDR",
  "EMPTY_LIST",
  "INVALID_SOURCE_TEXT",
  // quotas, found once the policy has counted the rules
  "RULE_QUOTA_EXCEEDED",
  "RULE_NUMBERS_EXHAUSTED",
  "CAPACITY_EXCEEDED",
  "PREFIX_LIST_TOO_LARGE",
  // references and cross-file
  "MISSING_SETTINGS",
  "IMAP_EXCHANGE_CONFLICT",
  "DUPLICATE_DOMAIN",
  "DUPLICATE_FIREWALL",
  "DUPLICATE_HUBSPOT",
  "DUPLICATE_TERRAFORM",
  "INVALID_ACCOUNT_ID",
  "INVALID_ROLE_ARN",
  "ROLE_ACCOUNT_MISMATCH",
  "CONFLICTING_STACK_ROLE",
  "INVALID_STACK_NAME",
  "STACK_NAME_REGION",
  "CONFLICTING_STACK",
  "BACKEND_SHAPE",
  "INVALID_STATE_BUCKET",
  "INVALID_STATE_KEY_PREFIX",
  "INVALID_PROVIDER_VERSION",
  "DUPLICATE_SECURITY_GROUP",
  "DUPLICATE_GROUP_NAME",
  "DUPLICATE_NETWORK_ACL",
  "DUPLICATE_RULE_GROUP",
  "UNDEFINED_FIREWALL",
  "DUPLICATE_FIREWALL_REFERENCE",
  "UNUSED_FIREWALL",
  // safe change: what the previous synth placed (the placements file) against this config
  "PLACEMENTS_UNREADABLE",
  "PREFILL_UNREADABLE",
  "PLACEMENTS_OTHER_CONFIG",
  // rules made by hand that `mailgate adopt` recorded for import (adopted.json, issue 22)
  "ADOPTED_UNREADABLE",
  "ADOPTED_NOT_PLANNED",
  "STACK_MOVE",
  "STACK_CHANGED",
  "EMPTY_STACK",
  "NEW_SECURITY_GROUP",
  "PREFIX_LIST_GROWTH",
  "NO_REMOTE_STATE",
  // firewalls outside AWS: nftables, Windows Firewall, allowlists (issue 14)
  "INVALID_NFT_NAME",
  "NFT_FAMILY_MISMATCH",
  "INVALID_WINDOWS_GROUP",
  "ALLOWLIST_TOO_LARGE",
  // targets outside AWS that would own the same chain, set, rule group or file (issue 18)
  "DUPLICATE_NFT_CHAIN",
  "DUPLICATE_NFT_SET",
  "DUPLICATE_WINDOWS_GROUP",
  "DUPLICATE_ARTIFACT_FILE",
  // what AWS or HubSpot would refuse, or what is only suspicious (issue 11, part 2)
  "IPV4_COMPATIBLE_ADDRESS",
  "IPV4_MAPPED_ADDRESS",
  "ENTRY_WHITESPACE",
  "BROAD_IP_LIST",
  "BROAD_RANGES_NOT_NEEDED",
  "INVALID_REASON_TEXT",
  "BROAD_DESTINATION",
  "NOTHING_ADMITTED",
  "TOO_MANY_SECURITY_GROUPS",
  "ROLE_PARTITION_MISMATCH",
  "RULE_ORDER_CHANGED",
  "RULE_GROUP_REPLACED",
  "EMPTY_FILE",
  "PORT_LOOKS_SWAPPED",
  // safe apply: every moment of an apply, not only its end (issue 19)
  "INVALID_RENAMED_FROM",
  "RENAME_CONFLICT",
  "RENAME_UNCONFIRMED",
  "TARGET_IDENTITY_CHANGED",
  "TARGET_REMOVED",
  "APPLY_PEAK_OVER_QUOTA",
  "TWO_PHASE_APPLY",
  "REPLACEMENT_NOT_NEEDED",
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export type Severity = "error" | "warning";

export type { SourcePosition } from "../model/position";

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** One sentence or two: what is wrong, the value received, why it matters. */
  readonly message: string;
  readonly position: SourcePosition;
  /** The likely fix ("did you mean ...?", the canonical CIDR, ...). */
  readonly hint?: string;
  /** Other places involved (the first definition of a duplicate, the other side of a conflict). */
  readonly related?: readonly SourcePosition[];
  /** The offending source line and the span to underline, for the caret excerpt. */
  readonly excerpt?: SourceExcerpt;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** File, then line, then column, then code: the order people read a file in. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareText(a.position.file, b.position.file) ||
    a.position.line - b.position.line ||
    a.position.column - b.position.column ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}
