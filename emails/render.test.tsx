import { describe, expect, it } from "vitest";
import { PasswordResetEmail } from "./password-reset.tsx";
import { EMAIL_PREVIEWS, renderEmail } from "./render.tsx";
import { SignInLinkEmail } from "./sign-in-link.tsx";

describe("mail templates", () => {
  it("render every template as French HTML with a plain-text part carrying the same link", async () => {
    for (const [name, preview] of Object.entries(EMAIL_PREVIEWS)) {
      const mail = await preview();
      expect(mail.html, name).toMatch(/<html[^>]* lang="fr"/);
      const links = mail.text.match(/https:\/\/portail\.example\/\S+/g) ?? [];
      expect(links.length, name).toBeGreaterThan(0);
      for (const link of links)
        expect(mail.html, name).toContain(link.replace(/[)\].,]+$/, "").replaceAll("&", "&amp;"));
      expect(mail.text, name).not.toContain("<");
      expect(mail.subject.length, name).toBeGreaterThan(0);
    }
  });

  it("carry the brand of the cooperative they speak for, the platform's by default", async () => {
    const link = "https://portail.example/x?jeton=1";
    const platform = await renderEmail("s", <SignInLinkEmail link={link} />);
    expect(platform.text).toContain("Coopérative de services");
    const branded = await renderEmail(
      "s",
      <PasswordResetEmail link={link} brand={{ name: "Montpellier Méditerranée Métropole" }} />,
    );
    expect(branded.text.startsWith("Montpellier Méditerranée Métropole")).toBe(true);
    expect(branded.html).toContain("Montpellier Méditerranée Métropole");
  });

  it("gather a digest's entries under their kind, each with its link", async () => {
    const mail = await EMAIL_PREVIEWS["resume-quotidien"]();
    expect(mail.subject).toBe("Votre résumé du jour : 2 nouvelles — Montpellier Méditerranée Métropole");
    const people = mail.text.indexOf("PERSONNES DE MON ORGANISATION");
    const adhesions = mail.text.indexOf("ADHÉSIONS");
    expect(people).toBeGreaterThan(-1);
    expect(adhesions).toBeGreaterThan(people);
    expect(mail.text.slice(people, adhesions)).toContain("Claire Martin a rejoint le portail pour Pérols.");
    expect(mail.text).toContain("https://portail.example/compte/notifications");
  });

  it("escape what they are given", async () => {
    const mail = await renderEmail("s", <SignInLinkEmail link={'https://x.example/?a="><script>'} />);
    expect(mail.html).not.toContain("<script>");
  });
});
