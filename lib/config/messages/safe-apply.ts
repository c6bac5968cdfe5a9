import { error, quote, warning } from "./text";

/**
 * Safe apply (issue 19): what happens while Terraform applies a change, not only after it.
 * Terraform runs the creates and deletes of one apply in no particular order, so these messages
 * speak of the moment both the old and the new rules exist, and of what AWS refuses meanwhile.
 */
export const safeApplyMessages = {
  invalidRenamedFrom: (value: string, name: string) =>
    error(
      "INVALID_RENAMED_FROM",
      value === name
        ? `\`renamedFrom\` names the firewall itself (${quote(value)}).`
        : `Invalid \`renamedFrom\` ${quote(value)}: it must be the firewall's previous name (a letter, then lower-case letters, digits and '-').`,
      "write the name the firewall had before it was renamed, or remove `renamedFrom`",
    ),
  renameConflict: (target: string, from: string, other: string, otherIsDefined: boolean) =>
    error(
      "RENAME_CONFLICT",
      otherIsDefined
        ? `Firewall \`${target}\` says it was renamed from \`${from}\`, but \`${from}\` is still defined: Terraform cannot move resources to a new address while the old one is still declared.`
        : `Firewalls \`${other}\` and \`${target}\` both say they were renamed from \`${from}\`: its resources can move to one address only.`,
      otherIsDefined ? `remove \`${from}\` (this firewall takes its place), or remove \`renamedFrom\`` : `keep \`renamedFrom: ${from}\` on one of them`,
    ),
  renameUnconfirmed: (target: string, was: string, what: string) =>
    error(
      "RENAME_UNCONFIRMED",
      `Firewall \`${target}\` is new, and \`${was}\`, which mailgate placed last time, is gone with the same ${what}: that is a rename. Without saying so, Terraform would destroy every resource of \`${was}\` and create it again under \`${target}\`, in no particular order: HubSpot would be unadmitted meanwhile, and AWS refuses a second group or rule group of the same name.`,
      `add \`renamedFrom: ${was}\` to firewall \`${target}\`: its resources are then moved (Terraform moved blocks), not re-created`,
    ),
  targetIdentityChanged: (target: string, what: string, was: string, now: string, why: string) =>
    error(
      "TARGET_IDENTITY_CHANGED",
      `Firewall \`${target}\` changed its ${what} from ${quote(was)} to ${quote(now)}. ${why}`,
      `leave \`${target}\` as it was and add the new one as another firewall (a new name) for the same domains; apply, attach it where it must be attached, then remove \`${target}\` in a later change`,
    ),
  targetRemoved: (target: string, stack: string, destroyed: string, detach: string | undefined, unused = false) =>
    warning(
      "TARGET_REMOVED",
      `Firewall \`${target}\` ${unused ? "is used by no domain any more" : "is gone from the config"}: ${destroyed.startsWith("its rule group") ? `the next apply of ${stack}` : `the contract apply of ${stack} (the second phase; the expand apply keeps them)`} destroys ${destroyed}.${detach ? ` ${detach}` : ""}`,
      "if another firewall now protects the same servers, attach its groups between the two applies; a rule group cannot wait for the second phase: keep this firewall until the new one is applied and attached, and remove it in a later change",
    ),
  applyPeakOverQuota: (target: string, where: string, peak: number, after: number, allowed: number, leaving: number) =>
    error(
      "APPLY_PEAK_OVER_QUOTA",
      `Firewall \`${target}\`: while the change is applied, ${where} holds ${peak} rules at once (the ${after} it keeps or gains, and ${leaving} leaving that are removed only after the new ones exist), but only ${allowed} fit. AWS would refuse a create halfway through the apply.`,
      "make the change in two steps (first the removals, applied, then the additions), raise `maxRules` if AWS raised the quota, or use another target for some domains",
    ),
  ruleGroupReplacementRefused: (target: string, ruleGroupName: string, was: number, now: number, rules: number) =>
    error(
      "RULE_GROUP_REPLACED",
      `Firewall \`${target}\`'s rule group ${quote(ruleGroupName)} would change capacity from ${was} to ${now}${rules > was ? ` (its ${rules} rules no longer fit)` : ""}. Capacity is fixed at creation: Terraform would destroy the rule group first, and AWS refuses that while a firewall policy references it, so the apply would stop with its rules gone.`,
      `${rules <= was ? `keep it with capacity: ${was}; or ` : ""}give some domains another firewall (a new name and rule group name) and attach its rule group; or detach this rule group from every firewall policy, add \`replaceRuleGroup: true\` for that one apply, then attach the new group (output ${target}_rule_group_arn)`,
    ),
  replaceRuleGroupNotNeeded: (target: string) =>
    warning(
      "REPLACEMENT_NOT_NEEDED",
      `Firewall \`${target}\` says \`replaceRuleGroup: true\`, but its rule group keeps its capacity: nothing is replaced.`,
      "remove `replaceRuleGroup`: left in place, it would let a later capacity change replace the rule group without a word",
    ),
  twoPhaseApply: (target: string, stack: string, leaving: number, created: number) =>
    warning(
      "TWO_PHASE_APPLY",
      `Firewall \`${target}\`: ${leaving} rule${leaving === 1 ? "" : "s"} leave${leaving === 1 ? "s" : ""} while ${created} ${created === 1 ? "is" : "are"} created in their place. Applied at once, Terraform may delete the old ones before the new ones exist, and HubSpot would be unadmitted meanwhile.`,
      `apply ${stack} in two phases: first MAILGATE_PHASE=expand (only creates and updates; attach any new group then), then the default synth (only removes)`,
    ),
};
