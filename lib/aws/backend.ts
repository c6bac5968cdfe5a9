import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { TerraformBackendSettings } from "../model/config";
import { escapeTerraformString } from "../terraform/text";

/**
 * One state per stack. Local (default): beside the output directory, with a constant relative
 * path so the JSON is the same on every machine (cdktf's default is absolute), and never inside
 * cdktf.out, whose stack folders cdktf deletes when a stack disappears. S3: one key per stack
 * under the configured prefix.
 */
export function addBackend(stack: TerraformStack, stackName: string, backend: TerraformBackendSettings | undefined): void {
  if (!backend || backend.kind === "local") {
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: escapeTerraformString(backend.bucket),
    key: escapeTerraformString(`${backend.keyPrefix}${stackName}.tfstate`),
    region: backend.region,
    encrypt: true,
  });
  // S3-native locking (Terraform 1.10+); cdktf 0.21's typed config predates the option.
  if (backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
