import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { totpCodeAt, totpStepAt } from "../../app/auth/totp.server.ts";
import { launchBrowser, openPage } from "./browser.ts";

const portal = inject("portalUrl");
const DEMO_PASSWORD = "coopérative de démonstration";
const ADMIN = "admin.montpellier@example.org";

async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto(`${portal}/connexion`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

describe("an operator admin with TOTP invites a referent (second factor enforced, Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("enrols an authenticator, signs in with its code, invites; the referent joins from the mailbox", async () => {
    const { page: admin, errors } = await openPage(browser);
    admin.setDefaultTimeout(8000);

    // First sign-in: the password is not enough, the admin must enrol an authenticator.
    await signInWithPassword(admin, ADMIN, DEMO_PASSWORD);
    await admin.waitForURL(/\/compte\/double-authentification/);
    await admin.getByText("exige une double authentification").waitFor();
    const secret = (await admin.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await admin.getByLabel("Code à 6 chiffres").fill(totpCodeAt(secret, totpStepAt(new Date())));
    await admin.getByRole("button", { name: "Activer" }).click();
    await admin.getByRole("heading", { name: "Double authentification activée" }).waitFor();
    expect(await admin.getByRole("list", { name: "Codes de secours" }).getByRole("listitem").count()).toBe(10);
    await admin.getByRole("link", { name: "J'ai noté mes codes, continuer" }).click();
    await admin.waitForURL(/\/accueil$/);
    await admin.getByRole("button", { name: "Se déconnecter" }).click();
    await admin.waitForURL(`${portal}/`);

    // Next sign-in: password, then the code the phone shows (the next step's: a code is accepted once).
    await signInWithPassword(admin, ADMIN, DEMO_PASSWORD);
    await admin.waitForURL(/\/connexion\/verification/);
    await admin.getByLabel("Code à 6 chiffres").fill(totpCodeAt(secret, totpStepAt(new Date()) + 1));
    await admin.getByRole("button", { name: "Vérifier" }).click();
    await admin.waitForURL(/\/accueil$/);

    // The invitation.
    await admin.goto(`${portal}/invitations`);
    await admin.getByLabel("Adresse électronique").fill("claire.martin@perols.example.org");
    await admin.getByLabel("Prénom et nom").fill("Claire Martin");
    await admin.getByLabel("Organisation").selectOption({ label: "Pérols" });
    await admin.getByLabel("Rôle").selectOption({ label: "Référent" });
    await admin.getByRole("button", { name: "Envoyer l'invitation" }).click();
    await admin.getByRole("status").filter({ hasText: "claire.martin@perols.example.org" }).waitFor();
    expect(errors).toEqual([]);

    // The referent, in another browser context, opens the mail in the demo mailbox and follows its link.
    const { page: referent, errors: referentErrors } = await openPage(browser);
    await expect
      .poll(
        async () => {
          await referent.goto(`${portal}/boite-mail`);
          return referent.getByText("À claire.martin@perols.example.org").count();
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const mail = referent.getByRole("listitem").filter({ hasText: "À claire.martin@perols.example.org" }).first();
    await mail.getByRole("link").first().click();
    await referent.waitForURL(/\/invitation\?jeton=/);
    await referent.getByLabel("Mot de passe (facultatif", { exact: false }).fill("ma phrase de passe de Pérols");
    await referent.getByLabel("Confirmation").fill("ma phrase de passe de Pérols");
    await referent.getByRole("button", { name: "Accepter l'invitation" }).click();
    await referent.waitForURL(/\/accueil$/);
    await referent.getByRole("button", { name: "Se déconnecter" }).click();
    await referent.waitForURL(`${portal}/`);

    await signInWithPassword(referent, "claire.martin@perols.example.org", "ma phrase de passe de Pérols");
    await referent.waitForURL(/\/accueil$/);
    await expect.poll(() => referent.locator("main").innerText()).toContain("Pérols");
    expect(await referent.locator("main").innerText()).toContain("Référent");
    expect(referentErrors).toEqual([]);

    // The admin who invited hears of it (a notification, immediate by default).
    await expect
      .poll(
        async () => {
          await admin.goto(`${portal}/boite-mail`);
          return admin.getByRole("heading", { name: "Claire Martin a rejoint le portail pour Pérols." }).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
  });
});
