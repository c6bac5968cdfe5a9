import { describe, expect, test } from "vitest";
import { messages } from "../../lib/config/messages";
import { changeMessages } from "../../lib/config/messages/change-onprem-refusals";
import { fileMessages } from "../../lib/config/messages/files";
import { quotaMessages } from "../../lib/config/messages/quotas-references";
import { adoptMessages } from "../../lib/config/messages/adopt";
import { safeApplyMessages } from "../../lib/config/messages/safe-apply";
import { shapeMessages } from "../../lib/config/messages/shape-values";

describe("the messages table gathered from its sections", () => {
  test("no message is defined in two sections (a later one would silently replace the earlier)", () => {
    const sections = [fileMessages, shapeMessages, quotaMessages, changeMessages, safeApplyMessages, adoptMessages].map((s) => Object.keys(s));
    const all = sections.flat();
    expect(all.filter((name, i) => all.indexOf(name) !== i)).toEqual([]);
    expect(Object.keys(messages).sort()).toEqual([...all].sort());
  });
});
