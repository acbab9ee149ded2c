import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonb } from "../../db/jsonb.ts";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../../test/tenants.ts";
import {
  CATALOGUE_DEFAULTS,
  type CatalogueQuery,
  DEFAULT_CATEGORIES,
  type OfferFormData,
} from "../domain/catalogue.ts";
import {
  addCategory,
  createOffer,
  deleteCategory,
  ensureDefaultCategories,
  findOffer,
  listCategories,
  listOffers,
  listSubscribers,
  memberCounts,
  moveCategory,
  type OfferListQuery,
  organisationStanding,
  publishRulebookVersion,
  referentsOfSubscribers,
  renameCategory,
  setOfferStatus,
  updateOffer,
} from "./offers.server.ts";

const form = (overrides: Partial<OfferFormData> = {}): OfferFormData => ({
  title: "Offre de test",
  summary: "",
  description: "",
  categoryId: undefined,
  kind: "other",
  contactName: undefined,
  contactEmail: undefined,
  eligibleKinds: ["commune"],
  requiresCouncilDecision: true,
  requiresApproval: true,
  takesEffect: "on_approval",
  noticeMonths: 3,
  options: [],
  ...overrides,
});

describe(`offers query module (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  /** A second commune of A, subscribed to e-administration last year only. */
  let secondCommune = "";
  let eAdministration = "";
  let draft = "";
  let archived = "";
  let network = "";

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);

  const listQuery = (
    tenant: Tenant,
    filters: Partial<CatalogueQuery> = {},
    overrides: Partial<OfferListQuery> = {},
  ): OfferListQuery => ({
    cooperativeId: tenant.cooperativeId,
    organisationId: tenant.communeId,
    includeUnpublished: false,
    filters: { ...CATALOGUE_DEFAULTS, ...filters },
    sort: "title",
    descending: false,
    year: 2026,
    today: "2026-11-27",
    page: 1,
    pageSize: 20,
    ...overrides,
  });
  const titles = (rows: { title: string }[]) => rows.map((row) => row.title);

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    secondCommune = (
      await database.owner
        .insertInto("organisations")
        .values({
          cooperative_id: a.cooperativeId,
          kind: "commune",
          siren: sirenFrom("21340022"),
          insee_code: "34002",
          name: "Deuxième commune",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const category = await database.owner
      .insertInto("offer_categories")
      .values({ cooperative_id: a.cooperativeId, name: "Fonctions ressources", position: 1 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const offers = await database.owner
      .insertInto("offers")
      .values([
        {
          cooperative_id: a.cooperativeId,
          title: "E-administration",
          summary: "Parapheur électronique et actes dématérialisés",
          kind: "platform",
          status: "published",
          category_id: category.id,
        },
        { cooperative_id: a.cooperativeId, title: "Projet en préparation", kind: "gis", status: "draft" },
        { cooperative_id: a.cooperativeId, title: "Ancienne offre", kind: "training", status: "archived" },
        {
          cooperative_id: a.cooperativeId,
          title: "Réseau des ressources humaines",
          kind: "thematic_network",
          status: "published",
          eligible_kinds: jsonb(["ccas"]),
        },
      ])
      .returning("id")
      .execute();
    [eAdministration, draft, archived, network] = offers.map((offer) => offer.id) as [string, string, string, string];
    await database.owner
      .insertInto("subscriptions")
      .values([
        // This year and last year for the fixture commune (from 2025), last year only for the second.
        {
          cooperative_id: a.cooperativeId,
          organisation_id: a.communeId,
          offer_id: eAdministration,
          starts_on: "2025-03-01",
          option_keys: jsonb(["rh"]),
        },
        {
          cooperative_id: a.cooperativeId,
          organisation_id: secondCommune,
          offer_id: eAdministration,
          starts_on: "2025-01-01",
          ends_on: "2025-12-31",
        },
        // A request counts nowhere.
        {
          cooperative_id: a.cooperativeId,
          organisation_id: secondCommune,
          offer_id: network,
          status: "requested",
          starts_on: null,
        },
      ])
      .execute();
  });
  afterAll(() => database.close());

  it("finds e-administration whatever the accents, case and hyphens of the search", async () => {
    for (const q of ["E ADMINISTRATION", "e-adminis", "é-administration", "parapheur electronique"]) {
      const page = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, { q })));
      expect(titles(page.rows), q).toEqual(["E-administration"]);
    }
    const none = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, { q: "100%_" })));
    expect(none.total).toBe(0);
  });

  it("counts member organisations subscribing this year and last year, for members too", async () => {
    for (const context of [a.context, a.referentContext]) {
      const page = await as(context, (trx) => listOffers(trx, listQuery(a)));
      const byTitle = Object.fromEntries(
        page.rows.map((row) => [row.title, [row.membersThisYear, row.membersLastYear]]),
      );
      expect(byTitle).toEqual({
        "E-administration": [1, 2],
        [`${a.marker} offre`]: [1, 0],
        // The fixture's thematic network (test/tenants.ts), joined by the commune this year.
        [`${a.marker} réseau`]: [1, 0],
        "Réseau des ressources humaines": [0, 0],
      });
    }
    expect(await as(a.referentContext, (trx) => memberCounts(trx, eAdministration, 2026))).toEqual({
      thisYear: 1,
      lastYear: 2,
    });
    expect(await as(a.referentContext, (trx) => memberCounts(trx, eAdministration, 2025))).toEqual({
      thisYear: 2,
      lastYear: 0,
    });
  });

  it("never shows drafts or archives to members; an operator admin sees and filters them", async () => {
    const member = await as(a.referentContext, (trx) =>
      listOffers(trx, listQuery(a, { statut: "draft" }, { includeUnpublished: false })),
    );
    expect(titles(member.rows)).not.toContain("Projet en préparation");
    expect(titles(member.rows)).not.toContain("Ancienne offre");
    expect(member.rows.every((row) => row.status === "published")).toBe(true);
    expect(
      await as(a.referentContext, (trx) => findOffer(trx, a.cooperativeId, draft, { includeUnpublished: false })),
    ).toBeUndefined();

    const admin = await as(a.context, (trx) => listOffers(trx, listQuery(a, {}, { includeUnpublished: true })));
    expect(admin.total).toBe(6);
    const drafts = await as(a.context, (trx) =>
      listOffers(trx, listQuery(a, { statut: "draft" }, { includeUnpublished: true })),
    );
    expect(titles(drafts.rows)).toEqual(["Projet en préparation"]);
    const archives = await as(a.context, (trx) =>
      listOffers(trx, listQuery(a, { statut: "archived" }, { includeUnpublished: true })),
    );
    expect(archives.rows.map((row) => row.id)).toEqual([archived]);
  });

  it("filters by category, kind and what the organisation has joined today", async () => {
    const categories = await as(a.referentContext, (trx) => listCategories(trx, a.cooperativeId));
    const resources = categories.find((category) => category.name === "Fonctions ressources");
    const byCategory = await as(a.referentContext, (trx) =>
      listOffers(trx, listQuery(a, { categorie: resources?.id ?? "" })),
    );
    expect(titles(byCategory.rows)).toEqual(["E-administration"]);
    const uncategorised = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, { categorie: "aucune" })));
    const withFixtureNetwork = [`${a.marker} réseau`, "Réseau des ressources humaines"].sort();
    expect(titles(uncategorised.rows).sort()).toEqual(withFixtureNetwork);
    const networks = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, { type: "thematic_network" })));
    expect(titles(networks.rows).sort()).toEqual(withFixtureNetwork);

    const joined = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, { adhesion: "oui" })));
    expect(titles(joined.rows).sort()).toEqual(["E-administration", `${a.marker} offre`, `${a.marker} réseau`].sort());
    expect(joined.rows.every((row) => row.joined)).toBe(true);
    const notJoined = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, { adhesion: "non" })));
    expect(titles(notJoined.rows)).toEqual(["Réseau des ressources humaines"]);

    // The second commune left e-administration at the end of 2025 and only asked for the network.
    const second = { ...a.referentContext, organisationId: secondCommune };
    const secondJoined = await as(second, (trx) =>
      listOffers(trx, listQuery(a, { adhesion: "oui" }, { organisationId: secondCommune })),
    );
    expect(secondJoined.total).toBe(0);
  });

  it("sorts by this year's members and pages, a page past the end brought back to the last", async () => {
    const sorted = await as(a.referentContext, (trx) =>
      listOffers(trx, listQuery(a, {}, { sort: "lastYear", descending: true })),
    );
    expect(titles(sorted.rows)[0]).toBe("E-administration");
    const paged = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, {}, { pageSize: 3, page: 9 })));
    expect(paged).toMatchObject({ total: 4, page: 2, pageCount: 2 });
    expect(paged.rows).toHaveLength(1);
    const everything = await as(a.referentContext, (trx) => listOffers(trx, listQuery(a, {}, { pageSize: null })));
    expect(everything.rows).toHaveLength(4);
  });

  it("shows the other cooperative nothing, not even in the counts", async () => {
    const seenFromB = await as(b.context, (trx) =>
      listOffers(trx, listQuery(a, {}, { includeUnpublished: true, organisationId: b.communeId })),
    );
    expect(seenFromB.total).toBe(0);
    expect(
      await as(b.context, (trx) => findOffer(trx, a.cooperativeId, eAdministration, { includeUnpublished: true })),
    ).toBeUndefined();
    expect(await as(b.context, (trx) => memberCounts(trx, eAdministration, 2026))).toEqual({
      thisYear: 0,
      lastYear: 0,
    });
    expect(await as(b.context, (trx) => listSubscribers(trx, a.cooperativeId, eAdministration))).toEqual([]);
    const ownOfB = await as(b.referentContext, (trx) => listOffers(trx, listQuery(b)));
    expect(titles(ownOfB.rows).sort()).toEqual([`${b.marker} offre`, `${b.marker} réseau`]);
  });

  it("lists an offer's subscribers for the operator admin, never for a member", async () => {
    const rows = await as(a.context, (trx) => listSubscribers(trx, a.cooperativeId, eAdministration));
    expect(rows.map((row) => [row.organisationName, row.status, row.startsOn, row.endsOn, row.optionKeys])).toEqual([
      ["Deuxième commune", "active", "2025-01-01", "2025-12-31", []],
      [`${a.marker} commune`, "active", "2025-03-01", null, ["rh"]],
    ]);
    // A referent reads only its own organisation's subscriptions (row-level security).
    const seenByReferent = await as(a.referentContext, (trx) => listSubscribers(trx, a.cooperativeId, eAdministration));
    expect(seenByReferent.map((row) => row.organisationName)).toEqual([`${a.marker} commune`]);
  });

  it("tells whether the active organisation may still ask to join", async () => {
    expect(
      await as(a.referentContext, (trx) => organisationStanding(trx, a.communeId, eAdministration, "2026-11-27")),
    ).toEqual({ kind: "commune", hasActiveSubscription: true, hasOpenRequest: false });
    const second = { ...a.referentContext, organisationId: secondCommune };
    expect(await as(second, (trx) => organisationStanding(trx, secondCommune, network, "2026-11-27"))).toEqual({
      kind: "commune",
      hasActiveSubscription: false,
      hasOpenRequest: true,
    });
    expect(await as(second, (trx) => organisationStanding(trx, secondCommune, eAdministration, "2026-11-27"))).toEqual({
      kind: "commune",
      hasActiveSubscription: false,
      hasOpenRequest: false,
    });
  });

  it("creates, edits and moves an offer through its lifecycle; members may not", async () => {
    const created = await as(a.context, (trx) => createOffer(trx, a.cooperativeId, form({ title: "Nouvelle" })));
    if (created === "unknown_category") throw new Error("unexpected");
    const stored = await as(a.context, (trx) =>
      findOffer(trx, a.cooperativeId, created.id, { includeUnpublished: true }),
    );
    expect(stored).toMatchObject({ title: "Nouvelle", status: "draft", eligibleKinds: ["commune"], options: [] });

    const categoryOfB = (await as(b.context, (trx) => listCategories(trx, b.cooperativeId)))[0]?.id;
    expect(
      await as(a.context, (trx) => updateOffer(trx, a.cooperativeId, created.id, form({ categoryId: categoryOfB }))),
    ).toBe("unknown_category");
    expect(
      await as(a.context, (trx) =>
        updateOffer(
          trx,
          a.cooperativeId,
          created.id,
          form({ title: "Nouvelle offre", options: [{ key: "rh", label: "Module RH", description: "Paie" }] }),
        ),
      ),
    ).toBe("updated");
    expect(
      await as(a.context, (trx) => findOffer(trx, a.cooperativeId, created.id, { includeUnpublished: true })),
    ).toMatchObject({ title: "Nouvelle offre", options: [{ key: "rh", label: "Module RH", description: "Paie" }] });

    expect(await as(a.context, (trx) => setOfferStatus(trx, a.cooperativeId, created.id, "archived"))).toBe(
      "not_allowed",
    );
    expect(await as(a.context, (trx) => setOfferStatus(trx, a.cooperativeId, created.id, "published"))).toBe("changed");
    expect(await as(a.context, (trx) => setOfferStatus(trx, a.cooperativeId, created.id, "archived"))).toBe("changed");
    expect(await as(b.context, (trx) => setOfferStatus(trx, a.cooperativeId, created.id, "published"))).toBe("missing");

    await expect(
      as(a.referentContext, (trx) => createOffer(trx, a.cooperativeId, form({ title: "Par un référent" }))),
    ).rejects.toThrow();
  });

  it("publishes rulebook versions one after the other and finds the referents of today's subscribers", async () => {
    const first = await as(a.context, (trx) => publishRulebookVersion(trx, a.cooperativeId, eAdministration, "v1"));
    const second = await as(a.context, (trx) => publishRulebookVersion(trx, a.cooperativeId, eAdministration, "v2"));
    expect([first.version, second.version]).toEqual([1, 2]);
    // The fixture offer already had version 1.
    expect(
      (await as(a.context, (trx) => publishRulebookVersion(trx, a.cooperativeId, a.offerId, "suite"))).version,
    ).toBe(2);
    // The second commune left at the end of 2025: only the fixture commune's referent.
    expect(await as(a.context, (trx) => referentsOfSubscribers(trx, eAdministration, "2026-11-27"))).toEqual([
      a.referentUserId,
    ]);
    expect(await as(a.context, (trx) => referentsOfSubscribers(trx, eAdministration, "2025-06-01"))).toEqual([
      a.referentUserId,
    ]);
    await expect(
      as(a.referentContext, (trx) => publishRulebookVersion(trx, a.cooperativeId, eAdministration, "v3")),
    ).rejects.toThrow();
  });

  it("manages categories: defaults once, add, rename, reorder, delete leaving offers uncategorised", async () => {
    // Tenant B has one category: no defaults added.
    expect(await as(b.context, (trx) => ensureDefaultCategories(trx, b.cooperativeId))).toBe(false);
    await database.owner
      .updateTable("offers")
      .set({ category_id: null })
      .where("cooperative_id", "=", b.cooperativeId)
      .execute();
    await database.owner.deleteFrom("offer_categories").where("cooperative_id", "=", b.cooperativeId).execute();
    expect(await as(b.context, (trx) => ensureDefaultCategories(trx, b.cooperativeId))).toBe(true);
    expect(await as(b.context, (trx) => ensureDefaultCategories(trx, b.cooperativeId))).toBe(false);
    const names = async () => (await as(b.context, (trx) => listCategories(trx, b.cooperativeId))).map((c) => c.name);
    expect(await names()).toEqual([...DEFAULT_CATEGORIES]);

    expect(await as(b.context, (trx) => addCategory(trx, b.cooperativeId, "Fonctions ressources"))).toBe("duplicate");
    const added = await as(b.context, (trx) => addCategory(trx, b.cooperativeId, "Réseaux"));
    if (added === "duplicate") throw new Error("unexpected");
    expect(await names()).toEqual([...DEFAULT_CATEGORIES, "Réseaux"]);
    expect(
      await as(b.context, (trx) => renameCategory(trx, b.cooperativeId, added.id, "Interventions techniques")),
    ).toBe("duplicate");
    expect(await as(b.context, (trx) => renameCategory(trx, b.cooperativeId, added.id, "Réseaux thématiques"))).toBe(
      "renamed",
    );
    await as(b.context, (trx) => moveCategory(trx, b.cooperativeId, added.id, "up"));
    expect((await names()).slice(-2)).toEqual(["Réseaux thématiques", "Interventions techniques"]);
    await as(b.context, (trx) => moveCategory(trx, b.cooperativeId, added.id, "up"));
    expect((await names()).slice(-3)).toEqual([
      "Réseaux thématiques",
      "Aménagement et développement durable du territoire",
      "Interventions techniques",
    ]);

    await database.owner.updateTable("offers").set({ category_id: added.id }).where("id", "=", b.offerId).execute();
    expect(await as(b.context, (trx) => deleteCategory(trx, b.cooperativeId, added.id))).toEqual({
      name: "Réseaux thématiques",
      offers: 1,
    });
    const offer = await database.owner
      .selectFrom("offers")
      .select("category_id")
      .where("id", "=", b.offerId)
      .executeTakeFirstOrThrow();
    expect(offer.category_id).toBeNull();
    // Another cooperative's category: not found, nothing deleted.
    const ofA = (await as(a.context, (trx) => listCategories(trx, a.cooperativeId)))[0]?.id ?? "";
    expect(await as(b.context, (trx) => deleteCategory(trx, b.cooperativeId, ofA))).toBeUndefined();
    expect(await as(a.context, (trx) => listCategories(trx, a.cooperativeId))).toHaveLength(2);
  });
});
