import { Button, Text } from "@react-email/components";
import { type Brand, button, EmailLayout, PLATFORM_BRAND, paragraph } from "./layout.tsx";

export interface PasswordResetProps {
  link: string;
  brand?: Brand;
}

export const passwordResetSubject = "Choisir un nouveau mot de passe";

export function PasswordResetEmail({ link, brand = PLATFORM_BRAND }: PasswordResetProps) {
  return (
    <EmailLayout brand={brand} preview="Choisissez un nouveau mot de passe (lien valable 10 minutes)">
      <Text style={paragraph}>Bonjour,</Text>
      <Text style={paragraph}>Pour choisir un nouveau mot de passe, ouvrez ce lien :</Text>
      <Button href={link} style={button}>
        Choisir un nouveau mot de passe
      </Button>
      <Text style={paragraph}>Ou copiez cette adresse dans votre navigateur : {link}</Text>
      <Text style={paragraph}>
        Il est valable 10 minutes et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de
        passe actuel reste valable.
      </Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  link: "https://portail.example/mot-de-passe/nouveau?jeton=exemple",
} satisfies PasswordResetProps;

export default PasswordResetEmail;
