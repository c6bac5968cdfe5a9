import type { IpCatalog } from "../model/ip-catalog";

/**
 * The rendering part of a kind (lib/kinds/renders.ts holds one per kind): the files a plan writes
 * under the artifacts directory, as exact bytes. An AWS kind writes none: its rules are the
 * constructs of lib/aws, made by its construct part (lib/kinds/<kind>/construct.ts).
 */
export interface RenderPart<P> {
  /** `[path relative to the artifacts directory, bytes]`, in the order written. */
  files(p: P, catalog: IpCatalog): [string, string][];
}
