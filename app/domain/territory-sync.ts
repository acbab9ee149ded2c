/** What a territory import changes in a cooperative's members, computed without I/O. */

export interface ReferenceMember {
  siren: string;
  inseeCode: string;
  name: string;
  populationTotal: number;
  populationMunicipal: number;
}

/** An organisation of the cooperative, as the import sees it. */
export interface ExistingMember {
  id: string;
  siren: string;
  inseeCode: string | null;
  name: string;
  inactiveSince: string | null;
  /** Listed by the reference data at the last import (not added by hand, like a partner). */
  territoryMember: boolean;
}

interface Change {
  id: string;
  siren: string;
  name: string;
}

export interface TerritorySyncPlan {
  added: ReferenceMember[];
  /** Name or INSEE code changed (a commune renamed, a merger keeping the SIREN). */
  updated: (Change & { previousName: string; previousInseeCode: string | null; inseeCode: string })[];
  /** Known before (added by hand, or listed in an earlier year), listed now. */
  adopted: Change[];
  reactivated: Change[];
  /** Listed at the last import, no longer listed: marked inactive, never deleted. */
  deactivated: Change[];
}

export function planTerritorySync(existing: ExistingMember[], reference: ReferenceMember[]): TerritorySyncPlan {
  const existingBySiren = new Map(existing.map((member) => [member.siren, member]));
  const referenceSirens = new Set(reference.map((member) => member.siren));
  const plan: TerritorySyncPlan = { added: [], updated: [], adopted: [], reactivated: [], deactivated: [] };

  for (const member of reference) {
    const current = existingBySiren.get(member.siren);
    if (!current) {
      plan.added.push(member);
      continue;
    }
    const change = { id: current.id, siren: member.siren, name: member.name };
    if (current.name !== member.name || current.inseeCode !== member.inseeCode) {
      plan.updated.push({
        ...change,
        previousName: current.name,
        previousInseeCode: current.inseeCode,
        inseeCode: member.inseeCode,
      });
    }
    if (!current.territoryMember) plan.adopted.push(change);
    if (current.inactiveSince !== null) plan.reactivated.push(change);
  }
  for (const member of existing) {
    if (member.territoryMember && member.inactiveSince === null && !referenceSirens.has(member.siren)) {
      plan.deactivated.push({ id: member.id, siren: member.siren, name: member.name });
    }
  }
  const bySiren = (a: { siren: string }, b: { siren: string }) => a.siren.localeCompare(b.siren);
  for (const list of Object.values(plan)) list.sort(bySiren);
  return plan;
}

export function isEmptyPlan(plan: TerritorySyncPlan): boolean {
  return Object.values(plan).every((list) => list.length === 0);
}
