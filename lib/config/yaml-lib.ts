import type * as Yaml from "yaml";

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` library, loaded on first use. It builds positioned documents, which only the slow
 * parse path and diagnostics need; a valid plain config never does (js-yaml reads it), and
 * loading yaml up front cost ~50 ms of every run's start-up.
 */
export function yamlLib(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require("yaml") as typeof Yaml);
}
