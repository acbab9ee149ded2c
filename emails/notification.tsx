import { Button, Link, Text } from "@react-email/components";
import { type Brand, button, EmailLayout, PLATFORM_BRAND, paragraph } from "./layout.tsx";

export interface NotificationProps {
  title: string;
  body: string;
  link: string | null;
  preferencesLink: string;
  brand?: Brand;
}

const small = { fontSize: "13px", color: "#5b6470" };

/** One notification, sent at once (the user's choice, or a kind their role must receive). */
export function NotificationEmail({ title, body, link, preferencesLink, brand = PLATFORM_BRAND }: NotificationProps) {
  return (
    <EmailLayout brand={brand} preview={title}>
      <Text style={paragraph}>{title}</Text>
      {body ? <Text style={paragraph}>{body}</Text> : null}
      {link ? (
        <Button href={link} style={button}>
          Voir sur le portail
        </Button>
      ) : null}
      <Text style={small}>
        Vous pouvez recevoir ces messages dans un résumé quotidien, ou plus du tout :{" "}
        <Link href={preferencesLink}>mes notifications</Link>.
      </Text>
    </EmailLayout>
  );
}

NotificationEmail.PreviewProps = {
  title: "Claire Martin a rejoint le portail pour Pérols.",
  body: "Elle a accepté votre invitation en tant que référente.",
  link: "https://portail.example/personnes",
  preferencesLink: "https://portail.example/compte/notifications",
  brand: { name: "Montpellier Méditerranée Métropole" },
} satisfies NotificationProps;

export default NotificationEmail;
