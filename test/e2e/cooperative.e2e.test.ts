import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "./browser.ts";

const portal = inject("portalUrl");

describe("a visitor browses Montpellier's cooperative (production build, Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("finds its 31 member communes across two pages, with no console error", async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(portal);
    await page.getByRole("link", { name: "Montpellier Méditerranée Métropole" }).click();
    await page.getByRole("heading", { level: 1, name: "Montpellier Méditerranée Métropole" }).waitFor();
    await expect.poll(() => page.locator("caption").innerText()).toContain("31 organisations");

    const rows = page.locator("table.data-table tbody tr");
    expect(await rows.count()).toBe(20);
    const names = await page.locator("table.data-table tbody th").allInnerTexts();

    await page.getByRole("link", { name: "Page suivante" }).click();
    await expect.poll(() => page.locator(".pagination__position").innerText()).toBe("Page 2 sur 2");
    expect(await rows.count()).toBe(11);
    names.push(...(await page.locator("table.data-table tbody th").allInnerTexts()));

    expect(new Set(names).size).toBe(31);
    expect(names).toContain("Saint-Jean-de-Védas");
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");
    expect(errors).toEqual([]);
  });

  it("filters as one types, ignoring accents, and sorts by population", async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${portal}/cooperatives/243400017`);
    const filter = page.getByLabel("Filtrer par nom ou code");
    await filter.pressSequentially("vedas", { delay: 40 });
    await expect.poll(() => page.locator("table.data-table tbody th").allInnerTexts()).toEqual(["Saint-Jean-de-Védas"]);
    expect(new URL(page.url()).searchParams.get("q")).toBe("vedas");
    // Typing goes on where it was: the field keeps focus and what was typed.
    expect(await filter.evaluate((field) => field === document.activeElement)).toBe(true);
    expect(await filter.inputValue()).toBe("vedas");
    expect(await page.getByRole("status").innerText()).toBe("1 organisation correspondant à « vedas »");

    await page.goto(`${portal}/cooperatives/243400017`);
    const population = page.getByRole("link", { name: /^Population/ });
    await population.click();
    await expect.poll(() => page.url()).toContain("sort=population");
    await page.locator('th[aria-sort="ascending"]', { hasText: "Population" }).waitFor();
    await page.getByRole("link", { name: /^Population/ }).click();
    await expect.poll(() => page.url()).toContain("dir=desc");
    await expect
      .poll(async () => (await page.locator("table.data-table tbody th").allInnerTexts())[0])
      .toBe("Montpellier");
    await expect.poll(() => page.locator("td.numeric").first().innerText()).toContain("310\u202f611");
    expect(errors).toEqual([]);
  });

  it("answers an unknown cooperative with a 404 page in French", async () => {
    const { page } = await openPage(browser);
    const response = await page.goto(`${portal}/cooperatives/123456782`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Page introuvable");
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
  });

  it("can be used with the keyboard: the first Tab reaches the skip link", async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(portal);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Aller au contenu");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("contenu");
    expect(errors).toEqual([]);
  });
});
