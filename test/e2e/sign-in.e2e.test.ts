import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "./browser.ts";

const portal = inject("portalUrl");
const mailbox = inject("mailboxDir");
const DEMO_PASSWORD = "coopérative de démonstration";

/** The latest mail to an address with that subject (other suites' mail, such as a network's, may come after it). */
async function lastMailTo(address: string, subject: string): Promise<{ subject: string; text: string } | undefined> {
  const names = (await readdir(mailbox).catch(() => [])).sort();
  for (const name of names.reverse()) {
    const mail = JSON.parse(await readFile(path.join(mailbox, name), "utf8")) as {
      to: string;
      subject: string;
      text: string;
    };
    if (mail.to === address && mail.subject === subject) return mail;
  }
  return undefined;
}

describe("signing in (production build, Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("a referent signs in with a password, sees their commune's home, signs out", async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${portal}/accueil`);
    await page.waitForURL(/\/connexion\?retour=%2Faccueil/);
    await page.getByLabel("Adresse électronique", { exact: true }).fill("referent.castelnau@example.org");
    await page.getByLabel("Mot de passe", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(/\/accueil$/);
    await expect.poll(() => page.locator("main").innerText()).toContain("Castelnau-le-Lez");
    expect(await page.locator("main").innerText()).toContain("Référent");

    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForURL(`${portal}/`);
    await page.getByRole("link", { name: "Se connecter" }).waitFor();
    await page.goto(`${portal}/accueil`);
    await page.waitForURL(/\/connexion/);
    expect(errors).toEqual([]);
  });

  it("an agent signs in with the link of the mail the portal sent", async () => {
    const { page, errors } = await openPage(browser);
    const address = "agent.castelnau@example.org";
    await page.goto(`${portal}/connexion`);
    await page.getByLabel("Adresse électronique pour recevoir le lien").fill(address);
    await page.getByRole("button", { name: "Recevoir un lien de connexion" }).click();
    await page.getByText("un message vient d'y être envoyé").waitFor();

    const subject = "Votre lien de connexion";
    await expect.poll(async () => (await lastMailTo(address, subject))?.subject).toBe(subject);
    const mail = await lastMailTo(address, subject);
    const link = mail?.text.match(/https?:\/\/\S+/)?.[0];
    expect(link).toBeDefined();
    await page.goto(link ?? "");
    await page.getByRole("button", { name: "Me connecter" }).click();
    await page.waitForURL(/\/accueil$/);
    await expect.poll(() => page.locator("main").innerText()).toContain("Agent");
    expect(errors).toEqual([]);
  });
});
