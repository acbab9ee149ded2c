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

/** The demo's PDF of a council decision: a minimal but well-formed document. */
const COUNCIL_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

// Both journeys share the demo's operator admin: the first enrols its authenticator, the second signs in with it
// (Vitest runs the tests of a file in order).
describe("operator journeys with the second factor enforced (Chromium)", () => {
  let browser: Browser;
  let secret = "";

  /** The last step whose code the portal accepted: a code is accepted once, so the next sign-in needs a later one. */
  let lastStep = 0;

  /** Signs the admin in with the phone's code, waiting for the phone to show a new one if need be. */
  async function signInAsAdmin(page: Page) {
    await signInWithPassword(page, ADMIN, DEMO_PASSWORD);
    await page.waitForURL(/\/connexion\/verification/);
    // Codes of the next step are accepted too (clock drift): wait only when even that one was used.
    while (totpStepAt(new Date()) + 1 <= lastStep) await new Promise((resolve) => setTimeout(resolve, 1000));
    const step = Math.max(totpStepAt(new Date()), lastStep + 1);
    await page.getByLabel("Code à 6 chiffres").fill(totpCodeAt(secret, step));
    await page.getByRole("button", { name: "Vérifier" }).click();
    await page.waitForURL(/\/accueil$/);
    lastStep = step;
  }
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
    secret = (await admin.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    lastStep = totpStepAt(new Date());
    await admin.getByLabel("Code à 6 chiffres").fill(totpCodeAt(secret, lastStep));
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
    lastStep = totpStepAt(new Date()) + 1;
    await admin.getByLabel("Code à 6 chiffres").fill(totpCodeAt(secret, lastStep));
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

  it("a referent finds an offer, simulates its cost, requests it with the council's PDF; the admin approves; the referent is told and sees it active", {
    timeout: 60_000,
  }, async () => {
    expect(secret, "the first journey enrols the admin's authenticator").toMatch(/^[A-Z2-7]{32}$/);
    const { page: referent, errors } = await openPage(browser);
    referent.setDefaultTimeout(8000);
    await signInWithPassword(referent, "referent.castelnau@example.org", DEMO_PASSWORD);
    await referent.waitForURL(/\/accueil$/);

    // The catalogue, searched without accents or case.
    await referent.getByRole("link", { name: "Catalogue" }).click();
    await referent.getByLabel("Rechercher").fill("SERVICES INFORMATIQUES");
    await referent.getByRole("button", { name: "Filtrer" }).click();
    await referent.getByRole("link", { name: "Mutualisation des moyens et services informatiques" }).click();
    await referent.getByRole("heading", { name: "Mutualisation des moyens et services informatiques" }).waitFor();

    // What it would cost, with the weekend option, before asking the council.
    await referent.getByRole("link", { name: "Simuler le coût" }).click();
    await referent.getByLabel("Astreinte informatique le week-end").check();
    await referent.getByRole("button", { name: "Calculer" }).click();
    const estimate = referent.getByRole("region", { name: /Estimation \d{4} pour Castelnau-le-Lez/ });
    await estimate.waitFor();
    // 0,80 € per inhabitant of Castelnau-le-Lez, plus the 1 200,00 € option.
    await expect.poll(() => estimate.innerText()).toContain("1\u202f200,00\u00a0€");
    expect(await estimate.innerText()).toMatch(/Total/);

    // The request, with the council's decision and its PDF.
    await referent.getByRole("link", { name: "← Mutualisation des moyens et services informatiques" }).click();
    await referent.getByRole("link", { name: "Demander l'adhésion" }).click();
    await referent.getByRole("heading", { name: /Demander l'adhésion/ }).waitFor();
    await referent.getByLabel("Astreinte informatique le week-end").check();
    await referent.getByLabel("Numéro de la délibération").fill("DCM-2026-042");
    await referent.getByLabel("Date de la délibération").fill("2026-11-20");
    await referent
      .getByLabel(/Délibération signée/)
      .setInputFiles({ name: "deliberation-042.pdf", mimeType: "application/pdf", buffer: COUNCIL_PDF });
    await referent.getByLabel(/J'accepte, pour mon organisation/).check();
    await referent.getByRole("button", { name: "Envoyer la demande" }).click();
    await referent.waitForURL(/\/adhesions\/[0-9a-f-]{36}/);
    const requestUrl = referent.url().split("?")[0] ?? "";
    await referent.getByText("Demandée", { exact: true }).waitFor();
    expect(errors).toEqual([]);

    // The operator admin, signed in with the phone's code, approves it from the queue.
    const { page: admin, errors: adminErrors } = await openPage(browser);
    admin.setDefaultTimeout(8000);
    await signInAsAdmin(admin);
    await admin.goto(`${portal}/adhesions`);
    const queue = admin.getByRole("region", { name: "Demandes à traiter" });
    await queue
      .getByRole("row")
      .filter({ hasText: "Mutualisation des moyens et services informatiques" })
      .getByRole("link", { name: "Castelnau-le-Lez" })
      .click();
    await admin.waitForURL(requestUrl);
    await admin.getByRole("link", { name: "Accepter la demande…" }).click();
    await admin.getByRole("button", { name: "Confirmer l'acceptation" }).click();
    await admin.getByText("Active", { exact: true }).waitFor();
    expect(adminErrors).toEqual([]);

    // The referent is told by mail, and sees the subscription active.
    const subject = "Demande d'adhésion à « Mutualisation des moyens et services informatiques » acceptée";
    await expect
      .poll(
        async () => {
          await referent.goto(`${portal}/boite-mail`);
          return referent.getByRole("heading", { name: subject }).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await referent.goto(`${portal}/adhesions`);
    const row = referent.getByRole("row").filter({ hasText: "Mutualisation des moyens et services informatiques" });
    await expect.poll(() => row.innerText()).toContain("Active");
    expect(errors).toEqual([]);
  });

  it("the admin reviews and issues this year, enters the shared department's second half-year cost; a referent opens its statement, reads a line's explanation, downloads the PDF", {
    timeout: 60_000,
  }, async () => {
    expect(secret, "the first journey enrols the admin's authenticator").toMatch(/^[A-Z2-7]{32}$/);
    const { page: admin, errors: adminErrors } = await openPage(browser);
    admin.setDefaultTimeout(15_000);
    await signInAsAdmin(admin);
    await admin.getByRole("link", { name: "Appels de fonds" }).click();
    await admin.getByRole("heading", { name: /^Année \d{4} — non émis \(brouillon\)/ }).waitFor();
    // The preview sorts from the keyboard: the members by their net.
    await admin.getByRole("link", { name: /^Total net/ }).press("Enter");
    await admin.waitForURL(/sort=net/);
    await admin
      .getByRole("columnheader", { name: /^Total net/ })
      .and(admin.locator('[aria-sort="ascending"]'))
      .waitFor();
    await admin.getByRole("link", { name: "Émettre les appels de fonds" }).click();
    await admin.getByRole("button", { name: "Confirmer l'émission" }).click();
    const issued = admin.getByRole("status");
    // Issuing the year takes about a second on the embedded database: more than expect.poll's default wait.
    await expect
      .poll(() => issued.innerText(), { timeout: 15_000 })
      .toMatch(/^\d+ appel\(s\) de fonds émis \(n° \d{4}-0001 à /);
    await admin.getByRole("heading", { name: /^Année \d{4} — émis le / }).waitFor();
    // The year's statements exported in the background: its page follows the progress, then offers the file.
    await admin.getByRole("button", { name: "Exporter en CSV" }).click();
    await admin.getByRole("heading", { name: /^Export des appels de fonds \d{4} en CSV$/ }).waitFor();
    const [csv] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("link", { name: /^Télécharger appels-de-fonds-\d{4}\.csv$/ }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^appels-de-fonds-\d{4}\.csv$/);
    expect(await admin.getByRole("status").innerText()).toMatch(/^Export terminé : \d+ \/ \d+ appels? de fonds\.$/);

    // The shared department is called per half-year at actual cost: the second half's is not entered yet.
    await admin.getByRole("link", { name: "Appels de fonds" }).first().click();
    await admin.getByRole("link", { name: "Coûts réels des clés de répartition" }).click();
    const ddadt = admin.getByRole("region", { name: /DDADT/ });
    const secondHalf = ddadt.getByRole("form", { name: /^2d semestre \d{4} — non saisi/ });
    await secondHalf.getByLabel("Coûts directs (€)").fill("12 345,678");
    await secondHalf.getByLabel("Coûts indirects (€)").fill("1 000");
    await secondHalf.getByRole("button", { name: "Enregistrer le 2d semestre" }).click();
    // Refused in French, what was typed kept.
    await expect.poll(() => secondHalf.getByText(/deux décimales au plus/).count()).toBe(1);
    expect(await secondHalf.getByLabel("Coûts indirects (€)").inputValue()).toBe("1 000");
    await secondHalf.getByLabel("Coûts directs (€)").fill("12 345,67");
    await secondHalf.getByRole("button", { name: "Enregistrer le 2d semestre" }).click();
    await expect.poll(() => admin.getByRole("status").innerText()).toContain("13\u202f345,67\u00a0€");
    await admin.getByRole("link", { name: "Appels de fonds" }).first().click();
    await admin
      .getByRole("combobox", { name: "Période", exact: true })
      .selectOption({ label: "2d semestre (clés de répartition)" });
    // The period's form ("Afficher"), not the preview table's page size form (also "Afficher").
    await admin.getByRole("form", { name: "Choix de la période" }).getByRole("button", { name: "Afficher" }).click();
    await admin.getByRole("heading", { name: /2d semestre .* non émis \(brouillon\)/ }).waitFor();
    await admin.getByRole("link", { name: "Émettre les appels de fonds" }).waitFor();
    expect(await admin.getByRole("alert").count()).toBe(0);
    // The refused amount, answered 400 as it should: the only error the browser reported.
    expect(adminErrors).toEqual(["Failed to load resource: the server responded with a status of 400 (Bad Request)"]);

    const { page: referent, errors } = await openPage(browser);
    referent.setDefaultTimeout(15_000);
    await signInWithPassword(referent, "referent.castelnau@example.org", DEMO_PASSWORD);
    await referent.waitForURL(/\/accueil$/);
    await referent.getByRole("link", { name: "Appels de fonds" }).click();
    await referent.getByRole("heading", { name: "Appels de fonds de votre organisation" }).waitFor();
    // Its statement of last year, issued in December (the demo's).
    const year = String(new Date().getFullYear() - 1);
    await referent
      .getByRole("link", { name: new RegExp(`^${year}-\\d{4}$`) })
      .last()
      .click();
    await referent.getByRole("heading", { name: /Appel de fonds n° / }).waitFor();
    const lines = referent.getByRole("table", { name: /Lignes de l'appel de fonds/ });
    const eServices = lines.getByRole("row").filter({ hasText: "Plateforme e-services" }).first();
    expect(await eServices.innerText()).toMatch(/habitants|hab\./);

    const [download] = await Promise.all([
      referent.waitForEvent("download"),
      referent.getByRole("link", { name: "Télécharger le PDF" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^appel-de-fonds-\d{4}-\d{4}-213400575\.pdf$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe("%PDF-");
    expect(errors).toEqual([]);
  });
});
