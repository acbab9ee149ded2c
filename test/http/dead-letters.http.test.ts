import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("dead letters: an operator admin sees the cooperative's undelivered mail and sends it again", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let tenant: Tenant;
  let cookie = "";
  let letter = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
    letter = (
      await database.owner
        .insertInto("outbox_emails")
        .values({
          cooperative_id: tenant.cooperativeId,
          kind: "invitation",
          to_address: "mauvaise@adresse.test",
          subject: "Invitation au portail",
          text_body: "…",
          status: "dead",
          attempts: 1,
          last_error: "422: Invalid `to` field.",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    cookie = await sessionCookieFor(database, tenant.adminUserId);
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  it("lists it with its error, and puts it back in the queue on « Renvoyer »", async () => {
    const page = await fetch(`${portal.url}/courriels-non-distribues`, { headers: { Cookie: cookie } });
    const html = await page.text();
    expect(html).toContain("mauvaise@adresse.test");
    expect(html).toContain("Invalid `to` field.");

    const resent = await fetch(`${portal.url}/courriels-non-distribues`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ id: letter }).toString(),
    });
    expect(resent.status).toBe(200);
    expect(await resent.text()).toContain("Aucun courriel en échec");
    const row = await database.owner
      .selectFrom("outbox_emails")
      .select(["status", "last_error"])
      .where("id", "=", letter)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "pending", last_error: null });
  });
});
