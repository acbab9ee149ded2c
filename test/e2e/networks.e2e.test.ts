import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { formatParisRange } from "../../app/domain/paris-time.ts";
import { launchBrowser, openPage } from "./browser.ts";

const portal = inject("portalUrl");
const DEMO_PASSWORD = "coopérative de démonstration";
const LEAD = "animatrice.rh@example.org";
const CASTELNAU = "referent.castelnau@example.org";
const LATTES = "dgs.lattes@example.org";
const NETWORK = "Réseau thématique RH";
const RECENT_MEETING = "Réseau RH — Lignes directrices de gestion";

/** The RH network's page, from the main navigation. */
async function openNetwork(page: Page) {
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Réseaux" }).click();
  await page.getByRole("link", { name: NETWORK }).click();
  await page.getByRole("heading", { name: NETWORK, level: 1 }).waitFor();
}

async function signIn(page: Page, email: string) {
  await page.goto(`${portal}/connexion`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL(/\/accueil$/);
}

// Paris wall-clock dates and times, computed independently of the portal's own helpers.
const parisDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});
const parisOffset = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Paris", timeZoneName: "longOffset" });

/** The Paris date (YYYY-MM-DD) `days` days after today in Paris. */
function parisDateIn(days: number): string {
  const [year, month, day] = parisDay.format(new Date()).split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The UTC instant of a Paris wall-clock time (daytime, so never in a DST change's hour). */
function parisInstant(date: string, time: string): Date {
  const noon = new Date(`${date}T12:00:00Z`);
  const offset = parisOffset.formatToParts(noon).find((part) => part.type === "timeZoneName")?.value ?? "";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(offset);
  if (!match) throw new Error(`Unexpected offset ${offset}`);
  const sign = match[1] === "+" ? "+" : "-";
  return new Date(`${date}T${time}:00${sign}${match[2]}:${match[3]}`);
}

/** "20260612T120000Z", as an .ics DTSTART in UTC. */
const icsUtc = (instant: Date) => `${instant.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;

// Three slots three to four weeks ahead, distinct from the demo poll's (six weeks ahead).
const SLOTS = [
  { date: parisDateIn(21), start: "09:30", end: "12:00" },
  { date: parisDateIn(23), start: "14:00", end: "16:30" },
  { date: parisDateIn(28), start: "10:00", end: "12:30" },
].map((slot) => ({
  ...slot,
  startsAt: parisInstant(slot.date, slot.start),
  label: formatParisRange(parisInstant(slot.date, slot.start), parisInstant(slot.date, slot.end)),
}));
const POLL_TITLE = `Réseau RH — égalité professionnelle (${SLOTS[0]?.date})`;
const MINUTES_BODY = "Huit communes ont présenté leurs lignes directrices de gestion et leurs retours d'expérience.";
const MINUTES_DECISIONS = "Un modèle commun de lignes directrices sera proposé à la prochaine réunion.";

/** Answers the poll as one of the network's contacts, one answer per slot. */
async function answerPoll(page: Page, answers: string[]) {
  await openNetwork(page);
  await page
    .getByRole("region", { name: "Sondages de dates en cours" })
    .getByRole("link", { name: POLL_TITLE })
    .click();
  await page.getByRole("heading", { name: POLL_TITLE, level: 1 }).waitFor();
  const mine = page.getByRole("region", { name: "Vos disponibilités" });
  for (const [index, slot] of SLOTS.entries()) {
    await mine
      .getByRole("group", { name: slot.label })
      .getByRole("radio", { name: answers[index], exact: true })
      .check();
  }
  await mine.getByRole("button", { name: "Enregistrer mes réponses" }).click();
  await page.getByRole("status").filter({ hasText: "Vos réponses sont enregistrées" }).waitFor();
}

/** The referent opens the meeting from the network page and downloads its invitation. */
async function downloadInvitation(page: Page): Promise<string> {
  await openNetwork(page);
  await page.getByRole("region", { name: "Réunions à venir" }).getByRole("link", { name: POLL_TITLE }).click();
  await page.getByRole("heading", { name: POLL_TITLE, level: 1 }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Ajouter à mon agenda (.ics)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("invitation.ics");
  return readFile(await download.path(), "utf8");
}

describe("a thematic network's date poll, meeting, attendance and minutes (Chromium)", () => {
  let browser: Browser;
  let recentMeetingUrl = "";

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("the lead proposes dates, two referents answer, the lead picks a slot; the referents get the meeting's .ics", {
    timeout: 90_000,
  }, async () => {
    // The lead opens the RH network and proposes three slots.
    const { page: lead, errors: leadErrors } = await openPage(browser);
    lead.setDefaultTimeout(10_000);
    await signIn(lead, LEAD);
    await lead
      .getByRole("navigation", { name: "Navigation principale" })
      .getByRole("link", { name: "Réseaux" })
      .click();
    const row = lead.getByRole("row").filter({ hasText: NETWORK });
    await expect.poll(() => row.innerText()).toContain("Vous animez ce réseau");
    await row.getByRole("link", { name: NETWORK }).click();
    await lead.getByRole("heading", { name: NETWORK, level: 1 }).waitFor();
    await lead.getByRole("link", { name: "Proposer des dates" }).click();
    await lead.getByRole("heading", { name: "Proposer des dates", level: 1 }).waitFor();
    await lead.getByLabel("Objet de la réunion").fill(POLL_TITLE);
    await lead.getByLabel("Précisions (facultatif)").fill("Le rapport social unique et le plan d'action égalité.");
    for (const [index, slot] of SLOTS.entries()) {
      const dateField = lead.getByLabel(`Date du créneau ${index + 1}`, { exact: true });
      await dateField.fill(slot.date);
      const row = lead.locator(".option-row").filter({ has: dateField });
      await row.getByLabel("Début", { exact: true }).fill(slot.start);
      await row.getByLabel("Fin", { exact: true }).fill(slot.end);
    }
    await lead.getByRole("button", { name: "Ouvrir le sondage" }).click();
    await lead.waitForURL(/\/reseaux\/[0-9a-f-]{36}\/sondages\/[0-9a-f-]{36}$/);
    const pollUrl = lead.url();
    await lead.getByRole("heading", { name: POLL_TITLE, level: 1 }).waitFor();
    expect(leadErrors).toEqual([]);

    // Two referents, contacts of the network for their communes, answer differently.
    const { page: castelnau, errors: castelnauErrors } = await openPage(browser);
    castelnau.setDefaultTimeout(10_000);
    await signIn(castelnau, CASTELNAU);
    await answerPoll(castelnau, ["Oui", "Si besoin", "Non"]);

    const { page: lattes, errors: lattesErrors } = await openPage(browser);
    lattes.setDefaultTimeout(10_000);
    await signIn(lattes, LATTES);
    // Paul Garcia is referent in Lattes (a contact of the network) and viewer in Grabels: he acts for Lattes.
    await lattes.getByLabel("Espace actif").selectOption({ label: "Lattes — Référent" });
    await lattes.getByRole("button", { name: "Changer d'espace" }).click();
    await lattes.waitForURL(/\/accueil$/);
    await answerPoll(lattes, ["Oui", "Non", "Si besoin"]);
    // He changes his mind on the last slot while the poll is open.
    await lattes.reload();
    const lastSlot = lattes.getByRole("region", { name: "Vos disponibilités" }).getByRole("group", {
      name: SLOTS[2]?.label,
    });
    expect(await lastSlot.getByRole("radio", { name: "Si besoin", exact: true }).isChecked()).toBe(true);
    await lastSlot.getByRole("radio", { name: "Non", exact: true }).check();
    await lattes.getByRole("button", { name: "Enregistrer mes réponses" }).click();
    await lattes.getByRole("status").filter({ hasText: "Vos réponses sont enregistrées" }).waitFor();
    expect(castelnauErrors).toEqual([]);
    expect(lattesErrors).toEqual([]);

    // The lead sees the tally: the first slot suits both, the last none.
    await lead.goto(pollUrl);
    const tally = lead.getByRole("region", { name: "Résultats par créneau" });
    const cells = async (label: string) =>
      (await tally.getByRole("row").filter({ hasText: label }).getByRole("cell").allInnerTexts()).map((text) =>
        text.trim(),
      );
    expect((await cells(SLOTS[0]?.label ?? "")).slice(0, 3)).toEqual(["2", "0", "0"]);
    expect((await cells(SLOTS[1]?.label ?? "")).slice(0, 3)).toEqual(["0", "1", "1"]);
    expect((await cells(SLOTS[2]?.label ?? "")).slice(0, 3)).toEqual(["0", "0", "2"]);
    expect(await tally.getByRole("row").filter({ hasText: SLOTS[0]?.label }).innerText()).toContain(
      "Le plus favorable",
    );
    const byOrganisation = lead.getByRole("region", { name: "Par organisation" });
    expect(await byOrganisation.getByRole("row").filter({ hasText: "Castelnau-le-Lez" }).innerText()).toMatch(
      /Oui\s+Si besoin\s+Non/,
    );
    expect(await byOrganisation.getByRole("row").filter({ hasText: "Lattes" }).innerText()).toMatch(/Oui\s+Non\s+Non/);

    // The lead picks the first slot: the meeting is created, the poll closes.
    const pick = lead.getByRole("region", { name: "Retenir un créneau" });
    await pick.getByRole("radio", { name: SLOTS[0]?.label }).check();
    await pick.getByLabel("Lieu (facultatif)").fill("Hôtel de Métropole, salle 3");
    await pick.getByRole("button", { name: "Retenir et convoquer" }).click();
    const done = lead.getByRole("status").filter({ hasText: "Créneau retenu : la réunion est créée" });
    await done.waitFor();
    await done.getByRole("link", { name: "Voir la réunion" }).click();
    await lead.waitForURL(/\/reunions\/[0-9a-f-]{36}$/);
    await lead.getByRole("heading", { name: POLL_TITLE, level: 1 }).waitFor();
    await lead.goto(pollUrl);
    await lead.getByText(`Sondage clos le`).waitFor();
    expect(await lead.locator("main").innerText()).toContain(`créneau retenu, ${SLOTS[0]?.label}`);
    expect(await lead.getByRole("region", { name: "Retenir un créneau" }).count()).toBe(0);
    expect(leadErrors).toEqual([]);

    // Both referents find the meeting on the network's page and download its invitation.
    const expectedStart = `DTSTART:${icsUtc(SLOTS[0]?.startsAt ?? new Date(Number.NaN))}`;
    for (const page of [castelnau, lattes]) {
      const ics = await downloadInvitation(page);
      expect(ics.startsWith("BEGIN:VCALENDAR")).toBe(true);
      expect(ics).toContain("METHOD:REQUEST");
      expect(ics.split(/\r?\n/)).toContain(expectedStart);
    }
    expect(castelnauErrors).toEqual([]);
    expect(lattesErrors).toEqual([]);
  });

  it("the lead records who came to the meeting a fortnight ago, then writes and publishes its minutes", {
    timeout: 90_000,
  }, async () => {
    const { page: lead, errors } = await openPage(browser);
    lead.setDefaultTimeout(10_000);
    await signIn(lead, LEAD);
    await openNetwork(lead);
    await lead.getByRole("region", { name: "Réunions passées" }).getByRole("link", { name: RECENT_MEETING }).click();
    await lead.waitForURL(/\/reunions\/[0-9a-f-]{36}$/);
    recentMeetingUrl = lead.url();

    // The attendance: two invitees and someone who came without an invitation.
    await lead.getByRole("link", { name: "Feuille d'émargement" }).click();
    await lead.getByRole("heading", { name: "Feuille d'émargement", level: 1 }).waitFor();
    const form = lead.getByRole("region", { name: "Noter les présents" });
    const invited = form.getByRole("group", { name: "Invités présents" });
    await invited.getByRole("checkbox", { name: /\(Castelnau-le-Lez\)$/ }).check();
    await invited.getByRole("checkbox", { name: /\(Lattes\)$/ }).check();
    const walkIns = form.getByRole("group", { name: "Personnes venues sans invitation" });
    await walkIns.getByLabel("Nom", { exact: true }).first().fill("Nadia Ferrand");
    await walkIns.getByLabel("Organisation", { exact: true }).first().selectOption({ label: "Pérols" });
    await form.getByRole("button", { name: "Enregistrer les présents" }).click();
    await form.getByRole("status").filter({ hasText: "3 présents enregistrés (3 organisations)" }).waitFor();
    const list = lead.getByRole("region", { name: "3 présents enregistrés" });
    await list.waitFor();
    const present = await list.getByRole("listitem").allInnerTexts();
    expect(present).toHaveLength(3);
    expect(present).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/— Castelnau-le-Lez$/),
        expect.stringMatching(/— Lattes$/),
        "Nadia Ferrand — Pérols",
      ]),
    );

    // The minutes: a draft first, then published to the network.
    await lead.getByRole("link", { name: RECENT_MEETING }).click();
    await lead.getByRole("link", { name: "Compte rendu" }).click();
    await lead.getByRole("heading", { name: `Compte rendu — ${RECENT_MEETING}`, level: 1 }).waitFor();
    await lead.getByText("Le compte rendu de cette réunion n'est pas encore publié.").waitFor();
    const editor = lead.getByRole("region", { name: "Rédiger le compte rendu" });
    await editor.getByLabel("Compte rendu", { exact: true }).fill(MINUTES_BODY);
    await editor.getByLabel("Décisions et suites à donner").fill(MINUTES_DECISIONS);
    await editor.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await lead.getByRole("status").filter({ hasText: "Brouillon de la version 1 enregistré." }).waitFor();
    const draft = lead.getByRole("region", { name: "Brouillon de la version 1" });
    expect(await draft.getByLabel("Compte rendu", { exact: true }).inputValue()).toBe(MINUTES_BODY);
    await draft.getByRole("button", { name: "Publier et envoyer au réseau" }).click();
    await lead
      .getByRole("status")
      .filter({ hasText: /^Version 1 publiée : \d+ contacts? du réseau prévenus?\.$/ })
      .waitFor();
    const published = lead.getByRole("article", { name: "Version 1" });
    await expect.poll(() => published.innerText()).toContain(MINUTES_BODY);
    expect(errors).toEqual([]);
  });

  it("a referent reads the published minutes in the portal", { timeout: 90_000 }, async () => {
    expect(recentMeetingUrl, "the previous test publishes the minutes").toMatch(/\/reunions\/[0-9a-f-]{36}$/);
    const { page: referent, errors } = await openPage(browser);
    referent.setDefaultTimeout(10_000);
    await signIn(referent, CASTELNAU);
    await openNetwork(referent);
    await referent
      .getByRole("region", { name: "Réunions passées" })
      .getByRole("link", { name: RECENT_MEETING })
      .click();
    await referent.waitForURL(recentMeetingUrl);
    await referent.getByRole("link", { name: "Compte rendu" }).click();
    const minutes = referent.getByRole("article", { name: "Version 1" });
    await minutes.waitFor();
    const text = await minutes.innerText();
    expect(text).toContain(MINUTES_BODY);
    expect(text).toContain("Décisions");
    expect(text).toContain(MINUTES_DECISIONS);
    expect(text).toMatch(/Publiée le .+ par Hélène Castel/);
    // A referent reads, but does not write.
    expect(await referent.getByRole("region", { name: /Rédiger|Brouillon|Corriger/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
