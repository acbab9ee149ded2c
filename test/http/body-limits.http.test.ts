import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

/** Request bodies are refused by size before any action reads them into memory. */
describe("request body limits", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body,
    });

  it("refuses a form over 1 MB, and an upload over 6 MB, with 413 and nothing written", async () => {
    const referent = await sessionCookieFor(database, a.referentUserId);
    const before = await database.owner.selectFrom("subscriptions").select("id").execute();

    const big = await post("/connexion", "a".repeat(2 * 1024 * 1024));
    expect(big.status).toBe(413);
    expect(await big.text()).toContain("1 Mo au plus");

    const upload = await post(`/adhesions/nouvelle?offre=${a.offerId}`, "a".repeat(7 * 1024 * 1024), {
      Cookie: referent,
      "Content-Type": "multipart/form-data; boundary=x",
    });
    expect(upload.status).toBe(413);
    expect(await database.owner.selectFrom("subscriptions").select("id").execute()).toEqual(before);
  });

  it("lets an upload under the limit through to the form's own checks", async () => {
    const referent = await sessionCookieFor(database, a.referentUserId);
    const response = await post(`/adhesions/nouvelle?offre=${a.offerId}`, "a".repeat(2 * 1024 * 1024), {
      Cookie: referent,
      "Content-Type": "multipart/form-data; boundary=x",
    });
    expect(response.status).not.toBe(413);
  });

  it("refuses a body of undeclared length (chunked) with 411", async () => {
    const url = new URL("/connexion", portal.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        url,
        {
          method: "POST",
          headers: {
            Origin: portal.url,
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on("error", reject);
      request.write("email=x");
      request.end();
    });
    expect(status).toBe(411);
  });
});
