import { type Kysely, sql } from "kysely";
import { issueRun, rectifyRun, StatementError } from "../../app/queries/statements.server.ts";
import { jsonb } from "../jsonb.ts";
import type { DB } from "../schema.ts";

const MONTPELLIER_EPCI = "243400017";
const MEDICINE_OFFER_TITLE = "Médecine professionnelle et préventive";

/**
 * Montpellier's statements for the demo, as the owner: the previous year issued on 1 December, its cost-key
 * half-years (the shared department at actual cost) on 15 July and 10 January, then one late correction — a commune's adhésion to occupational medicine recorded afterwards, backdated to 1 September of that
 * year (12 agents followed) — issued as a complementary or rectifying statement on 15 January; and this year's run
 * left as a draft to review and issue. Idempotent: an issued year is never issued again, the correction is made
 * once. Returns the line to print.
 */
export async function seedDemoStatements(owner: Kysely<DB>, { year }: { year: number }): Promise<string> {
  const previous = year - 1;
  try {
    return await owner.transaction().execute(async (trx) => {
      const cooperative = await trx
        .selectFrom("cooperatives")
        .select(["id", "display_name"])
        .where("siren", "=", MONTPELLIER_EPCI)
        .executeTakeFirstOrThrow();
      const period = { cooperativeId: cooperative.id, actorUserId: null, publicUrl: "http://localhost:3000" };
      const runs: [1 | 2 | null, string][] = [
        [1, `${previous}-07-15`],
        [null, `${previous}-12-01`],
        [2, `${year}-01-10`],
      ];
      for (const [half, issuedOn] of runs) {
        const issued = await trx
          .selectFrom("statement_runs")
          .select("id")
          .where("cooperative_id", "=", cooperative.id)
          .where("year", "=", previous)
          .where(sql<boolean>`coalesce(half, 0) = ${half ?? 0}`)
          .where("status", "=", "issued")
          .executeTakeFirst();
        if (!issued) await issueRun(trx, { ...period, year: previous, half, issuedOn });
      }
      const corrected = await trx
        .selectFrom("statements as s")
        .innerJoin("statement_runs as r", "r.id", "s.run_id")
        .select("s.id")
        .where("s.cooperative_id", "=", cooperative.id)
        .where("s.year", "=", previous)
        .where("r.half", "is", null)
        // The correction is the only statement of the year run issued after the run.
        .where("s.issued_on", ">", `${previous}-12-01`)
        .executeTakeFirst();
      if (!corrected) {
        const medicine = await trx
          .selectFrom("offers")
          .select("id")
          .where("cooperative_id", "=", cooperative.id)
          .where("title", "=", MEDICINE_OFFER_TITLE)
          .executeTakeFirstOrThrow();
        // The first commune (by SIREN) called last year that did not take occupational medicine.
        const commune = await trx
          .selectFrom("statements as s")
          .innerJoin("organisations as o", "o.id", "s.organisation_id")
          .select(["o.id"])
          .where("s.cooperative_id", "=", cooperative.id)
          .where("s.year", "=", previous)
          .where("o.kind", "=", "commune")
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom("subscriptions as m")
                  .select("m.id")
                  .whereRef("m.organisation_id", "=", "o.id")
                  .where("m.offer_id", "=", medicine.id),
              ),
            ),
          )
          .orderBy("o.siren")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("subscriptions")
          .values({
            cooperative_id: cooperative.id,
            organisation_id: commune.id,
            offer_id: medicine.id,
            starts_on: `${previous}-09-01`,
            ends_on: `${previous}-12-31`,
            declared_units: jsonb({ agents: 1_200 }),
          })
          .execute();
        await rectifyRun(trx, { ...period, year: previous, half: null, issuedOn: `${year}-01-15` });
      }
      await trx
        .insertInto("statement_runs")
        .values({ cooperative_id: cooperative.id, year, half: null })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      const count = await trx
        .selectFrom("statements")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("cooperative_id", "=", cooperative.id)
        .where("year", "=", previous)
        .executeTakeFirstOrThrow();
      return `Demo statements: ${count.n} appels de fonds ${previous} of ${cooperative.display_name} issued (the year, its two cost-key half-years, one late correction); ${year} left as a draft (/appels-de-fonds)`;
    });
  } catch (error) {
    if (error instanceof StatementError) return `Demo statements: ${previous} not issued (${error.message})`;
    throw error;
  }
}
