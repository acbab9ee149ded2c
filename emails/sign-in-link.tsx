import { Button, Text } from "@react-email/components";
import { type Brand, button, EmailLayout, PLATFORM_BRAND, paragraph } from "./layout.tsx";

export interface SignInLinkProps {
  link: string;
  brand?: Brand;
}

export const signInLinkSubject = "Votre lien de connexion";

export function SignInLinkEmail({ link, brand = PLATFORM_BRAND }: SignInLinkProps) {
  return (
    <EmailLayout brand={brand} preview="Votre lien de connexion, valable 10 minutes">
      <Text style={paragraph}>Bonjour,</Text>
      <Text style={paragraph}>Pour vous connecter au portail de la coopérative, ouvrez ce lien puis confirmez :</Text>
      <Button href={link} style={button}>
        Ouvrir le lien de connexion
      </Button>
      <Text style={paragraph}>Ou copiez cette adresse dans votre navigateur : {link}</Text>
      <Text style={paragraph}>
        Il est valable 10 minutes et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message.
      </Text>
    </EmailLayout>
  );
}

SignInLinkEmail.PreviewProps = {
  link: "https://portail.example/connexion/lien?jeton=exemple",
} satisfies SignInLinkProps;

export default SignInLinkEmail;
