import * as path from "node:path";
import { compareDiagnostics, type Diagnostic } from "./config/diagnostic";
import { readConfigFile } from "./config/files";
import { messages } from "./config/messages";
import type { Config } from "./model/config";
import type { FirewallPolicy } from "./policy/firewall-policy";
import { NO_PLACEMENTS, PLACEMENTS_FILE, placementsOf, renderPlacements, type Placements } from "./policy/placements";
import {
  NO_PREVIOUS_PREFILL,
  parsePrefillJson,
  PREFILL_JSON_FILE,
  prefillSettings,
  renderPrefillJson,
  renderPrefillMarkdown,
  type PrefillSettings,
  type PreviousPrefill,
} from "./artifacts/prefill";
import type { Artifacts } from "./io/write-atomic";
import { renderReport } from "./artifacts/report-files";
import { buildReport } from "./audit/report";
import { renderFirewallArtifacts } from "./firewalls/render";
import { validateConfig, type ValidateOptions } from "./validate";

export type Prepared =
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly config: Config;
      readonly policy: FirewallPolicy;
      /** Where everything is after this config: the stacks to synthesize, emptied ones included. */
      readonly placements: Placements;
      /** The expand phase's policy: `policy` plus the rules leaving targets that stay (lib/policy/leaving.ts). */
      readonly expand: FirewallPolicy;
      /** The prefill settings in `artifacts`, domains to remove in HubSpot included. */
      readonly prefill: PrefillSettings;
      /** Everything for the artifacts directory, rendered in memory so nothing is written on error. */
      readonly artifacts: Artifacts;
    };

/**
 * Directories of the artifacts directory that mailgate owns whole: synth removes the files in them
 * it no longer produces (a removed target's lists) and `check` reports them. Everything else in the
 * artifacts directory that mailgate does not produce is the team's.
 */
export const OWNED_DIRECTORIES: readonly string[] = ["firewalls"];

/** The prefill JSON and its walk-through, as they appear among the artifacts. */
export function prefillArtifacts(prefill: PrefillSettings): [string, string][] {
  return [
    [PREFILL_JSON_FILE, renderPrefillJson(prefill)],
    ["prefill-settings.md", renderPrefillMarkdown(prefill)],
  ];
}

/**
 * Everything up to (not including) writing: load, validate (quotas included), policy, artifacts.
 * No I/O but reads. `options.outDir` is read for the last synth's placements and prefill settings.
 * Throws `CoverageError` (a bug, exit 70) if the policy's rules fail the audit's coverage proof.
 */
export function prepare(configDir: string, options: ValidateOptions = {}): Prepared {
  const { config, policy, placements, expand, diagnostics } = validateConfig(configDir, options);
  const previous = options.outDir === undefined ? NO_PREVIOUS_PREFILL : readPreviousPrefill(options.outDir);
  if ("error" in previous) return { ok: false, diagnostics: [...diagnostics, previous.error].sort(compareDiagnostics) };
  if (!config || !policy || !placements || !expand) return { ok: false, diagnostics };
  const prefill = prefillSettings(config, policy.catalog, previous);
  return { ok: true, diagnostics, config, policy, placements, expand, prefill, artifacts: renderArtifacts(config, policy, placements, prefill) };
}

/**
 * Large enough for the prefill settings of the largest config the loader reads (8 MiB of YAML,
 * some 40,000 domains) and years of removed domains; small enough to read in well under a second.
 */
const MAX_PREFILL_BYTES = 32 * 1024 * 1024;

/** `<outDir>/prefill-settings.json`, as shown in messages. */
export function prefillPath(outDir: string): string {
  return path.join(outDir, PREFILL_JSON_FILE).split(path.sep).join("/");
}

/**
 * The domains the last synth's prefill settings list; none when the file is absent (a first
 * synth). Read like a config file (lib/config/files.ts): only a regular file, never more than a
 * bound, never blocking, so a link to /dev/zero or a FIFO is refused at once.
 */
export function readPreviousPrefill(outDir: string): PreviousPrefill | { readonly error: Diagnostic } {
  const file = prefillPath(outDir);
  const refused = (reason: string) => ({ error: { ...messages.prefillUnreadable(file, reason), position: { file, line: 1, column: 1 } } });
  const read = readConfigFile(path.join(outDir, PREFILL_JSON_FILE), MAX_PREFILL_BYTES);
  if (!("text" in read)) {
    switch (read.kind) {
      case "unreadable":
        return read.reason === "ENOENT" || read.reason === "ENOTDIR" ? NO_PREVIOUS_PREFILL : refused(read.reason);
      case "not-regular":
        return refused(`it is ${read.what}, not a file`);
      case "too-large":
        return refused(`it has ${read.size} bytes, more than the ${read.limit} mailgate reads`);
      default:
        return refused("it is not UTF-8 text");
    }
  }
  const parsed = parsePrefillJson(read.text);
  return "error" in parsed ? refused(parsed.error) : parsed;
}

/**
 * Every file mailgate owns in the artifacts directory, as exact bytes. Synth writes these and
 * `check` compares them with the disk, so both see the same bytes by construction.
 */
export function renderArtifacts(
  config: Config,
  policy: FirewallPolicy,
  placements: Placements = placementsOf(policy, NO_PLACEMENTS),
  prefill: PrefillSettings = prefillSettings(config, policy.catalog),
): Artifacts {
  return new Map([
    ...prefillArtifacts(prefill),
    ...renderReport(buildReport(config, policy, placements)),
    [PLACEMENTS_FILE, renderPlacements(placements)],
    // Targets outside AWS: firewalls/<target>.nft, .ps1, <target>-<list>.txt.
    ...renderFirewallArtifacts(policy),
  ]);
}
