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
