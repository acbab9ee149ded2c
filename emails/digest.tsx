import { Heading, Link, Section, Text } from "@react-email/components";
import { type Brand, EmailLayout, PLATFORM_BRAND, paragraph } from "./layout.tsx";

export interface DigestEntry {
  kindLabel: string;
  title: string;
  body: string;
  link: string | null;
}

export interface DigestProps {
  entries: DigestEntry[];
  preferencesLink: string;
  brand?: Brand;
}

const small = { fontSize: "13px", color: "#5b6470" };
const kindHeading = { fontSize: "16px", margin: "20px 0 4px" };

export const digestSubject = (brand: Brand, count: number) =>
  `Votre résumé du jour : ${count} nouvelle${count > 1 ? "s" : ""} — ${brand.name}`;

/** The day's notifications of one cooperative, grouped by kind, in the order they came. */
export function DigestEmail({ entries, preferencesLink, brand = PLATFORM_BRAND }: DigestProps) {
  const kinds = [...new Set(entries.map((entry) => entry.kindLabel))];
  return (
    <EmailLayout brand={brand} preview={`${entries.length} nouvelle(s) depuis votre dernier résumé`}>
      <Text style={paragraph}>Bonjour, voici ce qui s'est passé depuis votre dernier résumé.</Text>
      {kinds.map((kind) => (
        <Section key={kind}>
          <Heading as="h2" style={kindHeading}>
            {kind}
          </Heading>
          {entries
            .filter((entry) => entry.kindLabel === kind)
            .map((entry, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: entries of one mail never move
              <Text key={index} style={paragraph}>
                • {entry.title}
                {entry.body ? ` ${entry.body}` : ""}
                {entry.link ? (
                  <>
                    {" "}
                    <Link href={entry.link}>Voir</Link>
                  </>
                ) : null}
              </Text>
            ))}
        </Section>
      ))}
      <Text style={small}>
        Vous recevez ce résumé une fois par jour, à 7 h. Pour le changer :{" "}
        <Link href={preferencesLink}>mes notifications</Link>.
      </Text>
    </EmailLayout>
  );
}

DigestEmail.PreviewProps = {
  entries: [
    {
      kindLabel: "Personnes de mon organisation",
      title: "Claire Martin a rejoint le portail pour Pérols.",
      body: "",
      link: "https://portail.example/personnes",
    },
    {
      kindLabel: "Adhésions",
      title: "Demande d'adhésion de Lattes à la plateforme e-services.",
      body: "",
      link: null,
    },
  ],
  preferencesLink: "https://portail.example/compte/notifications",
  brand: { name: "Montpellier Méditerranée Métropole" },
} satisfies DigestProps;

export default DigestEmail;
