import type { MembershipRole } from "../../db/schema.ts";

/** What a role's home page lists: what it can do, and what is not built yet (said plainly). */
export interface Capability {
  label: string;
  /** A page that exists today; without it, the feature is announced as coming. */
  to?: string;
}

export function capabilitiesOf(role: MembershipRole, cooperativeSiren: string): Capability[] {
  const members: Capability = {
    label: "Consulter les organisations membres de la coopérative",
    to: `/cooperatives/${cooperativeSiren}`,
  };
  const account: Capability = { label: "Gérer votre mot de passe et vos sessions", to: "/compte" };
  switch (role) {
    case "operator_admin":
      return [
        members,
        { label: "Gérer le catalogue des offres et leurs tarifs" },
        { label: "Instruire les demandes d'adhésion des communes" },
        { label: "Émettre les appels de fonds de l'année" },
        { label: "Inviter les référents des organisations membres", to: "/invitations" },
        { label: "Voir et désactiver les comptes des personnes", to: "/personnes" },
        { label: "Voir et renvoyer les courriels non distribués", to: "/courriels-non-distribues" },
        { label: "Consulter le journal de la coopérative", to: "/journal" },
        account,
      ];
    case "referent":
      return [
        members,
        { label: "Parcourir le catalogue et demander une adhésion pour votre organisation" },
        { label: "Simuler la quote-part de votre organisation avant la délibération" },
        { label: "Consulter les appels de fonds de votre organisation" },
        { label: "Inviter les agents de votre organisation", to: "/invitations" },
        { label: "Voir les personnes de votre organisation", to: "/personnes" },
        account,
      ];
    case "agent":
      return [
        members,
        { label: "Consulter le catalogue des offres" },
        { label: "Vous inscrire aux formations et aux réunions des réseaux" },
        account,
      ];
    case "viewer":
      return [
        members,
        { label: "Suivre l'avancement des actions de la coopérative" },
        { label: "Consulter les adhésions et les appels de fonds (lecture seule)" },
        account,
      ];
  }
}
