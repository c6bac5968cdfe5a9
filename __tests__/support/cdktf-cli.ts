import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "./run";

/** The real cdktf CLI of the development dependencies. */
export const CDKTF = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");

/**
 * Why the real cdktf CLI cannot start under this Node, or undefined when it can. The archived
 * cdktf-cli loads node-pty at start, whose prebuilt binaries stop at Node 22 (ABI 127): under
 * Node 24 it needs a C++ build against headers from outside npm (issue 20). mailgate's own synth
 * needs neither; the CLI's part of the contract is tested wherever the CLI itself runs.
 */
export function cdktfCliCannotRun(): string | undefined {
  const probe = spawnSync(process.execPath, ["-e", `require(require.resolve("@cdktf/node-pty-prebuilt-multiarch", { paths: [${JSON.stringify(path.join(PROJECT_ROOT, "node_modules", "cdktf-cli"))}] }))`], {
    encoding: "utf8",
  });
  if (probe.status === 0) return undefined;
  const why = /^Error: .*$/m.exec(probe.stderr)?.[0] ?? `exit ${probe.status}`;
  return `cdktf-cli cannot start on Node ${process.versions.node} (ABI ${process.versions.modules}): its node-pty does not load (${why})`;
}
