import type { Diagnostic } from "./config/diagnostic";
import type { Config } from "./model/config";
import type { FirewallPolicy } from "./policy/firewall-policy";
import { NO_PLACEMENTS, PLACEMENTS_FILE, placementsOf, renderPlacements, type Placements } from "./policy/placements";
import { prefillSettings, renderPrefillJson, renderPrefillMarkdown } from "./artifacts/prefill";
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
      /** Everything for the artifacts directory, rendered in memory so nothing is written on error. */
      readonly artifacts: Artifacts;
    };

/**
 * Directories of the artifacts directory that mailgate owns whole: synth removes the files in them
 * it no longer produces (a removed target's lists) and `check` reports them. Everything else in the
 * artifacts directory that mailgate does not produce is the team's.
 */
export const OWNED_DIRECTORIES: readonly string[] = ["firewalls"];

/**
 * Everything up to (not including) writing: load, validate (quotas included), policy, artifacts.
 * No I/O but reads. `options.outDir` is read for the last synth's placements.
 * Throws `CoverageError` (a bug, exit 70) if the policy's rules fail the audit's coverage proof.
 */
export function prepare(configDir: string, options: ValidateOptions = {}): Prepared {
  const { config, policy, placements, diagnostics } = validateConfig(configDir, options);
  if (!config || !policy || !placements) return { ok: false, diagnostics };
  return { ok: true, diagnostics, config, policy, placements, artifacts: renderArtifacts(config, policy, placements) };
}

/**
 * Every file mailgate owns in the artifacts directory, as exact bytes. Synth writes these and
 * `check` compares them with the disk, so both see the same bytes by construction.
 */
export function renderArtifacts(config: Config, policy: FirewallPolicy, placements: Placements = placementsOf(policy, NO_PLACEMENTS)): Artifacts {
  const prefill = prefillSettings(config, policy.catalog);
  return new Map([
    ["prefill-settings.json", renderPrefillJson(prefill)],
    ["prefill-settings.md", renderPrefillMarkdown(prefill)],
    ...renderReport(buildReport(config, policy, placements)),
    [PLACEMENTS_FILE, renderPlacements(placements)],
    // Targets outside AWS: firewalls/<target>.nft, .ps1, <target>-<list>.txt.
    ...renderFirewallArtifacts(policy),
  ]);
}
