import type { TargetBase } from "../../model/target-base";
import { FIREWALLS_DIR } from "../../model/source-lists";
import type { TargetPart } from "../target-part";

/** A Windows server's own firewall: mailgate writes `<artifacts>/firewalls/<name>.ps1`. */
export type WindowsFirewallTarget = TargetBase & {
  readonly type: "windows-firewall";
  /** The rule group the script replaces on every run. @default `mailgate-<name>` */
  readonly group: string;
};

/** A Windows server: one PowerShell script, which owns its rule group. */
export const windowsFirewallTarget: TargetPart<WindowsFirewallTarget> = {
  aws: false,
  files: (target) => [`${FIREWALLS_DIR}/${target.name}.ps1`],
  stateless: false,
  destinations: () => undefined,
};
