/** What a territory import changes, computed without I/O. */

export interface ReferenceMember {
  siren: string;
  inseeCode: string;
  name: string;
  populationTotal: number;
  populationMunicipal: number;
}

export interface ExistingCommune {
  id: string;
  siren: string;
  inseeCode: string | null;
  name: string;
  inactiveSince: string | null;
}

export interface TerritorySyncPlan {
  added: ReferenceMember[];
  renamed: {
    id: string;
    siren: string;
    from: string;
    to: string;
    inseeCode: string;
  }[];
  reactivated: { id: string; siren: string; name: string }[];
  deactivated: { id: string; siren: string; name: string }[];
}

export function planTerritorySync(existing: ExistingCommune[], reference: ReferenceMember[]): TerritorySyncPlan {
  const existingBySiren = new Map(existing.map((commune) => [commune.siren, commune]));
  const referenceSirens = new Set(reference.map((member) => member.siren));
  const plan: TerritorySyncPlan = {
    added: [],
    renamed: [],
    reactivated: [],
    deactivated: [],
  };

  for (const member of reference) {
    const current = existingBySiren.get(member.siren);
    if (!current) {
      plan.added.push(member);
      continue;
    }
    if (current.name !== member.name || current.inseeCode !== member.inseeCode) {
      plan.renamed.push({
        id: current.id,
        siren: member.siren,
        from: current.name,
        to: member.name,
        inseeCode: member.inseeCode,
      });
    }
    if (current.inactiveSince !== null) {
      plan.reactivated.push({
        id: current.id,
        siren: current.siren,
        name: member.name,
      });
    }
  }
  for (const commune of existing) {
    if (!referenceSirens.has(commune.siren) && commune.inactiveSince === null) {
      plan.deactivated.push({
        id: commune.id,
        siren: commune.siren,
        name: commune.name,
      });
    }
  }
  const bySiren = (a: { siren: string }, b: { siren: string }) => a.siren.localeCompare(b.siren);
  plan.added.sort(bySiren);
  plan.renamed.sort(bySiren);
  plan.reactivated.sort(bySiren);
  plan.deactivated.sort(bySiren);
  return plan;
}

export function isEmptyPlan(plan: TerritorySyncPlan): boolean {
  return plan.added.length + plan.renamed.length + plan.reactivated.length + plan.deactivated.length === 0;
}
