import type { TargetBase } from "../../model/target-base";
import { FIREWALLS_DIR, SOURCE_LIST_KEYS, type SourceListKey } from "../../model/source-lists";
import type { TargetPart } from "../target-part";

/**
 * A perimeter firewall that reads address lists (Palo Alto External Dynamic Lists, FortiGate
 * external threat feeds): mailgate writes `<artifacts>/firewalls/<name>-<list>.txt`.
 */
export type AllowlistTarget = TargetBase & {
  readonly type: "allowlist";
  /**
   * Entries one list may have (the firewall's limit).
   * @default 50000 (lib/kinds/allowlist/plan.ts)
   */
  readonly maxEntries?: number;
};

/** `firewalls/<target>-<key>.txt` */
export function allowlistFile(target: string, key: SourceListKey): string {
  return `${FIREWALLS_DIR}/${target}-${key}.txt`;
}

/** A perimeter firewall: one address list per combination of HubSpot lists a port needs. */
export const allowlistTarget: TargetPart<AllowlistTarget> = {
  aws: false,
  files: (target) => SOURCE_LIST_KEYS.map((key) => allowlistFile(target.name, key)),
  stateless: false,
  destinations: () => undefined,
};
