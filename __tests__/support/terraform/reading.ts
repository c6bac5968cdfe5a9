/** Reading a plan's actions, and the assertions the tests make on them, with what differs when they fail. */
import { containsUnknown } from "./applied-state";
import type { Action, PlanJson } from "./json";

/** address -> `change.actions` of every resource change in the plan. */
export function resourceActions(plan: PlanJson): Map<string, Action[]> {
  return new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change.actions]));
}

export type ChangeKind = "no-op" | "create" | "delete" | "update" | "replace" | "read" | "forget";

/** One word for an action list: ["delete","create"] and ["create","delete"] are both "replace". */
export function changeKind(actions: readonly Action[]): ChangeKind {
  if (actions.length === 2 && actions.includes("create") && actions.includes("delete")) return "replace";
  if (actions.length === 1) return actions[0];
  throw new Error(`unexpected action list ${JSON.stringify(actions)}`);
}

/** The change kind of one address, or undefined when the plan does not mention it. */
export function kindOf(plan: PlanJson, address: string): ChangeKind | undefined {
  const actions = resourceActions(plan).get(address);
  return actions && changeKind(actions);
}

/** Sorted addresses by change kind (every kind present, possibly empty). */
export function changesByKind(plan: PlanJson): Record<ChangeKind, string[]> {
  const out: Record<ChangeKind, string[]> = { "no-op": [], create: [], delete: [], update: [], replace: [], read: [], forget: [] };
  for (const [address, actions] of resourceActions(plan)) out[changeKind(actions)].push(address);
  for (const list of Object.values(out)) list.sort();
  return out;
}

export const replaced = (plan: PlanJson, address: string): boolean => kindOf(plan, address) === "replace";
export const updated = (plan: PlanJson, address: string): boolean => kindOf(plan, address) === "update";

/** The top-level attributes an update or replace changes, as `name: before -> after` lines (none for a create or delete). */
export function describeChange(plan: PlanJson, address: string): string[] {
  const change = plan.resource_changes?.find((c) => c.address === address)?.change;
  if (!change || !change.before || !change.after) return [];
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])]
    .sort()
    .filter((k) => containsUnknown(unknown[k]) || JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} -> ${containsUnknown(unknown[k]) ? "(known after apply)" : JSON.stringify(after[k])}`);
}

function assertKinds(plan: PlanJson, allowed: readonly ChangeKind[], what: string, nonEmpty: boolean): void {
  const wrong = [...resourceActions(plan)].filter(([, actions]) => !allowed.includes(changeKind(actions)));
  if (wrong.length) {
    const lines = wrong.map(([address, actions]) => [`  ${address}: ${actions.join(", ")}`, ...describeChange(plan, address).map((l) => `      ${l}`)].join("\n"));
    throw new Error(`expected ${what}, but ${wrong.length} resource(s) differ:\n${lines.join("\n")}`);
  }
  if (nonEmpty && !(plan.resource_changes ?? []).length) throw new Error(`expected ${what}, but the plan has no resources`);
}

/** Throws, listing each offending address and its changed attributes, unless every resource is a no-op and every output unchanged. */
export function assertNoOp(plan: PlanJson): void {
  assertKinds(plan, ["no-op"], "every resource a no-op", false);
  const outputs = Object.entries(plan.output_changes ?? {}).filter(([, c]) => !c.actions.every((a) => a === "no-op"));
  if (outputs.length) throw new Error(`expected no output changes, but: ${outputs.map(([name, c]) => `${name} (${c.actions.join(", ")}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)})`).join("; ")}`);
}
/** Throws unless the plan creates at least one resource and does nothing else. */
export const assertCreateOnly = (plan: PlanJson): void => assertKinds(plan, ["create"], "only creates", true);
/** Throws unless the plan deletes at least one resource and otherwise changes nothing. */
export function assertDeleteOnly(plan: PlanJson): void {
  assertKinds(plan, ["delete", "no-op"], "only deletes", true);
  if (!changesByKind(plan).delete.length) throw new Error("expected only deletes, but the plan deletes nothing");
}
