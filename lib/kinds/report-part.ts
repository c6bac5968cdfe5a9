import type { ReportNeed, ReportRule, Row } from "../audit/report-rows";

/**
 * The audit's part of a kind (lib/kinds/reports.ts holds one per kind): the plan's rows in the
 * report (which the coverage proof reads), its target entry, and how the Markdown report and
 * `mailgate diff` describe it. `P` is the kind's plan, `R` its report entry.
 */
export interface ReportPart<P, R> {
  /** One row per rule the plan writes, with what the proof and the sorting need. */
  rows(p: P): Row[];
  /** The plan's entry in the report's `targets`; `rules` counts its rows. */
  target(p: P, rules: number, needs: readonly ReportNeed[]): R;
  /** Markdown: what the target is, under its heading. */
  details(t: R): string[];
  /** Markdown: the table of its rules (`rules` are the report's rows of this target). */
  ruleTable(t: R, rules: readonly ReportRule[]): string[];
  /** Diff: what the place of its rules is called (`Security group: a → b`). */
  readonly placeLabel: string;
  /** Diff: where its rules are. */
  placeText(t: R): string;
  /** Diff: what a change between two entries of the kind means beyond its rules. */
  changeNotes(name: string, before: R, after: R): string[];
  /** Diff: what to do once the change is merged when Terraform does not apply it; undefined in AWS. */
  applyNote(t: R, removed: boolean): string | undefined;
}
