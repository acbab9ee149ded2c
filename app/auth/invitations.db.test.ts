import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { requestScopeFactory } from "../context.server.ts";
import { insertInvitation } from "../queries/invitations.server.ts";
import { acceptInvitation } from "./invitations.server.tsx";
import { generateToken, hashToken } from "./tokens.server.ts";

describe(`accepting an invitation (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  const client = { ipAddress: "192.0.2.1", userAgent: null };
  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    a = await seedTenant(database.owner, "A", "213400");
  });
  afterAll(() => database.close());

  const invitation = async (email: string, now = new Date()) => {
    const token = generateToken();
    await requestScopeFactory(database.app)(a.context).transaction((trx) =>
      insertInvitation(trx, {
        cooperativeId: a.cooperativeId,
        organisationId: a.communeId,
        email,
        displayName: "Invitée",
        role: "agent",
        tokenHash: hashToken(token),
        invitedBy: a.adminUserId,
        now,
      }),
    );
    return token;
  };
  const accept = (token: string, now = new Date()) =>
    acceptInvitation(
      requestScopeFactory(database.app)(ANONYMOUS),
      { publicUrl: "https://portail.test" },
      token,
      { displayName: "Invitée", password: null },
      client,
      now,
    );

  it("creates the account and the membership, once, even under two concurrent acceptances", async () => {
    const token = await invitation("invitee@example.test");
    const results = await Promise.all([accept(token), accept(token)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const memberships = await database.owner
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.role", "m.organisation_id"])
      .where("u.email", "=", "invitee@example.test")
      .execute();
    expect(memberships).toEqual([{ role: "agent", organisation_id: a.communeId }]);
    // The inviter hears of it once (a "memberships" notification, immediate by default).
    const notices = await database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "subject"])
      .where("kind", "=", "notification_memberships")
      .execute();
    expect(notices).toEqual([
      { to_address: "admin-a@213400.test", subject: `Invitée a rejoint le portail pour ${a.marker} commune.` },
    ]);
  });

  it("expires after 7 days", async () => {
    const sent = new Date(Date.now() - 7 * 86_400_000 - 1000);
    const token = await invitation("late@example.test", sent);
    expect(await accept(token)).toEqual({ ok: false });
  });

  it("adds a membership to an existing account without creating another", async () => {
    const token = await invitation("referent-a@213400.test");
    expect((await accept(token)).ok).toBe(true);
    const users = await database.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "referent-a@213400.test")
      .execute();
    expect(users).toHaveLength(1);
  });
});
