import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPassword } from "../../app/auth/sign-in.server.tsx";
import { requestScopeFactory } from "../../app/context.server.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { ADMIN_TOTP_SECRET, seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, signInOverHttp } from "./server.ts";

const PASSWORD = "une phrase de passe solide";

describe("invitations", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let admin = "";
  let referent = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    const scope = requestScopeFactory(database.app)(ANONYMOUS);
    await setPassword(scope, a.adminUserId, PASSWORD);
    await setPassword(scope, a.referentUserId, PASSWORD);
    portal = await servePortal(database);
    admin = await signIn("admin-a@213400.test");
    referent = await signIn("referent-a@213400.test");
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  async function post(path: string, form: Record<string, string>, cookie?: string) {
    return fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Origin: portal.url,
        "Content-Type": "application/x-www-form-urlencoded",
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
  }
  const signIn = (email: string, password = PASSWORD) =>
    signInOverHttp(portal.url, {
      email,
      password,
      totpSecret: email.startsWith("admin-") ? ADMIN_TOTP_SECRET : undefined,
    });
  const lastLinkTo = async (email: string) => {
    const mails = (await portal.mails()).filter((mail) => mail.to === email);
    return mails.at(-1)?.text.match(/https?:\/\/\S+jeton=[A-Za-z0-9_-]+/)?.[0] ?? "";
  };

  it("lets an operator admin invite a referent, who joins with a password, once", async () => {
    const sent = await post(
      "/invitations",
      {
        intent: "invite",
        email: "Nouvelle.Referente@Commune-A.test",
        displayName: "Nouvelle Référente",
        organisationId: a.communeId,
        role: "referent",
      },
      admin,
    );
    expect(sent.status).toBe(200);
    const link = await lastLinkTo("nouvelle.referente@commune-a.test");
    expect(link).toContain(`${portal.url}/invitation?jeton=`);
    const mail = (await portal.mails()).at(-1);
    expect(mail?.subject).toBe("Invitation au portail de Territoire A coopérative".replace("Territoire A", a.marker));

    const page = await fetch(link);
    expect(page.status).toBe(200);
    const token = new URL(link).searchParams.get("jeton") ?? "";
    const accepted = await post("/invitation", {
      jeton: token,
      displayName: "Nouvelle Référente",
      password: "ma phrase de passe à moi",
      confirmation: "ma phrase de passe à moi",
    });
    expect(accepted.status).toBe(302);
    const cookie = (accepted.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    const home = await (await fetch(`${portal.url}/accueil`, { headers: { Cookie: cookie } })).text();
    expect(home).toMatch(/en tant que <strong>Référent<\/strong> pour(<!-- -->)? <strong>[^<]*commune<\/strong>/);
    expect(await signIn("nouvelle.referente@commune-a.test", "ma phrase de passe à moi")).toMatch(/^__Host-session=/);

    const again = await post("/invitation", { jeton: token, displayName: "Quelqu'un" });
    expect(again.status).toBe(400);
  });

  it("lets a referent invite agents of its organisation, not referents", async () => {
    const refused = await post(
      "/invitations",
      {
        intent: "invite",
        email: "autre@commune-a.test",
        displayName: "Autre",
        organisationId: a.communeId,
        role: "referent",
      },
      referent,
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Ce rôle ne peut pas être proposé pour cette organisation.");
    const agent = await post(
      "/invitations",
      {
        intent: "invite",
        email: "agent@commune-a.test",
        displayName: "Agent",
        organisationId: a.communeId,
        role: "agent",
      },
      referent,
    );
    expect(agent.status).toBe(200);
  });

  it("re-sends a pending invitation with a new link; the old one stops working", async () => {
    await post(
      "/invitations",
      {
        intent: "invite",
        email: "relance@commune-a.test",
        displayName: "Relance",
        organisationId: a.communeId,
        role: "agent",
      },
      admin,
    );
    const first = await lastLinkTo("relance@commune-a.test");
    const { id } = await database.owner
      .selectFrom("invitations")
      .select("id")
      .where("email", "=", "relance@commune-a.test")
      .executeTakeFirstOrThrow();
    expect((await post("/invitations", { intent: "resend", id }, admin)).status).toBe(200);
    const second = await lastLinkTo("relance@commune-a.test");
    expect(second).not.toBe(first);
    expect((await fetch(first)).status).toBe(200);
    expect(await (await fetch(first)).text()).toContain("plus valable");
    expect(await (await fetch(second)).text()).toContain("Rejoindre le portail");
  });

  it("lets the inviter revoke a pending invitation: its link no longer works", async () => {
    await post(
      "/invitations",
      {
        intent: "invite",
        email: "annulee@commune-a.test",
        displayName: "Annulée",
        organisationId: a.communeId,
        role: "viewer",
      },
      admin,
    );
    const link = await lastLinkTo("annulee@commune-a.test");
    const { id } = await database.owner
      .selectFrom("invitations")
      .select("id")
      .where("email", "=", "annulee@commune-a.test")
      .executeTakeFirstOrThrow();
    expect((await post("/invitations", { intent: "revoke", id }, admin)).status).toBe(200);
    const token = new URL(link).searchParams.get("jeton") ?? "";
    expect((await post("/invitation", { jeton: token, displayName: "Annulée" })).status).toBe(400);
  });
});
