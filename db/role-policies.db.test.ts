import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { ANONYMOUS, type RequestContext, withRequestContext } from "./request-context.ts";
import type { MembershipRole } from "./schema.ts";

const REFUSED = { code: "42501" };

describe(`write policies follow the role in the request context (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  let viewer: RequestContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    viewer = { ...a.referentContext, role: "viewer" };
  });
  afterAll(() => database.close());

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);

  const addOrganisation = (context: RequestContext, prefix: string) =>
    as(context, (trx) =>
      trx
        .insertInto("organisations")
        .values({ cooperative_id: a.cooperativeId, kind: "ccas", siren: sirenFrom(prefix), name: "CCAS" })
        .execute(),
    );

  const addMember = (context: RequestContext, email: string, organisationId: string, role: MembershipRole) =>
    as(context, async (trx) => {
      // No RETURNING: a new user is visible only once it has a membership here.
      const userId = randomUUID();
      await trx.insertInto("users").values({ id: userId, email, display_name: email }).execute();
      await trx
        .insertInto("memberships")
        .values({ user_id: userId, organisation_id: organisationId, cooperative_id: a.cooperativeId, role })
        .execute();
    });

  it("lets the operator admin add an organisation, and nobody else", async () => {
    await addOrganisation(a.context, "26340001");
    await expect(addOrganisation(a.referentContext, "26340002")).rejects.toMatchObject(REFUSED);
    await expect(addOrganisation(viewer, "26340003")).rejects.toMatchObject(REFUSED);
    await expect(addOrganisation(ANONYMOUS, "26340004")).rejects.toMatchObject(REFUSED);
  });

  it("lets a referent add agents and viewers of its own organisation only", async () => {
    await addMember(a.referentContext, "agent@a.test", a.communeId, "agent");
    await addMember(a.referentContext, "elu@a.test", a.communeId, "viewer");
    await expect(addMember(a.referentContext, "ref2@a.test", a.communeId, "referent")).rejects.toMatchObject(REFUSED);
    await expect(addMember(a.referentContext, "op@a.test", a.operatorId, "viewer")).rejects.toMatchObject(REFUSED);
  });

  it("lets the operator admin add referents anywhere in its cooperative", async () => {
    await addMember(a.context, "ref@a.test", a.communeId, "referent");
    await addMember(a.context, "admin2@a.test", a.operatorId, "operator_admin");
  });

  it("refuses any user or membership written by a viewer or without context", async () => {
    await expect(addMember(viewer, "v@a.test", a.communeId, "viewer")).rejects.toMatchObject(REFUSED);
    await expect(addMember(ANONYMOUS, "anon@a.test", a.communeId, "viewer")).rejects.toMatchObject(REFUSED);
  });

  it("keeps a referent from promoting itself or touching other referents", async () => {
    const updated = await as(a.referentContext, (trx) =>
      trx
        .updateTable("memberships")
        .set({ role: "operator_admin" })
        .where("user_id", "=", a.referentUserId)
        .executeTakeFirst(),
    );
    expect(updated.numUpdatedRows).toBe(0n);
    const deleted = await as(a.referentContext, (trx) =>
      trx.deleteFrom("memberships").where("role", "in", ["referent", "operator_admin"]).executeTakeFirst(),
    );
    expect(deleted.numDeletedRows).toBe(0n);
    const kept = await database.owner
      .selectFrom("memberships")
      .select(["user_id", "role"])
      .where("user_id", "in", [a.referentUserId, a.adminUserId])
      .orderBy("role")
      .execute();
    expect(kept).toEqual([
      { user_id: a.adminUserId, role: "operator_admin" },
      { user_id: a.referentUserId, role: "referent" },
    ]);
  });
});
