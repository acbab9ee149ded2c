import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPassword } from "../../app/auth/sign-in.server.ts";
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
    portal = await servePortal(database.app);
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
      const before = portal.mails.length;
      const known = await answer(email, path, form);
      const unknown = await answer("personne@nulle-part.test", path, form);
      expect(unknown).toEqual(known);
      expect(known.status).toBe(200);
      expect(portal.mails.length - before).toBe(1);
      expect(portal.mails.at(-1)?.to).toBe(email);
    }
  });

  it("signs in with an emailed link only through the confirm button, once", async () => {
    await post("/connexion", { intent: "link", email });
    const link = portal.mails.at(-1)?.text.match(/https?:\/\/\S+/)?.[0] ?? "";
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
