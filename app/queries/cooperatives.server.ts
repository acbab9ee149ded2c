import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Trx = Transaction<DB>;

export interface CooperativeSummary {
  id: string;
  siren: string;
  displayName: string;
  epciName: string;
  defaultPopulationBasis: "total" | "municipal";
  activeMemberCount: number;
  population: number | null;
  populationYear: number | null;
}

function summaries(trx: Trx) {
  return trx
    .selectFrom("cooperatives as c")
    .innerJoin("organisations as operator", (join) =>
      join.onRef("operator.cooperative_id", "=", "c.id").on("operator.is_operator", "=", true),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("population_figures as pf")
          .select(["pf.population", "pf.year"])
          .whereRef("pf.organisation_id", "=", "operator.id")
          .whereRef("pf.basis", "=", "c.default_population_basis")
          .orderBy("pf.year", "desc")
          .limit(1)
          .as("latest"),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      "c.id",
      "c.siren",
      "c.display_name as displayName",
      "c.epci_name as epciName",
      "c.default_population_basis as defaultPopulationBasis",
      "latest.population",
      "latest.year as populationYear",
      eb
        .selectFrom("organisations as o")
        .select((count) => count.fn.countAll<number>().as("n"))
        .whereRef("o.cooperative_id", "=", "c.id")
        .where("o.is_operator", "=", false)
        .where("o.inactive_since", "is", null)
        .as("activeMemberCount"),
    ])
    .$narrowType<{ activeMemberCount: number }>();
}

export function listCooperatives(trx: Trx): Promise<CooperativeSummary[]> {
  return summaries(trx).orderBy("c.display_name").execute();
}

export async function findCooperativeBySiren(trx: Trx, siren: string): Promise<CooperativeSummary | undefined> {
  return summaries(trx).where("c.siren", "=", siren).executeTakeFirst();
}
