import { index, type RouteConfig, route } from "@react-router/dev/routes";

export default [
  index("routes/cooperatives.tsx"),
  route("cooperatives/:siren", "routes/cooperative.tsx"),
  route("connexion", "routes/sign-in.tsx"),
  route("connexion/lien", "routes/sign-in-link.tsx"),
  route("mot-de-passe/oubli", "routes/password-forgotten.tsx"),
  route("mot-de-passe/nouveau", "routes/password-reset.tsx"),
  route("deconnexion", "routes/sign-out.tsx"),
  route("accueil", "routes/home.tsx"),
  route("compte", "routes/account.tsx"),
  route("espace", "routes/switch-membership.tsx"),
  route("organisations/nouvelle", "routes/organisation-new.tsx"),
  route("organisations/:id/modifier", "routes/organisation-edit.tsx"),
  route("journal", "routes/audit-log.tsx"),
  route("invitations", "routes/invitations.tsx"),
  route("personnes", "routes/people.tsx"),
  route("invitation", "routes/invitation-accept.tsx"),
  route("boite-mail", "routes/mailbox.tsx"),
  route("courriels-non-distribues", "routes/dead-letters.tsx"),
  route("apercu-courriels/:name?", "routes/email-preview.tsx"),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
