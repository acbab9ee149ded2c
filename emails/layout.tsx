import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/** Who a mail speaks for: a cooperative (its name), or the platform itself. */
export interface Brand {
  name: string;
}

export const PLATFORM_BRAND: Brand = { name: "Coopérative de services" };

const page = { backgroundColor: "#f5f7fa", fontFamily: "Arial, Helvetica, sans-serif", color: "#1b1f24" };
const card = { backgroundColor: "#ffffff", borderRadius: "8px", padding: "24px", maxWidth: "560px" };
const header = { color: "#1d4e89", fontSize: "18px", fontWeight: 700, margin: "0 0 16px" };
const footer = { color: "#5b6470", fontSize: "12px" };

/** The frame of every mail: the brand, the message, why the person receives it. */
export function EmailLayout({ brand, preview, children }: { brand: Brand; preview: string; children: ReactNode }) {
  return (
    <Html lang="fr">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={page}>
        <Container style={card}>
          <Text style={header}>{brand.name}</Text>
          <Section>{children}</Section>
          <Hr />
          <Text style={footer}>
            Ce message vous est envoyé par le portail de la coopérative de services. Ne le transférez pas : les liens
            qu'il contient sont personnels.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const paragraph = { fontSize: "15px", lineHeight: "22px" };
export const button = {
  backgroundColor: "#1d4e89",
  borderRadius: "4px",
  color: "#ffffff",
  display: "inline-block",
  fontSize: "15px",
  padding: "12px 20px",
  textDecoration: "none",
};
