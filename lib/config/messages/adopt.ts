import { error, warning } from "./text";

export const adoptMessages = {
  // ---- adopted.json: rules made by hand that `mailgate adopt` recorded for Terraform import
  adoptedUnreadable: (file: string, reason: string) =>
    error(
      "ADOPTED_UNREADABLE",
      `${file} cannot be read: ${reason}. It lists the rules made by hand that the next apply must import instead of creating (AWS refuses a second rule with the same content), so mailgate will not guess them.`,
      `restore it from git (git checkout -- ${file}), or write it again with mailgate adopt <AWS CLI exports>; delete it once an apply has imported its rules`,
    ),
  adoptedNotPlanned: (file: string, stack: string, address: string, id: string) =>
    warning(
      "ADOPTED_NOT_PLANNED",
      `${file} records ${id} for ${address} in stack ${stack}, which the config no longer plans: no import block is written for it (Terraform refuses an import into an address the configuration does not declare), and ${id} stays in AWS as it is.`,
      `run mailgate adopt again, or remove the entry; once an apply has imported the other rules, ${file} can go`,
    ),
};
