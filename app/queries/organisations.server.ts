import { sql, type Transaction } from "kysely";
import type { DB, OrganisationKind } from "../../db/schema.ts";

type Trx = Transaction<DB>;

export const MEMBER_SORTS = ["name", "population"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

export interface MemberQuery {
  cooperativeId: string;
  search: string;
  sort: MemberSort;
  descending: boolean;
  page: number;
  pageSize: number;
}

export interface MemberRow {
  id: string;
  name: string;
  kind: OrganisationKind;
  siren: string;
  inseeCode: string | null;
  inactiveSince: string | null;
  population: number | null;
  populationYear: number | null;
}

export interface MemberPage {
  rows: MemberRow[];
  total: number;
  page: number;
  pageCount: number;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}

/**
 * A cooperative's member organisations (the operator aside), with each one's
 * latest population figure on the cooperative's default basis. The search
 * ignores accents, case and hyphens, and also matches SIREN and INSEE codes.
 * A page past the end is brought back to the last page.
 */
export async function listMembers(trx: Trx, query: MemberQuery): Promise<MemberPage> {
  const search = query.search.trim();
  const base = trx
    .selectFrom("organisations as o")
    .innerJoin("cooperatives as c", "c.id", "o.cooperative_id")
    .where("o.cooperative_id", "=", query.cooperativeId)
    .where("o.is_operator", "=", false)
    .$if(search.length > 0, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb("o.search_name", "like", sql<string>`'%' || search_key(${escapeLike(search)}) || '%'`),
          eb("o.siren", "like", `${escapeLike(search)}%`),
          eb("o.insee_code", "like", `${escapeLike(search.toUpperCase())}%`),
        ]),
      ),
    );

  const { total } = await base.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
  const page = Math.min(Math.max(1, query.page), pageCount);
  const direction = query.descending ? "desc" : "asc";

  const rows = await base
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("population_figures as pf")
          .select(["pf.population", "pf.year"])
          .whereRef("pf.organisation_id", "=", "o.id")
          .whereRef("pf.basis", "=", "c.default_population_basis")
          .orderBy("pf.year", "desc")
          .limit(1)
          .as("latest"),
      (join) => join.onTrue(),
    )
    .select([
      "o.id",
      "o.name",
      "o.kind",
      "o.siren",
      "o.insee_code as inseeCode",
      "o.inactive_since as inactiveSince",
      "latest.population",
      "latest.year as populationYear",
    ])
    .$call((qb) =>
      query.sort === "population"
        ? qb.orderBy(sql`latest.population ${sql.raw(direction)} nulls last`)
        : qb.orderBy(sql`o.search_name COLLATE "C" ${sql.raw(direction)}`),
    )
    .orderBy("o.siren")
    .limit(query.pageSize)
    .offset((page - 1) * query.pageSize)
    .execute();

  return { rows, total, page, pageCount };
}

export interface OrganisationDetails {
  id: string;
  name: string;
  kind: OrganisationKind;
  siren: string;
  inseeCode: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  inactiveSince: string | null;
  isOperator: boolean;
  territoryMember: boolean;
}

/** An organisation of this cooperative; undefined for another cooperative's (answered 404 by callers). */
export function findOrganisation(
  trx: Trx,
  cooperativeId: string,
  id: string,
): Promise<OrganisationDetails | undefined> {
  return trx
    .selectFrom("organisations")
    .select([
      "id",
      "name",
      "kind",
      "siren",
      "insee_code as inseeCode",
      "contact_email as contactEmail",
      "contact_phone as contactPhone",
      "inactive_since as inactiveSince",
      "is_operator as isOperator",
      "territory_member as territoryMember",
    ])
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
}

export interface OrganisationInput {
  name: string;
  kind: OrganisationKind;
  siren: string;
  inseeCode?: string | undefined;
  contactEmail?: string | undefined;
  contactPhone?: string | undefined;
  inactiveSince?: string | undefined;
}

const columns = (input: OrganisationInput) => ({
  name: input.name,
  kind: input.kind,
  siren: input.siren,
  insee_code: input.inseeCode ?? null,
  contact_email: input.contactEmail ?? null,
  contact_phone: input.contactPhone ?? null,
  inactive_since: input.inactiveSince ?? null,
});

/** Adds a member organisation; "duplicate" when the cooperative already has this SIREN. */
export async function addOrganisation(
  trx: Trx,
  cooperativeId: string,
  input: OrganisationInput,
): Promise<{ id: string } | "duplicate"> {
  const inserted = await trx
    .insertInto("organisations")
    .values({ cooperative_id: cooperativeId, ...columns(input) })
    .onConflict((conflict) => conflict.columns(["cooperative_id", "siren"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted ?? "duplicate";
}

/** Edits an organisation (never deletes: inactive from a date instead). */
export async function updateOrganisation(
  trx: Trx,
  cooperativeId: string,
  id: string,
  input: OrganisationInput,
): Promise<"updated" | "duplicate" | "missing"> {
  const clash = await trx
    .selectFrom("organisations")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .where("siren", "=", input.siren)
    .where("id", "<>", id)
    .executeTakeFirst();
  if (clash) return "duplicate";
  const result = await trx
    .updateTable("organisations")
    .set({ ...columns(input), updated_at: new Date() })
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? "updated" : "missing";
}
