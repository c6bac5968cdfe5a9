/**
 * Every numeric bound of the format, in one place: the schemas enforce them (and the JSON
 * schema for editors shows them); value checks that need a bound (a port inside an Exchange URL,
 * a quota) read it from here rather than restating it.
 */
export const BOUNDS = {
  port: { min: 1, max: 65535 },
  securityGroupMaxRules: { min: 1, max: 1000 },
  /** AWS: 20 rules per direction and family (40 at most), the default deny rule included, so 2 is the least that leaves mailgate one. */
  networkAclMaxRules: { min: 2, max: 40 },
  ruleNumber: { min: 1, max: 32766 },
  capacity: { min: 1, max: 30000 },
  /** One line of free text: `source`, `allowBroadRanges`. */
  text: { min: 1, max: 500 },
} as const;

/** AWS Network Firewall's two evaluation orders for stateful rule groups; a policy's must match its groups'. */
export const RULE_ORDERS = ["DEFAULT_ACTION_ORDER", "STRICT_ORDER"] as const;
