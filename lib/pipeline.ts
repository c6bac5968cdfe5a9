import type { Diagnostic } from "./config/diagnostic";
import type { Config } from "./model/config";
import type { FirewallPolicy } from "./policy/firewall-policy";
import { prefillSettings, renderPrefillJson, renderPrefillMarkdown } from "./artifacts/prefill";
import type { Artifacts } from "./artifacts/write-atomic";
import { buildReport, renderReport } from "./audit/report";
import { validateConfig } from "./validate";

export type Prepared =
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly config: Config;
      readonly policy: FirewallPolicy;
      /** Everything for the artifacts directory, rendered in memory so nothing is written on error. */
      readonly artifacts: Artifacts;
    };

/**
 * Everything up to (not including) writing: load, validate (quotas included), policy, artifacts.
 * No I/O but reads.
 * Throws `CoverageError` (a bug, exit 70) if the policy's rules fail the audit's coverage proof.
 */
export function prepare(configDir: string): Prepared {
  const { config, policy, diagnostics } = validateConfig(configDir);
  if (!config || !policy) return { ok: false, diagnostics };
  return { ok: true, diagnostics, config, policy, artifacts: renderArtifacts(config, policy) };
}

/**
 * Every file mailgate owns in the artifacts directory, as exact bytes. Synth writes these and
 * `check` compares them with the disk, so both see the same bytes by construction.
 */
export function renderArtifacts(config: Config, policy: FirewallPolicy): Artifacts {
  const prefill = prefillSettings(config, policy.catalog);
  return new Map([
    ["prefill-settings.json", renderPrefillJson(prefill)],
    ["prefill-settings.md", renderPrefillMarkdown(prefill)],
    ...renderReport(buildReport(config, policy)),
  ]);
}
