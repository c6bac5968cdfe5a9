/**
 * Every config message is made in this folder and nowhere else (as in cdktf's lib/errors.ts), so
 * wording stays consistent and reviewable in one place: messages/text.ts has the building blocks,
 * messages/*.ts one section each, and this file gathers them into the one `messages` table every
 * check reports from.
 */
import { adoptMessages } from "./messages/adopt";
import { changeMessages } from "./messages/change-onprem-refusals";
import { fileMessages } from "./messages/files";
import { quotaMessages } from "./messages/quotas-references";
import { safeApplyMessages } from "./messages/safe-apply";
import { shapeMessages } from "./messages/shape-values";

export { describeValue, formatPosition } from "./messages/text";
export type { GroupNameProblem, NothingAdmittedFigures, Problem, SecurityGroupQuotaFigures, SkippedFileReason, SourceTextProblem } from "./messages/text";

export const messages = { ...fileMessages, ...shapeMessages, ...quotaMessages, ...changeMessages, ...safeApplyMessages, ...adoptMessages };
