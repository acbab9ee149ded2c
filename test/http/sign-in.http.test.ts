import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPassword } from "../../app/auth/sign-in.server.tsx";
import { requestScopeFactory } from "../../app/context.server.ts";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { createTestDatabase } from "../database.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal } from "./server.ts";

const PASSWORD = "une phrase de passe solide";

describe("sign-in over HTTP", () => {
  let database: Database;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let tenant: Tenant;
  const email = "referent-a@213400.test";

  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
    await setPassword(requestScopeFactory(database.app)(ANONYMOUS), tenant.referentUserId, PASSWORD);
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    });

  it("signs in with the right password: a session cookie, __Host-, HttpOnly, Secure, SameSite=Lax", async () => {
    const response = await post("/connexion", { intent: "password", email, password: PASSWORD, retour: "/compte" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/compte");
    const cookie = response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Expires=/);
  });

  it("refuses a state change whose Origin is foreign or missing, and signs nobody in", async () => {
    const form = { intent: "password", email, password: PASSWORD };
    const foreign = await post("/connexion", form, { Origin: "https://attaquant.example" });
    expect(foreign.status).toBeGreaterThanOrEqual(400);
    expect(foreign.headers.get("Set-Cookie")).toBeNull();

    const missing = await fetch(`${portal.url}/connexion`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toBe("Requête refusée : origine non vérifiée.");
    expect(missing.headers.get("Set-Cookie")).toBeNull();
  });

  it("sends the security headers: CSP with a nonce, nosniff, referrer policy", async () => {
    const response = await fetch(`${portal.url}/connexion`);
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(await response.text()).toContain(`nonce="${nonce}"`);
  });

  it("answers a link request the same whether or not the account exists", async () => {
    const answer = async (address: string, path: string, form: Record<string, string>) => {
      const response = await post(path, { ...form, email: address });
      return { status: response.status, body: (await response.text()).replaceAll(address, "ADRESSE") };
    };
    for (const [path, form] of [
      ["/connexion.data", { intent: "link" }],
      ["/mot-de-passe/oubli.data", {}],
    ] as const) {
      const before = (await portal.mails()).length;
      const known = await answer(email, path, form);
      const unknown = await answer("personne@nulle-part.test", path, form);
      expect(unknown).toEqual(known);
      expect(known.status).toBe(200);
      await expect.poll(async () => (await portal.mails()).length - before).toBe(1);
      expect((await portal.mails()).at(-1)?.to).toBe(email);
    }
  });

  const signIn = async (password = PASSWORD) => {
    const response = await post("/connexion", { intent: "password", email, password });
    expect(response.status).toBe(302);
    return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  };
  const page = async (path: string, cookie: string) =>
    fetch(`${portal.url}${path}`, { redirect: "manual", headers: { Cookie: cookie } });

  it("signs out server-side: the old cookie is worth nothing afterwards", async () => {
    const cookie = await signIn();
    expect((await page("/accueil", cookie)).status).toBe(200);
    const out = await post("/deconnexion", {}, { Cookie: cookie });
    expect(out.status).toBe(302);
    expect(out.headers.get("Set-Cookie")).toContain("Max-Age=0");
    const replayed = await page("/accueil", cookie);
    expect(replayed.status).toBe(302);
    expect(replayed.headers.get("Location")).toBe("/connexion?retour=%2Faccueil");
  });

  it("ends the browser's previous session when someone signs in again", async () => {
    const first = await signIn();
    const again = await post("/connexion", { intent: "password", email, password: PASSWORD }, { Cookie: first });
    expect(again.status).toBe(302);
    expect((await page("/compte", first)).status).toBe(302);
  });

  it("never sends a signed-in user off the site after signing in", async () => {
    const cookie = await signIn();
    for (const retour of ["//evil.example", "/\tevil.example", "/%09/evil.example", "https://evil.example"]) {
      const response = await page(`/connexion?retour=${encodeURIComponent(retour)}`, cookie);
      expect(response.status).toBe(302);
      expect(response.headers.get("Location"), retour).toMatch(/^\/(?!\/)/);
    }
  });

  it("lists the user's sessions and closes the others on request", async () => {
    const phone = await signIn();
    const laptop = await signIn();
    const account = await page("/compte", laptop);
    expect(account.status).toBe(200);
    expect(await account.text()).toContain("Fermer toutes les autres sessions");

    const revoked = await post("/compte", { intent: "revoke-others" }, { Cookie: laptop });
    expect(revoked.status).toBe(200);
    expect((await page("/accueil", phone)).status).toBe(302);
    expect((await page("/accueil", laptop)).status).toBe(200);
  });

  it("changes the password with the current one: the new one works, other sessions end", async () => {
    const other = await signIn();
    const current = await signIn();
    const change = (form: Record<string, string>) =>
      post("/compte", { intent: "password", ...form }, { Cookie: current });

    const wrong = await change({
      current: "pas le bon",
      password: "nouvelle phrase secrète",
      confirmation: "nouvelle phrase secrète",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Le mot de passe actuel est incorrect.");
    const common = await change({ current: PASSWORD, password: "123456789012", confirmation: "123456789012" });
    expect(common.status).toBe(400);
    expect(await common.text()).toContain("les plus courants");

    const done = await change({
      current: PASSWORD,
      password: "nouvelle phrase secrète",
      confirmation: "nouvelle phrase secrète",
    });
    expect(done.status).toBe(200);
    expect((await page("/accueil", other)).status).toBe(302);
    expect((await page("/accueil", current)).status).toBe(200);
    await signIn("nouvelle phrase secrète");
    await setPassword(requestScopeFactory(database.app)(ANONYMOUS), tenant.referentUserId, PASSWORD);
  });

  it("lets a person with several memberships switch the one they act in", async () => {
    const otherOrganisation = await database.owner
      .insertInto("memberships")
      .values({
        user_id: tenant.referentUserId,
        organisation_id: tenant.operatorId,
        cooperative_id: tenant.cooperativeId,
        role: "viewer",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const cookie = await signIn();
    const actingAs = (html: string) => html.match(/en tant que <strong>([^<]+)<\/strong>/)?.[1];
    expect(actingAs(await (await page("/accueil", cookie)).text())).toBe("Référent");

    const switched = await post(
      "/espace",
      { membership: otherOrganisation.id, retour: "/accueil" },
      { Cookie: cookie },
    );
    expect(switched.status).toBe(302);
    const home = await (await page("/accueil", cookie)).text();
    expect(actingAs(home)).toBe("Lecteur (élu)");
    expect(home).toContain(`${tenant.marker} opérateur`);
    await database.owner.deleteFrom("memberships").where("id", "=", otherOrganisation.id).execute();
  });

  it("signs in with an emailed link only through the confirm button, once", async () => {
    const before = (await portal.mails()).length;
    await post("/connexion", { intent: "link", email });
    await expect.poll(async () => (await portal.mails()).length).toBe(before + 1);
    const link = (await portal.mails()).at(-1)?.text.match(/https?:\/\/\S+/)?.[0] ?? "";
    expect(link).toContain(`${portal.url}/connexion/lien?jeton=`);

    // Opening the link (what a mail scanner does) uses nothing up.
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain("Me connecter");
    const token = new URL(link).searchParams.get("jeton") ?? "";

    const confirmed = await post("/connexion/lien", { jeton: token });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("Set-Cookie")).toMatch(/^__Host-session=/);
    const again = await post("/connexion/lien", { jeton: token });
    expect(again.status).toBe(400);
  });
});
