import type { Kysely, Transaction } from "kysely";
import { parisToday } from "../../app/domain/format.ts";
import { isEmptyPlan, planTerritorySync, type TerritorySyncPlan } from "../../app/domain/territory-sync.ts";
import { anyOf } from "../any.ts";
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
  /** The EPCI's official name changed (the display name, edited by people, is left alone). */
  renamedFrom: string | null;
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
  today: string = parisToday(),
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

  const existingMembers = await trx
    .selectFrom("organisations")
    .select([
      "id",
      "siren",
      "insee_code as inseeCode",
      "name",
      "inactive_since as inactiveSince",
      "territory_member as territoryMember",
    ])
    .where("cooperative_id", "=", cooperativeId)
    .where("is_operator", "=", false)
    .execute();
  const plan = planTerritorySync(existingMembers, epci.members);

  const idsBySiren = new Map(existingMembers.map((member) => [member.siren, member.id]));
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
          territory_member: true,
        })),
      )
      .returning(["id", "siren"])
      .execute();
    for (const row of inserted) idsBySiren.set(row.siren, row.id);
  }
  for (const change of plan.updated) {
    await trx
      .updateTable("organisations")
      .set({ name: change.name, insee_code: change.inseeCode, updated_at: new Date() })
      .where("id", "=", change.id)
      .execute();
  }
  const setOn = async (
    changes: { id: string }[],
    values: { inactive_since?: string | null; territory_member?: boolean },
  ) => {
    if (changes.length === 0) return;
    await trx
      .updateTable("organisations")
      .set({ ...values, updated_at: new Date() })
      .where(
        "id",
        "=",
        anyOf(
          changes.map((change) => change.id),
          "uuid",
        ),
      )
      .execute();
  };
  await setOn(plan.adopted, { territory_member: true });
  await setOn(plan.reactivated, { inactive_since: null });
  await setOn(plan.deactivated, { inactive_since: today, territory_member: false });

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
    renamedFrom:
      existingCooperative && existingCooperative.epci_name !== epci.name ? existingCooperative.epci_name : null,
    plan,
    figuresAdded: added.length,
  };
}

export function describeImport(report: CooperativeImportReport): string {
  const { plan } = report;
  const heading = `${report.name} (${report.siren})`;
  if (!report.created && !report.renamedFrom && isEmptyPlan(plan) && report.figuresAdded === 0) {
    return `${heading}: no change`;
  }
  const lines = [`${heading}: ${report.created ? "cooperative created" : "updated"}`];
  if (report.renamedFrom) lines.push(`  ~ EPCI renamed: ${report.renamedFrom} -> ${report.name}`);
  if (plan.added.length > 0) lines.push(`  + ${plan.added.length} member organisation(s) added`);
  for (const change of plan.updated) {
    if (change.previousName !== change.name)
      lines.push(`  ~ ${change.siren}: ${change.previousName} -> ${change.name}`);
    if (change.previousInseeCode !== change.inseeCode) {
      lines.push(
        `  ~ ${change.siren} ${change.name}: INSEE code ${change.previousInseeCode ?? "none"} -> ${change.inseeCode}`,
      );
    }
  }
  for (const change of plan.adopted)
    lines.push(`  + ${change.siren} ${change.name}: now listed as a member of the EPCI`);
  for (const change of plan.reactivated) lines.push(`  + ${change.siren} ${change.name}: listed again, active`);
  for (const change of plan.deactivated)
    lines.push(`  - ${change.siren} ${change.name}: no longer listed, marked inactive`);
  if (report.figuresAdded > 0) lines.push(`  + ${report.figuresAdded} population figure(s) added`);
  return lines.join("\n");
}
