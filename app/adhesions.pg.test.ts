import type { Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonb } from "../db/jsonb.ts";
import type { RequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";
import { createTestDatabase, type TestDatabase } from "../test/database.ts";
import { seedTenant, type Tenant } from "../test/tenants.ts";
import {
  type Actor,
  changeAdhesion,
  decideAdhesion,
  giveAdhesionNotice,
  raceRefusal,
  requestAdhesion,
  type StepOutcome,
} from "./adhesions.server.ts";
import { requestScopeFactory } from "./context.server.ts";

// Two workflow steps on the same subscription at the same moment, on two connections: the first has written but not
// committed when the second starts. The second must wait for the first (the row is locked when a step first reads
// it), then read what the first wrote: one decision, one history line, one mail; a notice never silently lost.

describe("the adhésion workflow under concurrency (postgres)", () => {
  let database: TestDatabase;
  let a: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 6 });
    a = await seedTenant(database.owner, "A", "213400");
    await database.owner.deleteFrom("notification_preferences").execute();
  });
  afterAll(() => database.close());

  const actor = (context: RequestContext, now: string): Actor => ({
    context: context as Actor["context"],
    publicUrl: "http://portail.test",
    now: new Date(now),
  });
  const run = <T>(context: RequestContext, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> =>
    requestScopeFactory(database.app)(context).transaction(work);

  /**
   * Runs `first` in a transaction kept open once it has written, starts `second` (its own transaction), lets it reach
   * its lock, then commits the first: both outcomes.
   */
  async function race<F, S>(
    first: [RequestContext, (trx: Transaction<DB>) => Promise<F>],
    second: () => Promise<S>,
  ): Promise<[F, S]> {
    let written = () => {};
    const hasWritten = new Promise<void>((resolve) => {
      written = resolve;
    });
    let commit = () => {};
    const mayCommit = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const one = run(first[0], async (trx) => {
      const outcome = await first[1](trx);
      written();
      await mayCommit;
      return outcome;
    });
    await hasWritten;
    const two = second();
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    return [await one, await two];
  }

  async function newOffer(title: string, terms: Record<string, unknown>) {
    const offer = await database.owner
      .insertInto("offers")
      .values({
        cooperative_id: a.cooperativeId,
        title,
        kind: "platform",
        status: "published",
        requires_council_decision: false,
        ...terms,
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
    return offer.id;
  }

  const mailsAbout = async (subscriptionId: string) =>
    (
      await database.owner
        .selectFrom("outbox_emails")
        .select(["to_address", "subject", "text_body"])
        .where("kind", "=", "notification_adhesions")
        .execute()
    ).filter((mail) => mail.text_body.includes(`/adhesions/${subscriptionId}`));

  const eventsOf = async (id: string) =>
    (
      await database.owner
        .selectFrom("subscription_events")
        .select("action")
        .where("subscription_id", "=", id)
        .orderBy("created_at")
        .execute()
    ).map((event) => event.action);

  const rowsOf = (offerId: string) =>
    database.owner
      .selectFrom("subscriptions")
      .select(["id", "status", "starts_on", "ends_on", "notice_given_at", "replaces_id"])
      .where("offer_id", "=", offerId)
      .orderBy("starts_on")
      .execute();

  it("of two approvals at once, one approves: one history line, one mail, the other told it is already accepted", async () => {
    const offerId = await newOffer("E-administration", { takes_effect: "next_january" });
    const requested = await run(a.referentContext, (trx) =>
      requestAdhesion(trx, actor(a.referentContext, "2026-11-27T10:00:00Z"), {
        offerId,
        draft: { optionKeys: [], units: { agents: "37" }, councilNumber: "", councilDate: "", rulebookVersionId: null },
        document: null,
      }),
    );
    if (!requested.ok) throw new Error(JSON.stringify(requested));
    const approve = (trx: Transaction<DB>) =>
      decideAdhesion(trx, actor(a.context, "2026-11-30T10:00:00Z"), { id: requested.id, decision: "approve" });
    const [first, second] = await race([a.context, approve], () => run(a.context, approve));
    expect(first).toEqual({ ok: true, id: requested.id, startsOn: "2027-01-01" });
    expect(second).toEqual({
      ok: false,
      status: 400,
      message: "Cette demande n'est plus en attente (déjà acceptée) : rien n'a été fait.",
    });
    expect(await eventsOf(requested.id)).toEqual(["requested", "approved"]);
    expect((await mailsAbout(requested.id)).filter((mail) => mail.subject.includes("acceptée"))).toHaveLength(1);
  });

  it("a notice committed while a change is being made is seen by the change: it is not lost", async () => {
    const offerId = await newOffer("Plateforme SIG", { takes_effect: "next_january", notice_months: 3 });
    const { id } = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.communeId,
        offer_id: offerId,
        status: "active",
        starts_on: "2027-01-01",
        declared_units: jsonb({ agents: 3700 }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const when = "2027-09-01T10:00:00Z";
    const [notice, change] = await race<StepOutcome<{ endsOn: string }>, StepOutcome<object>>(
      [a.referentContext, (trx) => giveAdhesionNotice(trx, actor(a.referentContext, when), { id })],
      () =>
        run(a.referentContext, (trx) =>
          changeAdhesion(trx, actor(a.referentContext, when), {
            id,
            draft: { optionKeys: [], units: { agents: "40" } },
          }),
        ),
    );
    expect(notice).toEqual({ ok: true, id, endsOn: "2027-12-31" });
    expect(change).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("ne s'appliquerait jamais"),
    });
    const rows = await rowsOf(offerId);
    expect(rows.map((row) => [row.status, row.starts_on, row.ends_on, row.notice_given_at !== null])).toEqual([
      ["active", "2027-01-01", "2027-12-31", true],
    ]);
  });

  it("a notice sent while a change is being made waits for it and is refused, never recorded on the replaced row", async () => {
    const offerId = await newOffer("Plateforme RH", { takes_effect: "next_january", notice_months: 3 });
    const { id } = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.communeId,
        offer_id: offerId,
        status: "active",
        starts_on: "2027-01-01",
        declared_units: jsonb({ agents: 3700 }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const when = "2027-09-01T10:00:00Z";
    const [change, notice] = await race<StepOutcome<{ successorId: string | null }>, StepOutcome<object>>(
      [
        a.referentContext,
        (trx) =>
          changeAdhesion(trx, actor(a.referentContext, when), {
            id,
            draft: { optionKeys: [], units: { agents: "40" } },
          }),
      ],
      () => run(a.referentContext, (trx) => giveAdhesionNotice(trx, actor(a.referentContext, when), { id })),
    );
    if (!change.ok || !change.successorId) throw new Error(JSON.stringify(change));
    // The notice is not silently applied to the replaced row, leaving the successor running: the referent is told.
    expect(notice).toMatchObject({ ok: false, status: 400, message: expect.stringContaining("Une modification") });
    const rows = await rowsOf(offerId);
    expect(rows.map((row) => [row.status, row.starts_on, row.ends_on, row.notice_given_at !== null])).toEqual([
      ["active", "2027-01-01", "2027-12-31", false],
      ["active", "2028-01-01", null, false],
    ]);
    // Given then on the successor, it ends the subscription on 31 December 2027 and cancels the change.
    const onSuccessor = await run(a.referentContext, (trx) =>
      giveAdhesionNotice(trx, actor(a.referentContext, when), { id: change.successorId as string }),
    );
    expect(onSuccessor).toEqual({ ok: true, id, endsOn: "2027-12-31" });
  });

  it("of two joins at once to an offer without approval, the second is told the organisation already joined", async () => {
    const offerId = await newOffer("Réseau des DGS", { requires_approval: false });
    const join = (trx: Transaction<DB>) =>
      requestAdhesion(trx, actor(a.referentContext, "2026-11-27T10:00:00Z"), {
        offerId,
        draft: { optionKeys: [], units: { agents: "37" }, councilNumber: "", councilDate: "", rulebookVersionId: null },
        document: null,
      });
    const [first, second] = await race([a.referentContext, join], () =>
      run(a.referentContext, join).catch((error: unknown) => raceRefusal(error, "request") ?? Promise.reject(error)),
    );
    expect(first).toMatchObject({ ok: true, active: true });
    expect(second).toMatchObject({ ok: false, status: 400, message: expect.stringContaining("déjà adhérente") });
    expect((await rowsOf(offerId)).map((row) => row.status)).toEqual(["active"]);
  });
});
