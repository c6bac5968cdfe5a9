// A synth writes nothing on stderr, on every supported Node (issue 20). cdktf 0.21's
// TerraformOutput tests an object or array value with `util.isArray`, which Node 22+ deprecates
// at run time (DEP0044: a warning on stderr at every synth); Node 20 deprecates it only in its
// documentation, so the warning alone would not show the call there. This watches the function
// itself, on any Node: mailgate's stacks must never reach it.
import { afterEach, describe, expect, test, vi } from "vitest";
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { addStacks } from "../../lib/aws/stacks";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";

/** The `util` module object cdktf requires (not an ESM namespace, whose bindings cannot be spied on). */
const nodeUtil = process.getBuiltinModule("node:util") as unknown as { isArray(value: unknown): boolean };

/** Counts calls of `util.isArray` without calling it (the real one would warn on Node 22+). */
function watchIsArray() {
  return vi.spyOn(nodeUtil, "isArray").mockImplementation((value: unknown) => Array.isArray(value));
}

afterEach(() => vi.restoreAllMocks());

describe("no deprecated Node API on the synth path", () => {
  test("GIVEN an output whose value is a plain array WHEN cdktf synthesizes it THEN util.isArray is called (the watch sees cdktf's call)", () => {
    const isArray = watchIsArray();
    const app = new App();
    const stack = new TerraformStack(app, "control");
    new TerraformOutput(stack, "ids", { value: ["sg-0123456789abcdef0"] });
    Testing.synth(stack);
    expect(isArray).toHaveBeenCalled();
  });

  test("GIVEN a target of every type (groups created, existing and split in two) WHEN every stack is synthesized THEN util.isArray is never called", () => {
    const isArray = watchIsArray();
    const cfg = config(
      [imapDomain("example.com", ["sg", "split", "existing", "pl", "acl", "nfw"]), exchangeDomain("corp.example.org", ["sg", "pl", "nfw"])],
      [
        createdGroup("sg"),
        // Two groups: an output per group and the list of both.
        createdGroup("split", "us-east-1", "hubspot-split", { maxRules: 10 }),
        existingGroup("existing", "eu-central-1"),
        createdGroup("pl", "us-east-1", "hubspot-pl", { sources: "prefix-lists" }),
        networkAcl("acl"),
        networkFirewall("nfw", { destinations: ["10.0.1.25/32"] }),
      ],
    );
    const stacks = addStacks(Testing.app(), buildPolicy(cfg));
    const outputs = stacks.map((stack) => Object.keys((JSON.parse(Testing.synth(stack)) as { output?: object }).output ?? {})).flat();
    // Every kind of output was synthesized, the list of a target's groups among them.
    expect(outputs).toEqual(expect.arrayContaining(["sg_security_group_ids", "split_security_group_ids", "existing_security_group_ids"]));
    expect(outputs.length).toBeGreaterThan(6);
    expect(isArray).not.toHaveBeenCalled();
  });
});
