import { Button, Text } from "@react-email/components";
import { type Brand, button, EmailLayout, PLATFORM_BRAND, paragraph } from "./layout.tsx";

export interface InvitationProps {
  link: string;
  inviterName: string;
  organisationName: string;
  roleLabel: string;
  brand?: Brand;
}

export const invitationSubject = (brand: Brand) => `Invitation au portail de ${brand.name}`;

export function InvitationEmail({
  link,
  inviterName,
  organisationName,
  roleLabel,
  brand = PLATFORM_BRAND,
}: InvitationProps) {
  return (
    <EmailLayout brand={brand} preview={`${inviterName} vous invite sur le portail de la coopérative`}>
      <Text style={paragraph}>Bonjour,</Text>
      <Text style={paragraph}>
        {inviterName} vous invite à rejoindre le portail de la coopérative de services, pour {organisationName}, en tant
        que {roleLabel}.
      </Text>
      <Button href={link} style={button}>
        Accepter l'invitation
      </Button>
      <Text style={paragraph}>Ou copiez cette adresse dans votre navigateur : {link}</Text>
      <Text style={paragraph}>
        Le lien est valable 7 jours et ne sert qu'une fois. Si vous ne vous attendiez pas à ce message, ignorez-le.
      </Text>
    </EmailLayout>
  );
}

InvitationEmail.PreviewProps = {
  link: "https://portail.example/invitation?jeton=exemple",
  inviterName: "Claire Fabre",
  organisationName: "Castelnau-le-Lez",
  roleLabel: "référent",
  brand: { name: "Montpellier Méditerranée Métropole" },
} satisfies InvitationProps;

export default InvitationEmail;
