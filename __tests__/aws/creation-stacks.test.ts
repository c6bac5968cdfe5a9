import { App, type IInterpolatingParent, StringMap, TerraformStack, Token } from "cdktf";
import { describe, expect, it } from "vitest";
import { withoutCreationStacks } from "../../lib/aws/creation-stacks";

// cdktf keeps the stack where each token was made in `creationStack`; the window leaves it empty.
function madeToken(): { creationStack: string[] } {
  const app = new App({ outdir: "unused" });
  const stack = new TerraformStack(app, "s");
  // What a provider resource's constructor makes for its computed tags_all.
  return new StringMap(stack as unknown as IInterpolatingParent, "tags_all") as unknown as { creationStack: string[] };
}

describe("withoutCreationStacks", () => {
  it("leaves cdktf's creation stacks empty inside, and records them again after", () => {
    expect(madeToken().creationStack.length).toBeGreaterThan(0);
    expect(withoutCreationStacks(() => madeToken()).creationStack).toEqual([]);
    expect(madeToken().creationStack.length).toBeGreaterThan(0);
  });

  it("returns what the build returns, and an error thrown inside keeps its own stack", () => {
    expect(withoutCreationStacks(() => Token.isUnresolved("plain"))).toBe(false);
    const thrown = (() => {
      try {
        withoutCreationStacks(() => {
          throw new Error("inside");
        });
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(thrown?.message).toBe("inside");
    expect(thrown?.stack).toMatch(/creation-stacks\.test\.ts/);
    // Put back after a throw too.
    expect(madeToken().creationStack.length).toBeGreaterThan(0);
  });
});
