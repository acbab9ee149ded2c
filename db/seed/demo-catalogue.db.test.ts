import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import type { Database } from "../engine.ts";
import { seedDemo } from "./demo.ts";

describe(`demo catalogue of Montpellier Méditerranée Métropole (${testEngine})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemo(database.owner);
  });
  afterAll(() => database.close());

  const activeSubscribers = async (title: string) =>
    Number(
      (
        await database.owner
          .selectFrom("subscriptions as s")
          .innerJoin("offers as o", "o.id", "s.offer_id")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("o.title", "=", title)
          .where("s.status", "=", "active")
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("has the report's 29 actions, the price book's other offers and the achats network, each once, in the four categories", async () => {
    const offers = await database.owner
      .selectFrom("offers as o")
      .innerJoin("cooperatives as c", "c.id", "o.cooperative_id")
      .leftJoin("offer_categories as k", "k.id", "o.category_id")
      .select(["o.title", "k.name as category", "o.summary"])
      .where("c.siren", "=", "243400017")
      .execute();
    // The 29 actions, the price book's 3 other offers, the networks seed's "Réseau thématique achats".
    expect(offers).toHaveLength(29 + 3 + 1);
    expect(new Set(offers.map((offer) => offer.title)).size).toBe(offers.length);
    expect(new Set(offers.map((offer) => offer.category))).toEqual(
      new Set([
        "Fonctions ressources",
        "Services à la population",
        "Aménagement et développement durable du territoire",
        "Interventions techniques",
      ]),
    );
    expect(offers.every((offer) => offer.summary.length > 0)).toBe(true);
  });

  it("subscribes as many communes as the report counts: e-services 21, e-administration 25, e-marchés 30, open data all 31", async () => {
    expect(await activeSubscribers("Plateforme e-services")).toBe(21);
    expect(await activeSubscribers("Plateforme e-administration")).toBe(25);
    expect(await activeSubscribers("Plateforme e-marchés")).toBe(30);
    expect(await activeSubscribers("Plateforme open data")).toBe(31);
    expect(await activeSubscribers("Réseau thématique RH")).toBe(31);
  });

  it("leaves requests waiting for approval, one of them the demo referent's, and changes nothing when run again", async () => {
    const pending = await database.owner
      .selectFrom("subscriptions as s")
      .innerJoin("organisations as g", "g.id", "s.organisation_id")
      .select("g.name")
      .where("s.status", "=", "requested")
      .orderBy("g.name")
      .execute();
    expect(pending.map((row) => row.name)).toEqual(["Castelnau-le-Lez", "Lattes", "Pignan"]);
    const count = async (table: "offers" | "subscriptions" | "rulebook_versions" | "offer_categories") =>
      Number(
        (
          await database.owner
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await Promise.all(
      (["offers", "subscriptions", "rulebook_versions", "offer_categories"] as const).map(count),
    );
    await seedDemo(database.owner);
    const after = await Promise.all(
      (["offers", "subscriptions", "rulebook_versions", "offer_categories"] as const).map(count),
    );
    expect(after).toEqual(before);
  });
});
