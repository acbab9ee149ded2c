import type { Kysely, Transaction } from "kysely";
import { isEmptyPlan, planTerritorySync, type TerritorySyncPlan } from "../../app/domain/territory-sync.ts";
import type { DB, PopulationBasis } from "../schema.ts";
import type { ReferenceEpci, TerritoryReference } from "./reference.ts";

export class UnknownEpciError extends Error {
  constructor(readonly codes: string[]) {
    super(
      `Unknown EPCI SIREN ${codes.join(", ")}: not in @etalab/decoupage-administratif's list of EPCIs. Nothing was imported.`,
    );
    this.name = "UnknownEpciError";
  }
}

export interface CooperativeImportReport {
  siren: string;
  name: string;
  created: boolean;
  plan: TerritorySyncPlan;
  figuresAdded: number;
}

/**
 * Imports cooperatives with their operator EPCI and member communes, in one
 * transaction, as the owner. Idempotent: re-running adds only what is new
 * (a newer population year, a new commune), renames, and marks communes no
 * longer listed inactive; nothing is ever deleted.
 */
export async function importTerritories(
  owner: Kysely<DB>,
  epciSirens: string[],
  reference: TerritoryReference,
  today: string = new Date().toISOString().slice(0, 10),
): Promise<CooperativeImportReport[]> {
  const unknown = epciSirens.filter((siren) => !reference.epcis.has(siren));
  if (unknown.length > 0) throw new UnknownEpciError(unknown);
  const epcis = [...new Set(epciSirens)].map((siren) => reference.epcis.get(siren) as ReferenceEpci);

  return owner.transaction().execute(async (trx) => {
    const reports: CooperativeImportReport[] = [];
    for (const epci of epcis) reports.push(await importCooperative(trx, epci, reference, today));
    return reports;
  });
}

async function importCooperative(
  trx: Transaction<DB>,
  epci: ReferenceEpci,
  reference: TerritoryReference,
  today: string,
): Promise<CooperativeImportReport> {
  const existingCooperative = await trx
    .selectFrom("cooperatives")
    .select(["id", "epci_name"])
    .where("siren", "=", epci.siren)
    .executeTakeFirst();

  const cooperativeId =
    existingCooperative?.id ??
    (
      await trx
        .insertInto("cooperatives")
        .values({
          siren: epci.siren,
          epci_name: epci.name,
          display_name: epci.name,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  if (existingCooperative && existingCooperative.epci_name !== epci.name) {
    await trx.updateTable("cooperatives").set({ epci_name: epci.name }).where("id", "=", cooperativeId).execute();
  }

  const operator = await trx
    .insertInto("organisations")
    .values({
      cooperative_id: cooperativeId,
      kind: "epci",
      is_operator: true,
      siren: epci.siren,
      name: epci.name,
    })
    .onConflict((conflict) =>
      conflict.columns(["cooperative_id", "siren"]).doUpdateSet({ name: epci.name, is_operator: true }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();

  const existingCommunes = await trx
    .selectFrom("organisations")
    .select(["id", "siren", "insee_code as inseeCode", "name", "inactive_since as inactiveSince"])
    .where("cooperative_id", "=", cooperativeId)
    .where("kind", "=", "commune")
    .execute();
  const plan = planTerritorySync(existingCommunes, epci.members);

  const idsBySiren = new Map(existingCommunes.map((commune) => [commune.siren, commune.id]));
  if (plan.added.length > 0) {
    const inserted = await trx
      .insertInto("organisations")
      .values(
        plan.added.map((member) => ({
          cooperative_id: cooperativeId,
          kind: "commune" as const,
          siren: member.siren,
          insee_code: member.inseeCode,
          name: member.name,
        })),
      )
      .returning(["id", "siren"])
      .execute();
    for (const row of inserted) idsBySiren.set(row.siren, row.id);
  }
  for (const change of plan.renamed) {
    await trx
      .updateTable("organisations")
      .set({
        name: change.to,
        insee_code: change.inseeCode,
        updated_at: new Date(),
      })
      .where("id", "=", change.id)
      .execute();
  }
  if (plan.reactivated.length > 0) {
    await trx
      .updateTable("organisations")
      .set({ inactive_since: null, updated_at: new Date() })
      .where(
        "id",
        "in",
        plan.reactivated.map((change) => change.id),
      )
      .execute();
  }
  if (plan.deactivated.length > 0) {
    await trx
      .updateTable("organisations")
      .set({ inactive_since: today, updated_at: new Date() })
      .where(
        "id",
        "in",
        plan.deactivated.map((change) => change.id),
      )
      .execute();
  }

  const figures = [
    {
      organisationId: operator.id,
      total: epci.populationTotal,
      municipal: epci.populationMunicipal,
    },
    ...epci.members.map((member) => ({
      organisationId: idsBySiren.get(member.siren) as string,
      total: member.populationTotal,
      municipal: member.populationMunicipal,
    })),
  ].flatMap(({ organisationId, total, municipal }) =>
    (
      [
        ["total", total],
        ["municipal", municipal],
      ] as [PopulationBasis, number][]
    ).map(([basis, population]) => ({
      organisation_id: organisationId,
      cooperative_id: cooperativeId,
      year: reference.year,
      basis,
      population,
      source: reference.source,
    })),
  );
  const added = await trx
    .insertInto("population_figures")
    .values(figures)
    .onConflict((conflict) => conflict.columns(["organisation_id", "year", "basis"]).doNothing())
    .returning("id")
    .execute();

  return {
    siren: epci.siren,
    name: epci.name,
    created: !existingCooperative,
    plan,
    figuresAdded: added.length,
  };
}

export function describeImport(report: CooperativeImportReport): string {
  const { plan } = report;
  const heading = `${report.name} (${report.siren})`;
  if (!report.created && isEmptyPlan(plan) && report.figuresAdded === 0) return `${heading}: no change`;
  const lines = [`${heading}: ${report.created ? "cooperative created" : "updated"}`];
  if (plan.added.length > 0) lines.push(`  + ${plan.added.length} member organisation(s) added`);
  for (const change of plan.renamed) lines.push(`  ~ ${change.siren}: ${change.from} -> ${change.to}`);
  for (const change of plan.reactivated) lines.push(`  + ${change.siren} ${change.name}: listed again, active`);
  for (const change of plan.deactivated)
    lines.push(`  - ${change.siren} ${change.name}: no longer listed, marked inactive`);
  if (report.figuresAdded > 0) lines.push(`  + ${report.figuresAdded} population figure(s) added`);
  return lines.join("\n");
}
