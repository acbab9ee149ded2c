import { expect } from "vitest";

/** Starts a whole-year export of the statements as the given session; its page's path (the redirect). */
export async function startStatementsExport(
  portalUrl: string,
  cookie: string,
  year: number,
  format: "csv" | "xlsx",
): Promise<string> {
  const response = await fetch(`${portalUrl}/appels-de-fonds`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: portalUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "export", annee: String(year), format }).toString(),
  });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("Location") ?? "", portalUrl).pathname;
  expect(location).toMatch(/^\/appels-de-fonds\/exports\/[0-9a-f-]{36}$/);
  return location;
}

/** Asks for the export's page, as the page itself does, until the file is written; the last page's HTML. */
export async function waitForStatementsExport(portalUrl: string, cookie: string, path: string): Promise<string> {
  for (;;) {
    const response = await fetch(`${portalUrl}${path}`, { headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    const page = await response.text();
    if (!page.includes("Écriture du fichier en cours")) return page;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
