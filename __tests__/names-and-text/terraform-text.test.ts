import { describe, expect, test } from "vitest";
import { terraformName } from "../../lib/terraform/text";

describe("terraformName", () => {
  test.each([
    [["mail-use1", "tcp993", "143.244.82.8/30"], "mail-use1_tcp993_143-244-82-8-30"],
    [["mail", "tcp443", "2600:1f18:1::/48"], "mail_tcp443_2600-1f18-1---48"],
    [["1st-target", "group"], "_1st-target_group"],
    [["-x"], "_-x"],
    [["_x"], "_x"],
    [["a b", "c"], "a-b_c"],
    [["exämple", "${x}"], "ex-mple_--x-"],
    [[""], ""],
  ])("%j -> %s", (parts, expected) => {
    expect(terraformName(...parts)).toBe(expected);
    // Parts are remembered between calls: a second call must give the same name.
    expect(terraformName(...parts)).toBe(expected);
  });
});
