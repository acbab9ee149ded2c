import type { NotificationMail } from "./notification-mail.tsx";

/** A statement's notification, as issuing a year writes tens of thousands. */
export const STATEMENT_NOTIFICATION: NotificationMail = {
  title: "Appel de fonds n° 2026-0002 (Année 2026) émis pour Pérols",
  body: "Montant net : 1\u202f234,56\u00a0€, à régler au plus tard le 1er avril 2026. Chaque ligne est expliquée sur le portail.",
  link: "https://portail.example/appels-de-fonds/7f1c",
  preferencesLink: "https://portail.example/compte/notifications",
  brand: { name: "Montpellier Méditerranée Métropole" },
};

/** Notifications whose values fit the template, each shape of it and what the HTML escapes. */
export const FITTING_NOTIFICATIONS: NotificationMail[] = [
  STATEMENT_NOTIFICATION,
  { ...STATEMENT_NOTIFICATION, body: "" },
  { ...STATEMENT_NOTIFICATION, link: null },
  { ...STATEMENT_NOTIFICATION, body: "", link: null },
  // What HTML escapes, in every value.
  {
    title: `L'offre « A & B <c> "d" » d'Aÿ`,
    body: `Tarif < 5 € & "réduit" d'office`,
    link: "https://portail.example/x?a=1&b=<2>&c='3'",
    preferencesLink: 'https://portail.example/compte/notifications?k="v"&w=1',
    brand: { name: `Coop' "A" & <B>` },
  },
  // The preview pads a title up to 150 characters: from none to one missing.
  { ...STATEMENT_NOTIFICATION, title: "x" },
  { ...STATEMENT_NOTIFICATION, title: "é".repeat(149) },
  { ...STATEMENT_NOTIFICATION, title: "Appel 🙂 émis", body: "Corps avec émoji 🙂." },
];
