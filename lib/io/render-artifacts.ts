// Every file mailgate owns in the artifacts directory, rendered in memory. Here, below the
// pipeline, so that the artifacts worker (artifacts-worker.ts) renders with the same code as
// `check` and the tests, without loading the validator or cdktf.
import { NO_PLACEMENTS, PLACEMENTS_FILE, placementsOf, renderPlacements, type Placements } from "../policy/placements";
import type { Config } from "../model/config";
import type { FirewallPolicy } from "../policy/firewall-policy";
import { PREFILL_JSON_FILE, prefillSettings, renderPrefillJson, renderPrefillMarkdown, type PrefillSettings } from "../artifacts/prefill";
import { renderReport } from "../artifacts/report-files";
import { buildReport } from "../audit/report";
import { renderFirewallArtifacts } from "../firewalls/render";
import type { Artifacts } from "./write-atomic";

/** The prefill JSON and its walk-through, as they appear among the artifacts. */
export function prefillArtifacts(prefill: PrefillSettings): [string, string][] {
  return [
    [PREFILL_JSON_FILE, renderPrefillJson(prefill)],
    ["prefill-settings.md", renderPrefillMarkdown(prefill)],
  ];
}

/**
 * Every file mailgate owns in the artifacts directory, as exact bytes. Synth writes these and
 * `check` compares them with the disk, so both see the same bytes by construction.
 * Throws `CoverageError` (a bug, exit 70) if the policy's rules fail the audit's coverage proof.
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
