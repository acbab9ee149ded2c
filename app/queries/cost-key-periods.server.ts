import { sql, type Transaction } from "kysely";
import { anyOf } from "../../db/any.ts";
import type { DB } from "../../db/schema.ts";
import { recordEvent } from "../audit.server.ts";
import { formatEuros } from "../domain/allocation/format-fr.ts";
import { periodLabel } from "../domain/statements.ts";

type Trx = Transaction<DB>;

/** A refusal of an actual cost, in French: nothing was written. */
export class ActualCostError extends Error {
  override readonly name = "ActualCostError";
}

export interface ActualCostOfHalf {
  half: 1 | 2;
  /** Null: not entered yet (the half-year cannot be issued). */
  directCents: number | null;
  indirectCents: number | null;
  enteredAt: Date | null;
  /** The half-year's statements are issued: a change now calls for a rectifying statement. */
  issued: boolean;
}

export interface CostKeyOfYear {
  pricingId: string;
  offerId: string;
  offerTitle: string;
  halves: [ActualCostOfHalf, ActualCostOfHalf];
}

const isCostKey = sql<boolean>`p.definition->>'kind' = 'costKey'`;

/** The cost-key pricings in force in a year, by offer title, with the actual cost entered for each half-year. */
export async function listCostKeysOfYear(
  trx: Trx,
  { cooperativeId, year }: { cooperativeId: string; year: number },
): Promise<CostKeyOfYear[]> {
  const pricings = await trx
    .selectFrom("pricings as p")
    .innerJoin("offers as o", "o.id", "p.offer_id")
    .select(["p.id", "p.offer_id", "o.title"])
    .where("p.cooperative_id", "=", cooperativeId)
    .where("p.year_from", "<=", year)
    .where("p.year_to", ">=", year)
    .where(isCostKey)
    .orderBy("o.title")
    .orderBy("p.id")
    .execute();
  if (pricings.length === 0) return [];
  const periods = await trx
    .selectFrom("cost_key_periods")
    .select(["pricing_id", "half", "direct_cents", "indirect_cents", "entered_at"])
    .where(
      "pricing_id",
      "=",
      anyOf(
        pricings.map((pricing) => pricing.id),
        "uuid",
      ),
    )
    .where("year", "=", year)
    .execute();
  const issuedHalves = await trx
    .selectFrom("statement_runs")
    .select("half")
    .where("cooperative_id", "=", cooperativeId)
    .where("year", "=", year)
    .where("status", "=", "issued")
    .where("half", "is not", null)
    .execute();
  const issued = new Set(issuedHalves.map((run) => run.half));
  return pricings.map((pricing) => {
    const halfOf = (half: 1 | 2): ActualCostOfHalf => {
      const period = periods.find((row) => row.pricing_id === pricing.id && row.half === half);
      return {
        half,
        directCents: period?.direct_cents ?? null,
        indirectCents: period?.indirect_cents ?? null,
        enteredAt: period?.entered_at ?? null,
        issued: issued.has(half),
      };
    };
    return {
      pricingId: pricing.id,
      offerId: pricing.offer_id,
      offerTitle: pricing.title,
      halves: [halfOf(1), halfOf(2)],
    };
  });
}

export interface ActualCostInput {
  cooperativeId: string;
  pricingId: string;
  year: number;
  half: 1 | 2;
  directCents: number;
  indirectCents: number;
  actorUserId: string | null;
}

/**
 * Enters (or corrects) the actual cost of a cost key's half-year, audited with the previous amounts. Refused
 * (ActualCostError) for a pricing that is not a cost key of the cooperative in force that year. Returns whether
 * that half-year is already issued (the change then calls for a rectifying statement; the statements stay as they
 * are).
 */
export async function saveActualCost(trx: Trx, input: ActualCostInput): Promise<{ issued: boolean }> {
  const pricing = await trx
    .selectFrom("pricings as p")
    .innerJoin("offers as o", "o.id", "p.offer_id")
    .select(["p.id", "o.title", isCostKey.as("is_cost_key")])
    .where("p.id", "=", input.pricingId)
    .where("p.cooperative_id", "=", input.cooperativeId)
    .where("p.year_from", "<=", input.year)
    .where("p.year_to", ">=", input.year)
    .executeTakeFirst();
  if (!pricing) {
    throw new ActualCostError(`Aucune tarification de la coopérative n'est en vigueur en ${input.year} sous ce nom.`);
  }
  if (!pricing.is_cost_key) {
    throw new ActualCostError(
      `« ${pricing.title} » n'est pas tarifée par clé de répartition : elle n'a pas de coût réel à saisir.`,
    );
  }
  const previous = await trx
    .selectFrom("cost_key_periods")
    .select(["direct_cents", "indirect_cents"])
    .where("pricing_id", "=", input.pricingId)
    .where("year", "=", input.year)
    .where("half", "=", input.half)
    .executeTakeFirst();
  await trx
    .insertInto("cost_key_periods")
    .values({
      cooperative_id: input.cooperativeId,
      pricing_id: input.pricingId,
      year: input.year,
      half: input.half,
      direct_cents: input.directCents,
      indirect_cents: input.indirectCents,
    })
    .onConflict((conflict) =>
      conflict.columns(["pricing_id", "year", "half"]).doUpdateSet({
        direct_cents: input.directCents,
        indirect_cents: input.indirectCents,
        entered_at: new Date(),
      }),
    )
    .execute();
  const run = await trx
    .selectFrom("statement_runs")
    .select("id")
    .where("cooperative_id", "=", input.cooperativeId)
    .where("year", "=", input.year)
    .where("half", "=", input.half)
    .where("status", "=", "issued")
    .executeTakeFirst();
  await recordEvent(trx, {
    action: "cost_key.actual_cost_saved",
    cooperativeId: input.cooperativeId,
    actorUserId: input.actorUserId,
    subject: `${pricing.title} — ${periodLabel(input.year, input.half)}`,
    details: {
      directCents: input.directCents,
      indirectCents: input.indirectCents,
      previous: previous ? `${formatEuros(previous.direct_cents)} + ${formatEuros(previous.indirect_cents)}` : null,
      halfIssued: run !== undefined,
    },
  });
  return { issued: run !== undefined };
}
