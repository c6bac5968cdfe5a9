/**
 * The policy layer's public face, for the layers above it (audit, aws, artifacts, the CLI and
 * tests): its types, where rules are born (needs.ts) and the orchestrator (build.ts). Modules
 * inside lib/policy import the file they need instead, so the layer has no import cycle.
 */
export * from "./types";
export { compareText, endpointText, mergeProvenance, needsOf, rulesFor, unique } from "./needs";
export { buildPolicy, prefixListsUsedBy } from "./build";
export { isAwsPolicy } from "../kinds/plans";
