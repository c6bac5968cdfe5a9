import type { FirewallTarget } from "../../model/config";
import type { FileContext, PlainMap } from "../../config/context";
import type { FirewallFact } from "../../config/facts";
import { messages } from "../../config/messages";
import type { Path } from "../../config/source";
import { laterDuplicates } from "../check-clashes";
import type { CheckPart, NameAt } from "../check-part";
import type { WindowsFirewallTarget } from "./target";

/** A Windows server's own firewall: its rule group lands in PowerShell single-quoted strings. */
function checkWindowsFirewall(ctx: FileContext, { name, at }: NameAt, target: PlainMap, path: Path): FirewallFact {
  const group = target.group === undefined ? `mailgate-${name}` : typeof target.group === "string" ? checkGroup(ctx, target.group, [...path, "group"]) : undefined;
  if (group === undefined) return { name, at };
  return {
    name,
    at,
    ownsAt: target.group !== undefined ? ctx.value([...path, "group"]) : at,
    target: { type: "windows-firewall", name, group } satisfies FirewallTarget,
  };
}

/** On one host, a script removes its rule group's rules before adding its own: two targets sharing a group would each remove the other's. */
export const windowsFirewallCheck: CheckPart<WindowsFirewallTarget> = {
  check: (ctx, nameAt, entry, path) => checkWindowsFirewall(ctx, nameAt, entry, path),
  clashes: (owners) =>
    laterDuplicates(
      // Windows compares rule group names without regard to case.
      owners.map((o) => ({ ...o, key: o.target.group.toLowerCase() })),
      (o, first) => messages.duplicateWindowsGroup(o.target.group, o.name, first.name, first.target.group, first.at.position),
    ),
};

/** Lands in PowerShell single-quoted strings and rule names: no quotes, no backticks, no `$`. */
const GROUP = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,99}$/;

function checkGroup(ctx: FileContext, text: string, path: Path): string | undefined {
  if (!GROUP.test(text) || text.endsWith(" ")) return ctx.report(messages.invalidWindowsGroup(text), ctx.value(path));
  return text;
}
