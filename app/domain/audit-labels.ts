export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "sign_in.succeeded": "Connexion",
  "sign_in.failed": "Connexion refusée",
  "sign_in.throttled": "Connexion bloquée (trop de tentatives)",
  "session.signed_out": "Déconnexion",
  "session.revoked": "Session fermée",
  "session.revoked_others": "Autres sessions fermées",
  "password.changed": "Mot de passe changé",
  "membership.switched": "Changement d'espace",
  "organisation.added": "Organisation ajoutée",
  "organisation.updated": "Organisation modifiée",
  "user.disabled": "Compte désactivé",
};
