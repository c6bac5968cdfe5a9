import type { LivePart } from "../live-part";
import type { NftablesPolicy } from "./plan";
import type { NftablesTarget } from "./target";

/** Not in AWS: nothing to export or compare (its file is the whole truth, and `check` compares it). */
export const nftablesLive: LivePart<NftablesTarget, NftablesPolicy> = {
  compare: () => undefined,
  exportCommands: () => [],
  importable: () => [],
  adoption: () => undefined,
};
