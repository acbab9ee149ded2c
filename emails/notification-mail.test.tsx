import { describe, expect, it } from "vitest";
import {
  fillNotificationTemplate,
  renderNotificationMailInFull as inFull,
  type NotificationMail,
  renderNotificationMail,
} from "./notification-mail.tsx";

const base: NotificationMail = {
  title: "Appel de fonds n° 2026-0002 (Année 2026) émis pour Pérols",
  body: "Montant net : 1\u202f234,56\u00a0€, à régler au plus tard le 1er avril 2026. Chaque ligne est expliquée sur le portail.",
  link: "https://portail.example/appels-de-fonds/7f1c",
  preferencesLink: "https://portail.example/compte/notifications",
  brand: { name: "Montpellier Méditerranée Métropole" },
};

describe("notification mails from the template", () => {
  it("are the mails React Email renders, to the character, for the values that fit the template", async () => {
    const fitting: NotificationMail[] = [
      base,
      { ...base, body: "" },
      { ...base, link: null },
      { ...base, body: "", link: null },
      // What HTML escapes, in every value.
      {
        title: `L'offre « A & B <c> "d" » d'Aÿ`,
        body: `Tarif < 5 € & "réduit" d'office`,
        link: "https://portail.example/x?a=1&b=<2>&c='3'",
        preferencesLink: 'https://portail.example/compte/notifications?k="v"&w=1',
        brand: { name: `Coop' "A" & <B>` },
      },
      // The preview pads a title up to 150 characters: from none to one missing.
      { ...base, title: "x" },
      { ...base, title: "é".repeat(149) },
      { ...base, title: "Appel 🙂 émis", body: "Corps avec émoji 🙂." },
    ];
    for (const mail of fitting) {
      const filled = await fillNotificationTemplate(mail);
      expect(filled, mail.title).not.toBeNull();
      expect(filled, mail.title).toEqual(await inFull(mail));
    }
  });

  it("are rendered in full when a value does not fit the template, the same mail all the same", async () => {
    const unfitting: NotificationMail[] = [
      { ...base, title: "t".repeat(150) },
      { ...base, title: "deux  espaces" },
      { ...base, body: " espace devant" },
      { ...base, body: "ligne\nsuivante" },
      { ...base, brand: { name: "tab\there" } },
      { ...base, link: "mailto:someone@example.test" },
      { ...base, title: "zzqqbodyqqzz" },
    ];
    for (const mail of unfitting) {
      expect(await fillNotificationTemplate(mail), mail.title).toBeNull();
      expect(await renderNotificationMail(mail), mail.title).toEqual(await inFull(mail));
    }
  });
});
