import { parseRoleArn, partitionOfRegion } from "../model/aws-account";
import type { NameAt } from "../kinds/check-part";
import { checkPartOf } from "../kinds/checks";
import { AWS_REGION_PATTERN, KNOWN_AWS_REGIONS } from "./aws-regions";
import { checkAwsAccess, type AwsAccess } from "./check-aws-access";
import { FileContext, isPlainMap, type PlainMap } from "./context";
import type { FirewallFact } from "./facts";
import { messages } from "./messages";
import type { Path } from "./source";
import { didYouMean } from "./suggest";

/** Firewall names become parts of Terraform resource names and construct ids. */
const FIREWALL_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Checks one entry of `firewalls:`. The region applies to every kind of target; the other fields
 * are checked only for a known `type` (an unknown one is a schema error). Bounds on numbers and
 * the choice of `sources` are schema rules; a target is built only when every field is valid.
 */
export function checkFirewall(ctx: FileContext, name: string, target: unknown, path: Path): FirewallFact {
  const at = ctx.key(path);
  if (!FIREWALL_NAME.test(name)) ctx.report(messages.invalidFirewallName(name, suggestFirewallName(name)), at);
  if (!isPlainMap(target)) return { name, at };
  const region = typeof target.region === "string" ? checkRegion(ctx, target.region, [...path, "region"]) : undefined;
  const access = checkAwsAccess(ctx, target, path);
  const partitionsAgree = region === undefined || !access || checkPartitions(ctx, access, region, path);
  if (region !== undefined && access?.stack !== undefined) checkStackRegion(ctx, access.stack, region, [...path, "stack"]);
  const fact = checkByType(ctx, { name, at }, target, path, region);
  if (!fact.target) return fact;
  const renamedFrom = checkRenamedFrom(ctx, name, target.renamedFrom, [...path, "renamedFrom"]);
  if (!access || !partitionsAgree || renamedFrom === false) return { ...fact, target: undefined };
  return { ...fact, target: { ...fact.target, ...access, ...(renamedFrom ? { renamedFrom } : {}) } };
}

/** `renamedFrom`: a firewall name, not the target's own; false when bad (reported). */
function checkRenamedFrom(ctx: FileContext, name: string, value: unknown, path: Path): string | undefined | false {
  if (typeof value !== "string") return undefined;
  if (FIREWALL_NAME.test(value) && value !== name) return value;
  ctx.report(messages.invalidRenamedFrom(value, name), ctx.value(path));
  return false;
}

/** The entry's own fields, by its kind (lib/kinds/<kind>/check.ts); an unknown `type` is a schema error. */
function checkByType(ctx: FileContext, nameAt: NameAt, target: PlainMap, path: Path, region: string | undefined): FirewallFact {
  const part = checkPartOf(target.type);
  return part ? part.check(ctx, nameAt, target, path, region) : nameAt;
}

/** A role ARN names its partition; a provider in a region of another partition cannot assume it. */
function checkPartitions(ctx: FileContext, access: AwsAccess, region: string, path: Path): boolean {
  const regionPartition = partitionOfRegion(region);
  let ok = true;
  for (const field of ["roleArn", "planRoleArn"] as const) {
    const arn = access[field];
    const role = arn === undefined ? undefined : parseRoleArn(arn);
    if (role && role.partition !== regionPartition) {
      ctx.report(messages.rolePartitionMismatch(field, role.partition, region, regionPartition), ctx.value([...path, field]));
      ok = false;
    }
  }
  return ok;
}

/**
 * A `stack` name that names another known region (`mailgate-us-east-1` for an eu-west-1 target)
 * is only misleading, so a warning: the region is a whole `-`-separated part of the name
 * (`us-east-1` is not read in `mailgate-us-east-12`), and the target's own region may appear too.
 */
function checkStackRegion(ctx: FileContext, stack: string, region: string, path: Path): void {
  const named = KNOWN_AWS_REGIONS.find((r) => r !== region && new RegExp(`(^|-)${r}(-|$)`).test(stack));
  if (named !== undefined) ctx.report(messages.stackNameRegion(stack, named, region), ctx.value(path));
}

/** Region codes have a fixed shape; one we do not know is only a warning, as AWS adds regions. */
function checkRegion(ctx: FileContext, region: string, path: Path): string | undefined {
  if (!AWS_REGION_PATTERN.test(region)) {
    return ctx.report(messages.invalidRegion(region, didYouMean(region, KNOWN_AWS_REGIONS)), ctx.value(path));
  }
  if (!KNOWN_AWS_REGIONS.includes(region)) {
    ctx.report(messages.unknownRegion(region, didYouMean(region, KNOWN_AWS_REGIONS)), ctx.value(path));
  }
  return region;
}

/** The nearest valid name, when the fix is mechanical (`Mail_USE1` -> `mail-use1`). */
function suggestFirewallName(name: string): string | undefined {
  const candidate = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return FIREWALL_NAME.test(candidate) && candidate !== name ? candidate : undefined;
}
