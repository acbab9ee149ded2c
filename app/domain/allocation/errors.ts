export type AllocationErrorCode =
  | "duplicateMember"
  | "invalidPresence"
  | "notPresent"
  | "missingPopulation"
  | "noBand"
  | "missingUnits"
  | "invalidUnits"
  | "unknownOption"
  | "namedContributorMissing"
  | "zeroWeights"
  | "floorsExceedTotal"
  | "capsBelowTotal"
  | "undistributable"
  | "missingActualCost"
  | "costKeyOrganisationMissing"
  | "notInCostKey";

/** A computation that cannot give a right answer: a French message naming the member (name and SIREN) when there is one. */
export class AllocationError extends Error {
  override readonly name = "AllocationError";
  readonly member: { name: string; siren: string } | undefined;
  constructor(
    readonly code: AllocationErrorCode,
    message: string,
    member?: { name: string; siren: string },
  ) {
    super(message);
    this.member = member && { name: member.name, siren: member.siren };
  }
}

export const describeMember = (member: { name: string; siren: string }) => `${member.name} (SIREN ${member.siren})`;
