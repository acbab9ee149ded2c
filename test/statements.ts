import type { Kysely } from "kysely";
import { jsonb } from "../db/jsonb.ts";
import type { DB } from "../db/schema.ts";
import { sirenFrom, type Tenant } from "./tenants.ts";

/**
 * A year of shares to issue in a seeded tenant (its prefix given to seedTenant), on top of its fixture cost key
 * (100 % to the operator organisation, not flagged as the operator's own part, so invoiced to it):
 * - "Plateforme e-services": 10 000,00 € split by 2026 total population, half subsidised, prorated by month, plus an
 *   option "formation" at a flat 200,00 € (the fixture commune takes it, with its council decision);
 *   subscribers: the fixture commune (1 000 inhabitants), commune 22 (3 000, from 1 July), commune 33 (2 000);
 * - "Service commun SIG": a cost key, 30 % the operator's own part (never invoiced), 70 % commune 22, with
 *   both half-years' actual costs (direct 100 000, indirect 10 000 cents each);
 * - commune 44 has no population figure (subscribe it to see an issue refused).
 * The fixture cost key has only its first half-year's actual cost (1,00 €): add the second to issue that half.
 */
export async function seedStatementsYear(owner: Kysely<DB>, tenant: Tenant, prefix: string, year = 2026) {
  const communes = await owner
    .insertInto("organisations")
    .values(
      (["22", "33", "44"] as const).map((suffix, index) => ({
        cooperative_id: tenant.cooperativeId,
        kind: "commune" as const,
        siren: sirenFrom(`${prefix}${suffix}`),
        insee_code: `${prefix.slice(0, 2)}${String(index + 2).padStart(3, "0")}`,
        name: `Commune ${suffix}`,
      })),
    )
    .returning(["id"])
    .execute();
  const [c22, c33, c44] = communes.map((row) => row.id) as [string, string, string];
  await owner
    .insertInto("population_figures")
    .values(
      [
        [c22, 3000],
        [c33, 2000],
      ].map(([organisation, population]) => ({
        organisation_id: organisation as string,
        cooperative_id: tenant.cooperativeId,
        year,
        basis: "total" as const,
        population: population as number,
        source: "INSEE",
      })),
    )
    .execute();
  const [eServices, gis] = await owner
    .insertInto("offers")
    .values([
      { cooperative_id: tenant.cooperativeId, title: "Plateforme e-services", kind: "platform", status: "published" },
      {
        cooperative_id: tenant.cooperativeId,
        title: "Service commun SIG",
        kind: "shared_service",
        status: "published",
      },
    ])
    .returning("id")
    .execute();
  if (!eServices || !gis) throw new Error("fixture offers not created");
  const [eServicesPricing, gisPricing] = await owner
    .insertInto("pricings")
    .values([
      {
        cooperative_id: tenant.cooperativeId,
        offer_id: eServices.id,
        year_from: year,
        year_to: year,
        definition: jsonb({
          kind: "shares",
          population: { basis: "total", year },
          proration: "month",
          base: {
            parts: [{ kind: "split", totalCents: 1_000_000, weight: { kind: "population" }, namedContributors: [] }],
            subsidyBasisPoints: 5_000,
          },
          options: [
            {
              key: "formation",
              label: "Formation",
              parts: [{ kind: "flat", amountCents: 20_000 }],
              subsidyBasisPoints: 0,
            },
          ],
        }),
      },
      {
        cooperative_id: tenant.cooperativeId,
        offer_id: gis.id,
        year_from: year,
        year_to: year,
        definition: jsonb({
          kind: "costKey",
          keys: [
            { siren: sirenFrom(`${prefix}00`), basisPoints: 3_000, operator: true },
            { siren: sirenFrom(`${prefix}22`), basisPoints: 7_000, operator: false },
          ],
        }),
      },
    ])
    .returning("id")
    .execute();
  if (!eServicesPricing || !gisPricing) throw new Error("fixture pricings not created");
  await owner
    .insertInto("cost_key_periods")
    .values(
      ([1, 2] as const).map((half) => ({
        cooperative_id: tenant.cooperativeId,
        pricing_id: gisPricing.id,
        year,
        half,
        direct_cents: 100_000,
        indirect_cents: 10_000,
      })),
    )
    .execute();
  const subscriptions = await owner
    .insertInto("subscriptions")
    .values([
      {
        cooperative_id: tenant.cooperativeId,
        organisation_id: tenant.communeId,
        offer_id: eServices.id,
        starts_on: `${year}-01-01`,
        option_keys: jsonb(["formation"]),
        council_decision_number: "DCM-2025-042",
        council_decision_date: "2025-10-15",
      },
      {
        cooperative_id: tenant.cooperativeId,
        organisation_id: c22,
        offer_id: eServices.id,
        starts_on: `${year}-07-01`,
      },
      {
        cooperative_id: tenant.cooperativeId,
        organisation_id: c33,
        offer_id: eServices.id,
        starts_on: `${year}-01-01`,
      },
    ])
    .returning("id")
    .execute();
  return {
    year,
    communes: { c22, c33, c44 },
    offers: { eServices: eServices.id, gis: gis.id },
    pricings: { eServices: eServicesPricing.id, gis: gisPricing.id },
    subscriptionOfC22: subscriptions[1]?.id as string,
    /** What the year run shares out (the cost keys are left to the half-year runs): split + the option's flat for its one taker. */
    yearAmountToShareCents: 1_000_000 + 20_000,
    /** What a half-year run shares out: the SIG's actual cost of the half + the fixture cost key's. */
    halfAmountToShareCents: (fixtureCents: number) => 100_000 + 10_000 + fixtureCents,
    /** The operator's own part of the SIG cost key in a half-year: 30 %. */
    operatorPartPerHalfCents: (30 * (100_000 + 10_000)) / 100,
  };
}

/** Adds the fixture cost key's missing second half-year. */
export function completeFixtureCostKey(owner: Kysely<DB>, tenant: Tenant, cents: number, year = 2026) {
  return owner
    .insertInto("cost_key_periods")
    .values({
      cooperative_id: tenant.cooperativeId,
      pricing_id: tenant.pricingId,
      year,
      half: 2,
      direct_cents: cents,
      indirect_cents: 0,
    })
    .execute();
}

/**
 * The fingerprint the statements page's confirmation carries (what the admin reviewed), read from the page at
 * `/appels-de-fonds?…&confirmer=emettre` fetched with the admin's cookie: the portal issues only that.
 */
export async function reviewedFingerprint(portalUrl: string, cookie: string, query = "annee=2026"): Promise<string> {
  const page = await (
    await fetch(`${portalUrl}/appels-de-fonds?${query}&confirmer=emettre`, { headers: { Cookie: cookie } })
  ).text();
  const fingerprint = /name="empreinte" value="([0-9a-f]{64})"/.exec(page)?.[1];
  if (!fingerprint) throw new Error("no fingerprint on the confirmation");
  return fingerprint;
}
