import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPassword } from "../../app/auth/sign-in.server.tsx";
import { totpCodeAt, totpStepAt } from "../../app/auth/totp.server.ts";
import { requestScopeFactory } from "../../app/context.server.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { ADMIN_TOTP_SECRET, seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, signInOverHttp } from "./server.ts";

const PASSWORD = "une phrase de passe solide";

describe("second factor over HTTP (enforced for operator admins)", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const scope = requestScopeFactory(database.app)(ANONYMOUS);
    for (const userId of [a.adminUserId, b.adminUserId, a.referentUserId]) await setPassword(scope, userId, PASSWORD);
    // B's admin has never enrolled an authenticator.
    await database.owner.deleteFrom("recovery_codes").where("user_id", "=", b.adminUserId).execute();
    await database.owner.deleteFrom("totp_credentials").where("user_id", "=", b.adminUserId).execute();
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const get = (path: string, cookie: string) =>
    fetch(`${portal.url}${path}`, { redirect: "manual", headers: { Cookie: cookie } });
  const post = (path: string, form: Record<string, string>, cookie: string) =>
    fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  const location = (response: Response) => response.headers.get("Location");

  it("a password alone opens nothing for an enrolled admin: every page asks for the code, which opens them", async () => {
    const cookie = await signInOverHttp(portal.url, { email: "admin-a@213400.test", password: PASSWORD });
    for (const path of ["/accueil", "/journal", "/personnes", "/compte"]) {
      const response = await get(path, cookie);
      expect(response.status, path).toBe(302);
      expect(location(response), path).toBe(`/connexion/verification?retour=${encodeURIComponent(path)}`);
    }
    const invited = await post("/invitations", { intent: "invite", email: "x@example.test" }, cookie);
    expect(location(invited)).toMatch(/^\/connexion\/verification/);
    expect(
      await database.owner.selectFrom("invitations").select("id").where("email", "=", "x@example.test").execute(),
    ).toEqual([]);

    const page = await get("/connexion/verification?retour=/journal", cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("admin-a@213400.test");

    const wrong = await post("/connexion/verification", { intent: "totp", code: "12345", retour: "/journal" }, cookie);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Code incorrect ou expiré");

    const code = totpCodeAt(ADMIN_TOTP_SECRET, totpStepAt(new Date()) + 1);
    const right = await post("/connexion/verification", { intent: "totp", code, retour: "/journal" }, cookie);
    expect(right.status).toBe(302);
    expect(location(right)).toBe("/journal");
    expect((await get("/journal", cookie)).status).toBe(200);
  });

  it("an admin who never enrolled is sent to enrol, and is in once the phone's code matches", async () => {
    const cookie = await signInOverHttp(portal.url, { email: "admin-b@215700.test", password: PASSWORD });
    const home = await get("/accueil", cookie);
    expect(location(home)).toBe("/compte/double-authentification?retour=%2Faccueil");
    expect(location(await get("/connexion/verification", cookie))).toMatch(/^\/compte\/double-authentification/);

    const page = await (await get("/compte/double-authentification?retour=/accueil", cookie)).text();
    expect(page).toContain("exige une double authentification");
    const secret = page.match(/name="secret" value="([A-Z2-7]{32})"/)?.[1] ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page).toContain("data:image/svg+xml;base64,");

    const wrong = await post("/compte/double-authentification", { intent: "enrol", secret, code: "000000" }, cookie);
    expect(wrong.status).toBe(400);
    const wrongPage = await wrong.text();
    expect(wrongPage).toContain("Ce code ne correspond pas");
    expect(wrongPage).toContain(`value="${secret}"`);
    expect((await get("/accueil", cookie)).status).toBe(302);

    const enrolled = await post(
      "/compte/double-authentification",
      { intent: "enrol", secret, code: totpCodeAt(secret, totpStepAt(new Date())), retour: "/accueil" },
      cookie,
    );
    expect(enrolled.status).toBe(200);
    const codes = (await enrolled.text()).match(/[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}/g) ?? [];
    expect(new Set(codes).size).toBe(10);
    expect((await get("/accueil", cookie)).status).toBe(200);

    // The next sign-in takes one of those recovery codes instead of the phone.
    const next = await signInOverHttp(portal.url, { email: "admin-b@215700.test", password: PASSWORD });
    const recovered = await post("/connexion/verification", { intent: "recovery", code: codes[0] ?? "" }, next);
    expect(location(recovered)).toBe("/accueil");
    const again = await signInOverHttp(portal.url, { email: "admin-b@215700.test", password: PASSWORD });
    const reused = await post("/connexion/verification", { intent: "recovery", code: codes[0] ?? "" }, again);
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("déjà servi");
  });

  it("a referent signs in with a password alone, and may turn an authenticator on", async () => {
    const cookie = await signInOverHttp(portal.url, { email: "referent-a@213400.test", password: PASSWORD });
    expect((await get("/accueil", cookie)).status).toBe(200);
    const page = await (await get("/compte/double-authentification", cookie)).text();
    expect(page).toContain("facultatif pour votre rôle");
  });

  it("a session owing its code can still sign out", async () => {
    const cookie = await signInOverHttp(portal.url, { email: "admin-a@213400.test", password: PASSWORD });
    const out = await post("/deconnexion", {}, cookie);
    expect(location(out)).toBe("/");
    expect(location(await get("/connexion/verification", cookie))).toMatch(/^\/connexion\?/);
  });
});
