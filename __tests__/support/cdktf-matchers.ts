import { Testing } from "cdktf";
import { expect } from "vitest";

// cdktf's matchers (toHaveResourceWithProperties, ...) are written for jest: they register
// through a global `expect`. Imported by the test files that use them, not as a global setup
// file: loading cdktf costs ~0.2 s per test file, and most files never touch it.
(globalThis as unknown as { expect: typeof expect }).expect = expect;
Testing.setupJest();

interface CdktfMatchers<R = unknown> {
  toHaveResource(resourceType: { tfResourceType: string }): R;
  toHaveResourceWithProperties(resourceType: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toHaveDataSource(dataSourceType: { tfResourceType: string }): R;
  toHaveDataSourceWithProperties(dataSourceType: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toHaveProvider(providerType: { tfResourceType: string }): R;
  toHaveProviderWithProperties(providerType: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toBeValidTerraform(): R;
  toPlanSuccessfully(): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T> extends CdktfMatchers<T> {}
}
