import type { Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonb } from "../db/jsonb.ts";
import type { RequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../test/tenants.ts";
import {
  type Actor,
  acceptAdhesionRulebook,
  changeAdhesion,
  decideAdhesion,
  giveAdhesionNotice,
  requestAdhesion,
  withdrawAdhesion,
} from "./adhesions.server.ts";
import { requestScopeFactory } from "./context.server.ts";
import type { RequestDraft } from "./domain/subscription-rules.ts";
import {
  approveSubscription,
  findDocument,
  findSubscription,
  giveNotice,
  listAllSubscriptions,
  listOrganisationSubscriptions,
  listPendingRequests,
  listSubscriptions,
} from "./queries/subscriptions.server.ts";

const PUBLIC_URL = "http://portail.test";

describe(`the adhésion workflow (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let viewer: RequestContext;
  let otherReferent: RequestContext;
  const offers = {} as Record<"january" | "now" | "network" | "ccasOnly" | "draft" | "archived", string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const owner = database.owner;
    // Mail at once for everyone: the outbox shows each notification.
    await owner.deleteFrom("notification_preferences").execute();
    const offer = async (title: string, terms: Record<string, unknown>, pricing?: unknown) => {
      const row = await owner
        .insertInto("offers")
        .values({ cooperative_id: a.cooperativeId, title, kind: "platform", status: "published", ...terms })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (pricing) {
        await owner
          .insertInto("pricings")
          .values({
            cooperative_id: a.cooperativeId,
            offer_id: row.id,
            year_from: 2026,
            year_to: 2029,
            definition: jsonb(pricing),
          })
          .execute();
      }
      return row.id;
    };
    const shares = {
      kind: "shares",
      base: {
        parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "Agents suivis", rateMillicents: 10_000_000 }],
      },
      options: [{ key: "sig", label: "SIG", parts: [{ kind: "flat", amountCents: 50_000 }] }],
    };
    offers.january = await offer(
      "E-administration",
      { takes_effect: "next_january", options: jsonb([{ key: "sig", label: "SIG" }]), notice_months: 3 },
      shares,
    );
    offers.now = await offer(
      "Groupement d'achats",
      {
        takes_effect: "on_approval",
        requires_council_decision: false,
        options: jsonb([{ key: "sig", label: "SIG" }]),
        notice_months: 2,
      },
      shares,
    );
    offers.network = await offer("Réseau des DGS", { requires_approval: false, requires_council_decision: false });
    offers.ccasOnly = await offer("Action sociale", { eligible_kinds: jsonb(["ccas"]) });
    offers.draft = await offer("Brouillon", {});
    await owner.updateTable("offers").set({ status: "draft" }).where("id", "=", offers.draft).execute();
    offers.archived = await offer("Ancienne offre", {});
    await owner.updateTable("offers").set({ status: "archived" }).where("id", "=", offers.archived).execute();
    await owner
      .insertInto("rulebook_versions")
      .values({ cooperative_id: a.cooperativeId, offer_id: offers.january, version: 1, body: "Règlement v1" })
      .execute();

    const commune2 = await owner
      .insertInto("organisations")
      .values({
        cooperative_id: a.cooperativeId,
        kind: "commune",
        siren: sirenFrom("21340022"),
        insee_code: "34002",
        name: "Autre commune",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const people = await owner
      .insertInto("users")
      .values([
        { email: "viewer@213400.test", display_name: "Élu de A" },
        { email: "referent2@213400.test", display_name: "Référent de l'autre commune" },
      ])
      .returning("id")
      .execute();
    const [viewerUser, referent2] = people as [{ id: string }, { id: string }];
    await owner
      .insertInto("memberships")
      .values([
        { user_id: viewerUser.id, organisation_id: a.communeId, cooperative_id: a.cooperativeId, role: "viewer" },
        { user_id: referent2.id, organisation_id: commune2.id, cooperative_id: a.cooperativeId, role: "referent" },
      ])
      .execute();
    viewer = { userId: viewerUser.id, cooperativeId: a.cooperativeId, organisationId: a.communeId, role: "viewer" };
    otherReferent = {
      userId: referent2.id,
      cooperativeId: a.cooperativeId,
      organisationId: commune2.id,
      role: "referent",
    };
  });
  afterAll(() => database.close());

  const actor = (context: RequestContext, now: string): Actor => ({
    context: context as Actor["context"],
    publicUrl: PUBLIC_URL,
    now: new Date(now),
  });
  const run = <T>(context: RequestContext, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> =>
    requestScopeFactory(database.app)(context).transaction(work);

  const draft = (overrides: Partial<RequestDraft> = {}): RequestDraft => ({
    optionKeys: [],
    units: { agents: "37" },
    councilNumber: "",
    councilDate: "",
    rulebookVersionId: null,
    ...overrides,
  });

  async function rulebookOf(offerId: string): Promise<string> {
    return (
      await database.owner
        .selectFrom("rulebook_versions")
        .select("id")
        .where("offer_id", "=", offerId)
        .orderBy("version", "desc")
        .executeTakeFirstOrThrow()
    ).id;
  }

  async function emailOf(userId: string): Promise<string> {
    return (await database.owner.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow())
      .email;
  }

  /** Notifications of adhésions written since the last call: recipient, subject, and whether the link is there. */
  let seen = 0;
  async function newMail(subscriptionId: string) {
    const rows = await database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "subject", "text_body"])
      .where("kind", "=", "notification_adhesions")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    const fresh = rows.slice(seen);
    seen = rows.length;
    for (const row of fresh) expect(row.text_body).toContain(`${PUBLIC_URL}/adhesions/${subscriptionId}`);
    return fresh.map((row) => ({ to: row.to_address, subject: row.subject }));
  }

  async function counts() {
    const count = async (
      table: "subscriptions" | "documents" | "subscription_events" | "outbox_emails" | "audit_events",
    ) =>
      Number(
        (
          await database.owner
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      subscriptions: await count("subscriptions"),
      documents: await count("documents"),
      events: await count("subscription_events"),
      outbox: await count("outbox_emails"),
      audit: await count("audit_events"),
    };
  }

  async function eventsOf(id: string) {
    return (
      await database.owner
        .selectFrom("subscription_events")
        .select(["action", "actor_user_id"])
        .where("subscription_id", "=", id)
        .orderBy("created_at")
        .orderBy("id")
        .execute()
    ).map((event) => event.action);
  }

  /** A fresh `next_january` offer (3 months' notice, priced per agent) and A's commune subscribed since `startsOn`. */
  async function runningSubscription(title: string, startsOn: string) {
    const offer = await database.owner
      .insertInto("offers")
      .values({
        cooperative_id: a.cooperativeId,
        title,
        kind: "platform",
        status: "published",
        takes_effect: "next_january",
        notice_months: 3,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("pricings")
      .values({
        cooperative_id: a.cooperativeId,
        offer_id: offer.id,
        year_from: 2026,
        year_to: 2029,
        definition: jsonb({
          kind: "shares",
          base: {
            parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "Agents suivis", rateMillicents: 10_000_000 }],
          },
          options: [],
        }),
      })
      .execute();
    const subscription = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.communeId,
        offer_id: offer.id,
        status: "active",
        starts_on: startsOn,
        declared_units: jsonb({ agents: 3700 }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { offerId: offer.id, id: subscription.id };
  }

  async function rowsOfOffer(offerId: string) {
    return database.owner
      .selectFrom("subscriptions")
      .select(["id", "status", "starts_on", "ends_on", "notice_given_at", "replaces_id"])
      .where("offer_id", "=", offerId)
      .orderBy("starts_on")
      .execute();
  }

  it("requests, approves from 1 January next year, changes from the next 1 January, gives notice, ends", async () => {
    await newMail("none");
    const pdf = new TextEncoder().encode("%PDF-1.7 délibération");
    const requested = await run<Awaited<ReturnType<typeof requestAdhesion>>>(a.referentContext, (trx) =>
      requestAdhesion(trx, actor(a.referentContext, "2026-11-27T10:00:00Z"), {
        offerId: offers.january,
        draft: draft({
          optionKeys: ["sig"],
          units: { agents: "1 439,50" },
          councilNumber: "2026-45",
          councilDate: "2026-10-12",
          rulebookVersionId: null,
        }),
        document: null,
      }).then(async (first) => first),
    );
    // The rulebook was not accepted: refused, nothing written.
    expect(requested).toMatchObject({
      ok: false,
      status: 400,
      errors: { rulebook: expect.stringContaining("version 1") },
    });

    const rulebook = await rulebookOf(offers.january);
    const outcome = await run<Awaited<ReturnType<typeof requestAdhesion>>>(a.referentContext, (trx) =>
      requestAdhesion(trx, actor(a.referentContext, "2026-11-27T10:00:00Z"), {
        offerId: offers.january,
        draft: draft({
          optionKeys: ["sig"],
          units: { agents: "1 439,50" },
          councilNumber: "2026-45",
          councilDate: "2026-10-12",
          rulebookVersionId: rulebook,
        }),
        document: { name: "délibération.pdf", type: "application/pdf", bytes: pdf },
      }),
    );
    if (!outcome.ok) throw new Error(JSON.stringify(outcome));
    const id = outcome.id;
    const stored = await database.owner
      .selectFrom("subscriptions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      status: "requested",
      starts_on: null,
      option_keys: ["sig"],
      declared_units: { agents: 143950 },
      council_decision_number: "2026-45",
      council_decision_date: "2026-10-12",
      rulebook_version_id: rulebook,
    });
    expect(stored.council_document_id).not.toBeNull();
    expect(await newMail(id)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("Demande d'adhésion") },
    ]);

    // A second request for the same offer is refused while the first is pending.
    const second = await run<Awaited<ReturnType<typeof requestAdhesion>>>(a.referentContext, (trx) =>
      requestAdhesion(trx, actor(a.referentContext, "2026-11-28T10:00:00Z"), {
        offerId: offers.january,
        draft: draft({ councilNumber: "1", councilDate: "2026-10-12", rulebookVersionId: rulebook }),
        document: null,
      }),
    );
    expect(second).toMatchObject({ ok: false, message: expect.stringContaining("déjà une demande") });

    const approved = await run<Awaited<ReturnType<typeof decideAdhesion>>>(a.context, (trx) =>
      decideAdhesion(trx, actor(a.context, "2026-11-30T09:00:00Z"), { id, decision: "approve" }),
    );
    expect(approved).toEqual({ ok: true, id, startsOn: "2027-01-01" });
    expect(await newMail(id)).toEqual([
      { to: await emailOf(a.referentUserId), subject: "Demande d'adhésion à « E-administration » acceptée" },
    ]);
    const audit = await database.owner
      .selectFrom("audit_events")
      .select(["action", "subject", "actor_user_id"])
      .where("action", "=", "subscription.approved")
      .execute();
    expect(audit).toEqual([
      {
        action: "subscription.approved",
        subject: "MARKER-A-213400 commune — E-administration",
        actor_user_id: a.adminUserId,
      },
    ]);

    // A change during 2027 applies from 1 January 2028 through a successor.
    const changed = await run<Awaited<ReturnType<typeof changeAdhesion>>>(a.referentContext, (trx) =>
      changeAdhesion(trx, actor(a.referentContext, "2027-03-10T10:00:00Z"), {
        id,
        draft: { optionKeys: [], units: { agents: "40" } },
      }),
    );
    if (!changed.ok || !changed.successorId) throw new Error(JSON.stringify(changed));
    const successorId = changed.successorId;
    const [current, successor] = await Promise.all(
      [id, successorId].map((subscriptionId) =>
        database.owner
          .selectFrom("subscriptions")
          .selectAll()
          .where("id", "=", subscriptionId)
          .executeTakeFirstOrThrow(),
      ),
    );
    expect(current).toMatchObject({
      status: "active",
      starts_on: "2027-01-01",
      ends_on: "2027-12-31",
      option_keys: ["sig"],
    });
    expect(successor).toMatchObject({
      status: "active",
      starts_on: "2028-01-01",
      ends_on: null,
      replaces_id: id,
      option_keys: [],
      declared_units: { agents: 4000 },
      rulebook_version_id: rulebook,
      council_document_id: current?.council_document_id,
    });
    expect(await newMail(id)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("modifiée au 1er janvier 2028") },
    ]);

    // Notice is given on the subscription that carries the change, not on the one it replaces.
    const onReplaced = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2027-04-01T10:00:00Z"), { id }),
    );
    expect(onReplaced).toMatchObject({ ok: false, message: expect.stringContaining("Une modification prend effet") });
    const notice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2028-02-01T10:00:00Z"), { id: successorId }),
    );
    expect(notice).toEqual({ ok: true, id: successorId, endsOn: "2028-12-31" });
    expect(await newMail(successorId)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("Préavis") },
    ]);

    expect(await eventsOf(id)).toEqual(["requested", "approved", "change_scheduled"]);
    expect(await eventsOf(successorId)).toEqual(["replaced", "notice_given"]);

    // The end: in 2029 nothing is active any more, and the organisation may ask again.
    const rows = await run<Awaited<ReturnType<typeof listOrganisationSubscriptions>>>(a.referentContext, (trx) =>
      listOrganisationSubscriptions(trx, a.cooperativeId, a.communeId),
    );
    const chain = rows.filter((row) => row.offerId === offers.january);
    expect(chain.map((row) => [row.startsOn, row.endsOn, row.successorStartsOn])).toEqual([
      ["2027-01-01", "2027-12-31", "2028-01-01"],
      ["2028-01-01", "2028-12-31", null],
    ]);
    const again = await run<Awaited<ReturnType<typeof requestAdhesion>>>(a.referentContext, (trx) =>
      requestAdhesion(trx, actor(a.referentContext, "2029-01-05T10:00:00Z"), {
        offerId: offers.january,
        draft: draft({ councilNumber: "2028-99", councilDate: "2028-12-15", rulebookVersionId: rulebook }),
        document: null,
      }),
    );
    if (!again.ok) throw new Error(JSON.stringify(again));
    expect(await newMail(again.id)).toEqual([{ to: await emailOf(a.adminUserId), subject: expect.any(String) }]);
  });

  it("rejects with a reason, then approves at once, changes in place, gives notice to the end of the month", async () => {
    const request = () =>
      run<Awaited<ReturnType<typeof requestAdhesion>>>(a.referentContext, (trx) =>
        requestAdhesion(trx, actor(a.referentContext, "2026-05-04T10:00:00Z"), {
          offerId: offers.now,
          draft: draft(),
          document: null,
        }),
      );
    const first = await request();
    if (!first.ok) throw new Error(JSON.stringify(first));
    await newMail(first.id);

    const before = await counts();
    const noReason = await run<Awaited<ReturnType<typeof decideAdhesion>>>(a.context, (trx) =>
      decideAdhesion(trx, actor(a.context, "2026-05-05T10:00:00Z"), { id: first.id, decision: "reject", reason: "  " }),
    );
    expect(noReason).toMatchObject({ ok: false, status: 400, errors: { reason: expect.stringContaining("motif") } });
    expect(await counts()).toEqual(before);

    const rejected = await run<Awaited<ReturnType<typeof decideAdhesion>>>(a.context, (trx) =>
      decideAdhesion(trx, actor(a.context, "2026-05-05T10:00:00Z"), {
        id: first.id,
        decision: "reject",
        reason: "Délibération manquante",
      }),
    );
    expect(rejected.ok).toBe(true);
    expect(await newMail(first.id)).toEqual([
      { to: await emailOf(a.referentUserId), subject: "Demande d'adhésion à « Groupement d'achats » refusée" },
    ]);
    const row = await database.owner
      .selectFrom("subscriptions")
      .selectAll()
      .where("id", "=", first.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: "rejected",
      rejection_reason: "Délibération manquante",
      decided_by: a.adminUserId,
    });

    const second = await request();
    if (!second.ok) throw new Error(JSON.stringify(second));
    await newMail(second.id);
    const approved = await run<Awaited<ReturnType<typeof decideAdhesion>>>(a.context, (trx) =>
      decideAdhesion(trx, actor(a.context, "2026-05-06T10:00:00Z"), { id: second.id, decision: "approve" }),
    );
    expect(approved).toEqual({ ok: true, id: second.id, startsOn: "2026-05-06" });
    await newMail(second.id);

    const changed = await run<Awaited<ReturnType<typeof changeAdhesion>>>(a.referentContext, (trx) =>
      changeAdhesion(trx, actor(a.referentContext, "2026-06-01T10:00:00Z"), {
        id: second.id,
        draft: { optionKeys: ["sig"], units: { agents: "12,5" } },
      }),
    );
    expect(changed).toEqual({ ok: true, id: second.id, successorId: null });
    expect(
      await database.owner
        .selectFrom("subscriptions")
        .select(["option_keys", "declared_units", "ends_on"])
        .where("id", "=", second.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      option_keys: ["sig"],
      declared_units: { agents: 1250 },
      ends_on: null,
    });
    expect(await newMail(second.id)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("modifiée") },
    ]);
    const unchanged = await run<Awaited<ReturnType<typeof changeAdhesion>>>(a.referentContext, (trx) =>
      changeAdhesion(trx, actor(a.referentContext, "2026-06-02T10:00:00Z"), {
        id: second.id,
        draft: { optionKeys: ["sig"], units: { agents: "12,50" } },
      }),
    );
    expect(unchanged).toMatchObject({ ok: false, message: expect.stringContaining("Rien n'a changé") });

    const notice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2026-06-15T10:00:00Z"), { id: second.id }),
    );
    expect(notice).toEqual({ ok: true, id: second.id, endsOn: "2026-08-31" });
    await newMail(second.id);
    const twice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2026-06-16T10:00:00Z"), { id: second.id }),
    );
    expect(twice).toMatchObject({ ok: false, message: expect.stringContaining("déjà été donné") });
    expect(await eventsOf(second.id)).toEqual(["requested", "approved", "changed", "notice_given"]);
  });

  it("refuses to approve a withdrawn request, and tells the operator of the withdrawal", async () => {
    const requested = await run<Awaited<ReturnType<typeof requestAdhesion>>>(otherReferent, (trx) =>
      requestAdhesion(trx, actor(otherReferent, "2026-05-04T10:00:00Z"), {
        offerId: offers.now,
        draft: draft(),
        document: null,
      }),
    );
    if (!requested.ok) throw new Error(JSON.stringify(requested));
    await newMail(requested.id);
    const withdrawn = await run<Awaited<ReturnType<typeof withdrawAdhesion>>>(otherReferent, (trx) =>
      withdrawAdhesion(trx, actor(otherReferent, "2026-05-05T10:00:00Z"), { id: requested.id }),
    );
    expect(withdrawn).toEqual({ ok: true, id: requested.id });
    expect(await newMail(requested.id)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("retirée") },
    ]);

    const before = await counts();
    const approve = await run<Awaited<ReturnType<typeof decideAdhesion>>>(a.context, (trx) =>
      decideAdhesion(trx, actor(a.context, "2026-05-06T10:00:00Z"), { id: requested.id, decision: "approve" }),
    );
    expect(approve).toEqual({
      ok: false,
      status: 400,
      message: "Cette demande n'est plus en attente (retirée par l'organisation) : rien n'a été fait.",
    });
    expect(await counts()).toEqual(before);
    expect(
      (
        await database.owner
          .selectFrom("subscriptions")
          .select("status")
          .where("id", "=", requested.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe("withdrawn");
  });

  it("activates at once an offer that needs no approval, and accepts a newer rulebook version", async () => {
    const joined = await run<Awaited<ReturnType<typeof requestAdhesion>>>(a.referentContext, (trx) =>
      requestAdhesion(trx, actor(a.referentContext, "2026-05-04T10:00:00Z"), {
        offerId: offers.network,
        draft: draft(),
        document: null,
      }),
    );
    expect(joined).toMatchObject({ ok: true, active: true });
    if (!joined.ok) return;
    expect(await newMail(joined.id)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("Nouvelle adhésion") },
    ]);
    expect(
      await database.owner
        .selectFrom("subscriptions")
        .select(["status", "starts_on"])
        .where("id", "=", joined.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: "active", starts_on: "2026-05-04" });

    // The fixture's subscription accepted version 1 of its offer's rulebook; version 2 is published.
    const fixture = await database.owner
      .selectFrom("subscriptions")
      .select("id")
      .where("offer_id", "=", a.offerId)
      .executeTakeFirstOrThrow();
    const v2 = await database.owner
      .insertInto("rulebook_versions")
      .values({ cooperative_id: a.cooperativeId, offer_id: a.offerId, version: 2, body: "Règlement v2" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const unticked = await run<Awaited<ReturnType<typeof acceptAdhesionRulebook>>>(a.referentContext, (trx) =>
      acceptAdhesionRulebook(trx, actor(a.referentContext, "2026-05-05T10:00:00Z"), {
        id: fixture.id,
        rulebookVersionId: "",
      }),
    );
    expect(unticked).toMatchObject({ ok: false, errors: { rulebook: expect.stringContaining("version 2") } });
    const accepted = await run<Awaited<ReturnType<typeof acceptAdhesionRulebook>>>(a.referentContext, (trx) =>
      acceptAdhesionRulebook(trx, actor(a.referentContext, "2026-05-05T10:00:00Z"), {
        id: fixture.id,
        rulebookVersionId: v2.id,
      }),
    );
    expect(accepted).toEqual({ ok: true, id: fixture.id });
    const again = await run<Awaited<ReturnType<typeof acceptAdhesionRulebook>>>(a.referentContext, (trx) =>
      acceptAdhesionRulebook(trx, actor(a.referentContext, "2026-05-06T10:00:00Z"), {
        id: fixture.id,
        rulebookVersionId: v2.id,
      }),
    );
    expect(again).toMatchObject({ ok: false, message: expect.stringContaining("déjà acceptée") });
    expect(await eventsOf(fixture.id)).toEqual(["approved", "rulebook_accepted"]);
  });

  it("writes nothing on bad input, with a French message on the field or the form", async () => {
    const rulebook = await rulebookOf(offers.january);
    const cases: [
      string,
      string,
      Partial<RequestDraft>,
      { name: string; type: string; text: string } | null,
      string,
    ][] = [
      ["council decision missing", offers.january, { rulebookVersionId: rulebook }, null, "councilNumber"],
      ["negative units", offers.now, { units: { agents: "-4" } }, null, "unit.agents"],
      ["units not a number", offers.now, { units: { agents: "beaucoup" } }, null, "unit.agents"],
      ["option not offered", offers.now, { optionKeys: ["piscine"] }, null, "options"],
      ["not a PDF", offers.network, {}, { name: "x.pdf", type: "text/html", text: "<script>" }, "councilDocument"],
      [
        "a fake PDF",
        offers.network,
        {},
        { name: "x.pdf", type: "application/pdf", text: "MZ\u0090" },
        "councilDocument",
      ],
      ["kind not eligible", offers.ccasOnly, {}, null, "message:réservée aux organisations de type ccas"],
      ["already joined", offers.network, {}, null, "message:adhère déjà"],
      ["draft", offers.draft, {}, null, "message:pas encore publiée"],
      ["archived", offers.archived, {}, null, "message:archivée"],
    ];
    for (const [label, offerId, overrides, file, where] of cases) {
      const before = await counts();
      const outcome = await run<Awaited<ReturnType<typeof requestAdhesion>>>(otherReferent, (trx) =>
        requestAdhesion(trx, actor(otherReferent, "2026-05-10T10:00:00Z"), {
          offerId,
          draft: draft(overrides),
          document: file ? { name: file.name, type: file.type, bytes: new TextEncoder().encode(file.text) } : null,
        }),
      );
      expect(outcome.ok, label).toBe(false);
      if (outcome.ok) continue;
      if (where.startsWith("message:")) expect(outcome.message, label).toContain(where.slice(8));
      else expect(Object.keys(outcome.errors ?? {}), label).toContain(where);
      expect(await counts(), label).toEqual(before);
      if (label === "a fake PDF") {
        // Then the other commune joins the network (for "already joined").
        const joined = await run<Awaited<ReturnType<typeof requestAdhesion>>>(otherReferent, (trx) =>
          requestAdhesion(trx, actor(otherReferent, "2026-05-10T10:00:00Z"), {
            offerId: offers.network,
            draft: draft(),
            document: null,
          }),
        );
        expect(joined.ok).toBe(true);
      }
    }
  });

  it("shows a referent only its organisation's subscriptions and documents; a viewer writes nothing; another cooperative sees nothing", async () => {
    const ownRows = await run<Awaited<ReturnType<typeof listOrganisationSubscriptions>>>(a.referentContext, (trx) =>
      listOrganisationSubscriptions(trx, a.cooperativeId, a.communeId),
    );
    expect(ownRows.length).toBeGreaterThan(0);
    const othersOfCommune2 = await run<Awaited<ReturnType<typeof listOrganisationSubscriptions>>>(
      a.referentContext,
      (trx) => listOrganisationSubscriptions(trx, a.cooperativeId, otherReferent.organisationId as string),
    );
    expect(othersOfCommune2).toEqual([]);
    const ofCommune2 = await database.owner
      .selectFrom("subscriptions")
      .select("id")
      .where("organisation_id", "=", otherReferent.organisationId as string)
      .executeTakeFirstOrThrow();
    expect(await run(a.referentContext, (trx) => findSubscription(trx, ofCommune2.id, a.cooperativeId))).toBeNull();
    expect(await run(a.context, (trx) => findSubscription(trx, ofCommune2.id, a.cooperativeId))).not.toBeNull();

    const documentOfA = await database.owner
      .selectFrom("documents")
      .select("id")
      .where("organisation_id", "=", a.communeId)
      .executeTakeFirstOrThrow();
    expect(await run(a.referentContext, (trx) => findDocument(trx, documentOfA.id, a.cooperativeId))).not.toBeNull();
    expect(await run(viewer, (trx) => findDocument(trx, documentOfA.id, a.cooperativeId))).not.toBeNull();
    expect(await run(a.context, (trx) => findDocument(trx, documentOfA.id, a.cooperativeId))).not.toBeNull();
    expect(await run(otherReferent, (trx) => findDocument(trx, documentOfA.id, a.cooperativeId))).toBeNull();
    expect(await run(b.context, (trx) => findDocument(trx, documentOfA.id, b.cooperativeId))).toBeNull();
    expect(await run(b.context, (trx) => findDocument(trx, documentOfA.id, a.cooperativeId))).toBeNull();
    expect(await run(b.context, (trx) => listOrganisationSubscriptions(trx, a.cooperativeId, a.communeId))).toEqual([]);

    // A viewer's steps change nothing (the database refuses what the routes already forbid).
    const before = await counts();
    await expect(
      run(viewer, (trx) =>
        trx
          .insertInto("subscriptions")
          .values({
            cooperative_id: a.cooperativeId,
            organisation_id: a.communeId,
            offer_id: offers.ccasOnly,
            status: "requested",
          })
          .execute(),
      ),
    ).rejects.toThrow();
    const mine = ownRows.find((row) => row.status === "active" && row.endsOn === null);
    if (!mine) throw new Error("no running subscription");
    const notice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(viewer, (trx) =>
      giveAdhesionNotice(trx, actor(viewer, "2026-05-10T10:00:00Z"), { id: mine.id }),
    ).catch((error: Error) => ({ ok: false as const, error: error.message }));
    expect(notice.ok).toBe(false);
    expect(await counts()).toEqual(before);
    // Another cooperative's admin cannot decide on A's subscriptions: it does not find them.
    const decided = await run<Awaited<ReturnType<typeof decideAdhesion>>>(b.context, (trx) =>
      decideAdhesion(trx, actor(b.context, "2026-05-10T10:00:00Z"), { id: mine.id, decision: "approve" }),
    );
    expect(decided).toMatchObject({ ok: false, status: 404 });
  });

  it("ends at the rule's date notice given before a scheduled change starts, and the change never runs", async () => {
    await database.owner.deleteFrom("outbox_emails").execute();
    seen = 0;
    const { offerId, id } = await runningSubscription("Plateforme de dématérialisation", "2027-01-01");
    const changed = await run<Awaited<ReturnType<typeof changeAdhesion>>>(a.referentContext, (trx) =>
      changeAdhesion(trx, actor(a.referentContext, "2027-03-10T10:00:00Z"), {
        id,
        draft: { optionKeys: [], units: { agents: "40" } },
      }),
    );
    if (!changed.ok || !changed.successorId) throw new Error(JSON.stringify(changed));
    const successorId = changed.successorId;
    expect(await newMail(id)).toEqual([{ to: await emailOf(a.adminUserId), subject: expect.any(String) }]);

    // 1 September 2027, 3 months' notice: 31 December 2027, before the change of 1 January 2028.
    const notice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2027-09-01T10:00:00Z"), { id: successorId }),
    );
    expect(notice).toEqual({ ok: true, id, endsOn: "2027-12-31" });
    const rows = await rowsOfOffer(offerId);
    expect(rows.map((row) => [row.id, row.status, row.starts_on, row.ends_on, row.notice_given_at !== null])).toEqual([
      [id, "active", "2027-01-01", "2027-12-31", true],
      [successorId, "withdrawn", "2028-01-01", null, false],
    ]);
    expect(await eventsOf(id)).toEqual(["change_scheduled", "notice_given"]);
    expect(await eventsOf(successorId)).toEqual(["replaced", "change_cancelled"]);
    expect(await newMail(id)).toEqual([
      { to: await emailOf(a.adminUserId), subject: expect.stringContaining("Préavis") },
    ]);
    // Nothing active in 2028: the member may ask again, and no further notice is taken.
    const listed = await run(a.referentContext, (trx) =>
      listOrganisationSubscriptions(trx, a.cooperativeId, a.communeId),
    );
    expect(
      listed
        .filter((row) => row.offerId === offerId && row.status === "active")
        .map((row) => [row.endsOn, row.successorStartsOn]),
    ).toEqual([["2027-12-31", null]]);
    const twice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2027-09-02T10:00:00Z"), { id }),
    );
    expect(twice).toMatchObject({ ok: false, message: expect.stringContaining("déjà été donné") });
  });

  it("refuses a change once notice is given: the subscription runs out its notice as it is", async () => {
    const { offerId, id } = await runningSubscription("Plateforme de téléservices", "2027-01-01");
    // 2 October 2027, 3 months' notice: too late for 2027, the subscription ends on 31 December 2028.
    const notice = await run<Awaited<ReturnType<typeof giveAdhesionNotice>>>(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, "2027-10-02T10:00:00Z"), { id }),
    );
    expect(notice).toMatchObject({ ok: true, endsOn: "2028-12-31" });
    const before = await rowsOfOffer(offerId);
    const changed = await run<Awaited<ReturnType<typeof changeAdhesion>>>(a.referentContext, (trx) =>
      changeAdhesion(trx, actor(a.referentContext, "2027-11-15T10:00:00Z"), {
        id,
        draft: { optionKeys: [], units: { agents: "40" } },
      }),
    );
    expect(changed).toMatchObject({ ok: false, message: expect.stringContaining("Un préavis a été donné") });
    expect(await rowsOfOffer(offerId)).toEqual(before);
  });

  it("refuses in the guarded write itself a move from a state that changed since it was read", async () => {
    // The steps lock and re-read the row first; the writes still guard on the expected state, and say so.
    const { offerId, id } = await runningSubscription("Plateforme des marchés", "2026-01-01");
    const request = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: otherReferent.organisationId as string,
        offer_id: offerId,
        status: "withdrawn",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const stale = (subscriptionId: string, organisationId: string) => ({
      id: subscriptionId,
      cooperativeId: a.cooperativeId,
      organisationId,
    });
    const before = await counts();
    // An approval read while the request was pending, written after it was withdrawn.
    expect(
      await run(a.context, (trx) =>
        approveSubscription(trx, stale(request.id, otherReferent.organisationId as string), {
          userId: a.adminUserId,
          startsOn: "2027-01-01",
        }),
      ),
    ).toBe(false);
    // An approval of a subscription already active.
    expect(
      await run(a.context, (trx) =>
        approveSubscription(trx, stale(id, a.communeId), { userId: a.adminUserId, startsOn: "2027-01-01" }),
      ),
    ).toBe(false);
    // Notice read before another notice was recorded.
    await database.owner
      .updateTable("subscriptions")
      .set({ ends_on: "2026-12-31", notice_given_at: new Date("2026-09-01T10:00:00Z") })
      .where("id", "=", id)
      .execute();
    expect(
      await run(a.referentContext, (trx) =>
        giveNotice(trx, stale(id, a.communeId), { userId: a.referentUserId, endsOn: "2027-12-31" }),
      ),
    ).toBe(false);
    expect(await counts()).toEqual(before);
    const rows = await database.owner
      .selectFrom("subscriptions")
      .select(["id", "status", "starts_on", "ends_on"])
      .where("offer_id", "=", offerId)
      .orderBy("created_at")
      .execute();
    expect(rows).toEqual([
      { id, status: "active", starts_on: "2026-01-01", ends_on: "2026-12-31" },
      { id: request.id, status: "withdrawn", starts_on: null, ends_on: null },
    ]);
  });

  it("lets no referent of another organisation withdraw, give notice, change or accept the rulebook of A's subscriptions", async () => {
    const { id: running } = await runningSubscription("Plateforme de formation", "2026-01-01");
    const offerId = (
      await database.owner
        .selectFrom("subscriptions")
        .select("offer_id")
        .where("id", "=", running)
        .executeTakeFirstOrThrow()
    ).offer_id;
    const rulebook = await database.owner
      .insertInto("rulebook_versions")
      .values({ cooperative_id: a.cooperativeId, offer_id: offerId, version: 1, body: "Règlement v1" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const pending = await database.owner
      .insertInto("offers")
      .values({ cooperative_id: a.cooperativeId, title: "Plateforme citoyenne", kind: "platform", status: "published" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const request = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.communeId,
        offer_id: pending.id,
        status: "requested",
        requested_at: new Date(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const stranger = actor(otherReferent, "2026-06-01T10:00:00Z");
    const before = await counts();
    const attempts = {
      withdraw: await run(otherReferent, (trx) => withdrawAdhesion(trx, stranger, { id: request.id })),
      notice: await run(otherReferent, (trx) => giveAdhesionNotice(trx, stranger, { id: running })),
      change: await run(otherReferent, (trx) =>
        changeAdhesion(trx, stranger, { id: running, draft: { optionKeys: [], units: { agents: "1" } } }),
      ),
      rulebook: await run(otherReferent, (trx) =>
        acceptAdhesionRulebook(trx, stranger, { id: running, rulebookVersionId: rulebook.id }),
      ),
    };
    for (const [step, outcome] of Object.entries(attempts)) {
      expect(outcome, step).toEqual({ ok: false, status: 404, message: "Adhésion introuvable." });
    }
    expect(await counts()).toEqual(before);
    expect(
      await database.owner
        .selectFrom("subscriptions")
        .select(["status", "ends_on", "notice_given_at", "rulebook_version_id", "declared_units"])
        .where("id", "in", [running, request.id])
        .orderBy("status")
        .execute(),
    ).toEqual([
      {
        status: "active",
        ends_on: null,
        notice_given_at: null,
        rulebook_version_id: null,
        declared_units: { agents: 3700 },
      },
      { status: "requested", ends_on: null, notice_given_at: null, rulebook_version_id: null, declared_units: {} },
    ]);
  });

  it("approves at 23:30 UTC on 31 December, already 1 January in Paris, a next_january offer from the next 1 January", async () => {
    const offer = await database.owner
      .insertInto("offers")
      .values({
        cooperative_id: a.cooperativeId,
        title: "Plateforme du Nouvel An",
        kind: "platform",
        status: "published",
        takes_effect: "next_january",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const request = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.communeId,
        offer_id: offer.id,
        status: "requested",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const approved = await run(a.context, (trx) =>
      decideAdhesion(trx, actor(a.context, "2026-12-31T23:30:00Z"), { id: request.id, decision: "approve" }),
    );
    expect(approved).toEqual({ ok: true, id: request.id, startsOn: "2028-01-01" });
  });

  it("lists the cooperative's subscriptions for its admins: pending oldest first, filter, sort, pages", async () => {
    const filter = {
      cooperativeId: a.cooperativeId,
      status: null,
      offerId: null,
      search: "",
      sort: "organisation" as const,
      descending: false,
    };
    const all = await run(a.context, (trx) => listAllSubscriptions(trx, filter));
    const owned = await database.owner
      .selectFrom("subscriptions")
      .select("id")
      .where("cooperative_id", "=", a.cooperativeId)
      .execute();
    expect(all).toHaveLength(owned.length);
    const pending = await run(a.context, (trx) => listPendingRequests(trx, a.cooperativeId));
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((row) => row.status === "requested")).toBe(true);
    const times = pending.map((row) => row.requestedAt?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((x, y) => x - y));

    const searched = await run(a.context, (trx) => listAllSubscriptions(trx, { ...filter, search: "AUTRE commune" }));
    expect(new Set(searched.map((row) => row.organisationName))).toEqual(new Set(["Autre commune"]));
    const active = await run(a.context, (trx) =>
      listAllSubscriptions(trx, { ...filter, status: "active", offerId: offers.network }),
    );
    expect(active.map((row) => [row.organisationName, row.offerTitle, row.status])).toEqual([
      ["Autre commune", "Réseau des DGS", "active"],
      ["MARKER-A-213400 commune", "Réseau des DGS", "active"],
    ]);
    const descending = await run(a.context, (trx) =>
      listAllSubscriptions(trx, { ...filter, status: "active", offerId: offers.network, descending: true }),
    );
    expect(descending.map((row) => row.organisationName)).toEqual(["MARKER-A-213400 commune", "Autre commune"]);

    const page2 = await run(a.context, (trx) => listSubscriptions(trx, { ...filter, page: 2, pageSize: 2 }));
    expect(page2).toMatchObject({ total: all.length, page: 2, pageCount: Math.ceil(all.length / 2) });
    expect(page2.rows.map((row) => row.id)).toEqual(all.slice(2, 4).map((row) => row.id));
    // Another cooperative's admin, asking for A's cooperative, gets nothing.
    expect(await run(b.context, (trx) => listAllSubscriptions(trx, filter))).toEqual([]);
  });
});
