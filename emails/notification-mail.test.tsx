import { describe, expect, it } from "vitest";
import { FITTING_NOTIFICATIONS, STATEMENT_NOTIFICATION } from "./notification-mail.fixtures.ts";
import {
  fillNotificationTemplate,
  renderNotificationMailInFull as inFull,
  type NotificationMail,
  notificationAssembly,
} from "./notification-mail.tsx";

const base = STATEMENT_NOTIFICATION;

describe("notification mails from the template", () => {
  it("are the mails React Email renders, to the character, for the values that fit the template", async () => {
    for (const mail of FITTING_NOTIFICATIONS) {
      const filled = await fillNotificationTemplate(mail);
      expect(filled, mail.title).not.toBeNull();
      expect(filled, mail.title).toEqual(await inFull(mail));
    }
  });

  it("are not made from the template when a value does not fit it (they are rendered in full)", async () => {
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
      expect(await notificationAssembly(mail), mail.title).toBeNull();
    }
  });
});
