import { sql } from "kysely";
import type { RequestScopeFactory } from "../context.server.ts";
import type { MemberInput } from "../domain/allocation/compute.ts";
import { AllocationError } from "../domain/allocation/errors.ts";
import { computeSharesReport, type ShareRow, type SharesReport } from "../domain/shares-report.ts";
import { loadPricingsInYear, PriceBookError } from "./price-book.server.ts";

/** A member's lines of a year's computation, or why it cannot be computed (in French). */
export type ShareEstimate =
  | { ok: true; rows: ShareRow[]; totals: SharesReport["totals"]; notes: string[] }
  | { ok: false; error: string };

/** An organisation taking an offer for the whole year, with these options and units (the simulator). */
export interface SimulatedSubscription {
  offerId: string;
  options: string[];
  /** Unit key -> hundredths. */
  units: Record<string, number>;
}

/**
 * What an organisation pays (or would pay) in a year, computed on the whole cooperative's subscriptions.
 *
 * A referent may not read the other communes' subscriptions (row-level security), yet its share depends on them
 * (a total split by population, a cap redistributed). So the computation reads them in the context of the
 * cooperative's operator, in a READ ONLY transaction, and returns only the lines of the organisation asked for:
 * the other members' figures never leave this function. With `simulate`, the organisation's own subscription to
 * that offer (if any) is replaced by the simulated one, for the whole year.
 */
export async function estimateShares(
  scopes: RequestScopeFactory,
  input: {
    cooperativeId: string;
    organisationId: string;
    year: number;
    offerId?: string;
    simulate?: SimulatedSubscription;
    /** Operator admins see which other member stops a computation; others only that one does. */
    revealOtherMembers?: boolean;
  },
): Promise<ShareEstimate> {
  const offerId = input.simulate?.offerId ?? input.offerId;
  const operatorContext = await scopes({
    userId: null,
    cooperativeId: input.cooperativeId,
    organisationId: null,
    role: null,
  })
    .transaction((trx) =>
      trx
        .selectFrom("organisations")
        .select("id")
        .where("cooperative_id", "=", input.cooperativeId)
        .where("is_operator", "=", true)
        .executeTakeFirstOrThrow(),
    )
    .then((operator) => ({
      userId: null,
      cooperativeId: input.cooperativeId,
      organisationId: operator.id,
      role: "operator_admin" as const,
    }));
  try {
    return await scopes(operatorContext).transaction(async (trx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(trx);
      const pricings = await loadPricingsInYear(trx, { cooperativeId: input.cooperativeId, year: input.year, offerId });
      if (input.simulate) {
        const simulated = input.simulate;
        const organisation = await trx
          .selectFrom("organisations")
          .select(["id", "siren", "name"])
          .where("id", "=", input.organisationId)
          .where("cooperative_id", "=", input.cooperativeId)
          .executeTakeFirstOrThrow();
        const figures = await trx
          .selectFrom("population_figures")
          .select(["basis", "year", "population"])
          .where("organisation_id", "=", organisation.id)
          .execute();
        const member: MemberInput = {
          organisationId: organisation.id,
          siren: organisation.siren,
          name: organisation.name,
          populations: figures.map((figure) => ({
            basis: figure.basis,
            year: figure.year,
            inhabitants: figure.population,
          })),
          units: simulated.units,
          options: simulated.options,
        };
        for (const entry of pricings) {
          if (entry.offer.id !== simulated.offerId || entry.pricing.definition.kind === "costKey") continue;
          entry.members = [...entry.members.filter((other) => other.organisationId !== organisation.id), member];
        }
      }
      const report = computeSharesReport(pricings, input.year);
      const rows = report.rows.filter((row) => row.organisationId === input.organisationId && row.invoiced);
      const totals = rows.reduce(
        (sum, row) => ({
          grossCents: sum.grossCents + row.grossCents,
          subsidyCents: sum.subsidyCents + row.subsidyCents,
          netCents: sum.netCents + row.netCents,
        }),
        { grossCents: 0, subsidyCents: 0, netCents: 0 },
      );
      return { ok: true as const, rows, totals, notes: report.notes };
    });
  } catch (error) {
    if (error instanceof AllocationError) {
      // Which other commune subscribes, and what it declared, is not the asking member's to know.
      const aboutAnother = error.member !== undefined && error.member.siren !== (await sirenOf(scopes, input));
      if (aboutAnother && !input.revealOtherMembers) {
        return {
          ok: false,
          error:
            "il manque une donnée d'un autre membre de l'offre (population ou quantités déclarées). Signalez-le à la coopérative.",
        };
      }
      return { ok: false, error: error.message };
    }
    if (error instanceof PriceBookError) return { ok: false, error: error.message };
    throw error;
  }
}

function sirenOf(scopes: RequestScopeFactory, input: { cooperativeId: string; organisationId: string }) {
  return scopes({ userId: null, cooperativeId: input.cooperativeId, organisationId: null, role: null })
    .transaction((trx) =>
      trx.selectFrom("organisations").select("siren").where("id", "=", input.organisationId).executeTakeFirst(),
    )
    .then((row) => row?.siren);
}
