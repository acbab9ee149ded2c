import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPassword } from "../../app/auth/sign-in.server.tsx";
import { requestScopeFactory } from "../../app/context.server.ts";
import routes from "../../app/routes.ts";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import type { MembershipRole } from "../../db/schema.ts";
import { createTestDatabase } from "../database.ts";
import { addOperatorAdmin, seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";
import { startStatementsExport, waitForStatementsExport } from "./statement-exports.ts";

type Role = "anonymous" | MembershipRole;
type Relation = "own" | "sameCooperative" | "otherCooperative";
const ROLES: Role[] = ["anonymous", "operator_admin", "referent", "agent", "viewer"];
const RELATIONS: Relation[] = ["own", "sameCooperative", "otherCooperative"];

/** The object a request is about, seen from the signed-in user. */
interface Target {
  siren: string;
  membershipId: string;
  /** An organisation: the user's own, another of the same cooperative, or the other cooperative's. */
  organisationId: string;
  /** An offer of the user's cooperative, or of the other one. */
  offerId: string;
  /** The fixture cost key's pricing of the user's cooperative, or of the other one. */
  pricingId: string;
  /** The fixture's thematic network, its meeting (scheduled in 2030, the admin its lead) and a file of it. */
  networkId: string;
  meetingId: string;
  networkFileId: string;
}

interface Row {
  request(target: Target): { path: string; form?: Record<string, string> };
  /** "status" or "status /redirect-path", per role, the same for every relation unless `byRelation`. */
  expected: Record<Role, string> | Record<Relation, Record<Role, string>>;
}

const all = (outcome: string): Record<Role, string> => ({
  anonymous: outcome,
  operator_admin: outcome,
  referent: outcome,
  agent: outcome,
  viewer: outcome,
});
// The other cooperative's referent (set once the fixture exists).
let otherReferent = "00000000-0000-4000-8000-000000000000";

// A dead letter of the other cooperative (set once the fixture exists).
let deadLetterOfB = "00000000-0000-4000-8000-000000000000";

// A subscription and a council decision PDF of each organisation of the fixture, by organisation (set once it exists).
const subscriptionOf: Record<string, string> = {};
const documentOf: Record<string, string> = {};
// A statement of each organisation of the fixture, by organisation (set once it exists).
const statementOf: Record<string, string> = {};
// A finished whole-year export's page, by organisation (set once they exist): the operator's is A's admin's own,
// the commune's is another admin of A's, the other cooperative's commune's is B's admin's.
const exportOf: Record<string, string> = {};
// The network file of each cooperative of the fixture, by cooperative (set once it exists).
const networkFileOf: Record<string, string> = {};
// The fixture's date poll of each network, by network (set once it exists).
const pollOf: Record<string, string> = {};

// A new address per request: attempts on one account are throttled (5 per 15 minutes).
let unknownAccounts = 0;
const unknownEmail = () => `inconnu${++unknownAccounts}@nulle-part.test`;

const signedIn = (outcome: string): Record<Role, string> => ({ ...all(outcome), anonymous: "302 /connexion" });

/**
 * The expected outcome of every route with a loader or an action, written out
 * here rather than derived from the app's permission map.
 */
const MATRIX: Record<string, Row> = {
  "GET /": { request: () => ({ path: "/" }), expected: all("200") },
  "GET /cooperatives/:siren": {
    // Public reference data: every cooperative's page is readable by all.
    request: (target) => ({ path: `/cooperatives/${target.siren}` }),
    expected: all("200"),
  },
  "GET /connexion": {
    request: () => ({ path: "/connexion" }),
    expected: { ...all("302 /accueil"), anonymous: "200" },
  },
  "POST /connexion": {
    // A signed-in user posting here is sent home (the page's loader runs after the action).
    request: () => ({ path: "/connexion", form: { intent: "password", email: unknownEmail(), password: "faux" } }),
    expected: { ...all("302 /accueil"), anonymous: "400" },
  },
  "GET /connexion/lien": { request: () => ({ path: "/connexion/lien?jeton=inconnu" }), expected: all("200") },
  "POST /connexion/lien": {
    request: () => ({ path: "/connexion/lien", form: { jeton: "inconnu" } }),
    expected: all("400"),
  },
  // The code step of signing in: only for a session that owes it (see second-factor.http.test.ts).
  "GET /connexion/verification": {
    request: () => ({ path: "/connexion/verification" }),
    expected: { ...all("302 /accueil"), anonymous: "302 /connexion" },
  },
  "POST /connexion/verification": {
    request: () => ({ path: "/connexion/verification", form: { intent: "totp", code: "000000" } }),
    expected: { ...all("302 /accueil"), anonymous: "302 /connexion" },
  },
  "POST /mot-de-passe/oubli": {
    request: () => ({ path: "/mot-de-passe/oubli", form: { email: unknownEmail() } }),
    expected: all("200"),
  },
  "GET /mot-de-passe/nouveau": {
    request: () => ({ path: "/mot-de-passe/nouveau?jeton=inconnu" }),
    expected: all("200"),
  },
  "POST /mot-de-passe/nouveau": {
    request: () => ({
      path: "/mot-de-passe/nouveau",
      form: { jeton: "inconnu", password: "une phrase assez longue", confirmation: "une phrase assez longue" },
    }),
    expected: all("400"),
  },
  "GET /deconnexion": { request: () => ({ path: "/deconnexion" }), expected: all("302 /") },
  "POST /deconnexion": { request: () => ({ path: "/deconnexion", form: {} }), expected: all("302 /") },
  "GET /accueil": { request: () => ({ path: "/accueil" }), expected: signedIn("200") },
  "GET /compte": { request: () => ({ path: "/compte" }), expected: signedIn("200") },
  "POST /compte": {
    request: () => ({ path: "/compte", form: { intent: "revoke-others" } }),
    expected: signedIn("200"),
  },
  "GET /compte/double-authentification": {
    request: () => ({ path: "/compte/double-authentification" }),
    expected: signedIn("200"),
  },
  "POST /compte/double-authentification": {
    // Turning it off: refused to operator admins, who must keep it.
    request: () => ({ path: "/compte/double-authentification", form: { intent: "remove" } }),
    expected: { ...signedIn("302 /compte/double-authentification"), operator_admin: "403" },
  },
  "GET /compte/notifications": { request: () => ({ path: "/compte/notifications" }), expected: signedIn("200") },
  "POST /compte/notifications": {
    // Incomplete: every kind needs a choice.
    request: () => ({ path: "/compte/notifications", form: { adhesions: "digest" } }),
    expected: signedIn("400"),
  },
  "GET /espace": { request: () => ({ path: "/espace" }), expected: all("302 /accueil") },
  "POST /espace": {
    // Another person's membership, here or elsewhere, is not found: no existence leak.
    request: (target) => ({ path: "/espace", form: { membership: target.membershipId } }),
    expected: {
      own: signedIn("302 /accueil"),
      sameCooperative: signedIn("404"),
      otherCooperative: signedIn("404"),
    },
  },
  // Demo only (no Resend key): this server sends through the outbox, so the page does not exist.
  "GET /boite-mail": { request: () => ({ path: "/boite-mail" }), expected: all("404") },
  // The cooperative's undelivered mail: its operator admins only.
  "GET /courriels-non-distribues": {
    request: () => ({ path: "/courriels-non-distribues" }),
    expected: { ...signedIn("403"), operator_admin: "200" },
  },
  "POST /courriels-non-distribues": {
    // Another cooperative's dead letter, or a made-up id: not found, for the admin as for anyone.
    request: () => ({ path: "/courriels-non-distribues", form: { id: deadLetterOfB } }),
    expected: { ...signedIn("403"), operator_admin: "404" },
  },
  // Development only: the production build has no template preview.
  "GET /apercu-courriels/:name?": { request: () => ({ path: "/apercu-courriels" }), expected: all("404") },
  "GET /organisations/nouvelle": {
    request: () => ({ path: "/organisations/nouvelle" }),
    expected: { ...signedIn("403"), operator_admin: "200" },
  },
  "POST /organisations/nouvelle": {
    // An invalid form: refused with its errors, and nothing written.
    request: () => ({ path: "/organisations/nouvelle", form: { name: "", kind: "ccas", siren: "123" } }),
    expected: { ...signedIn("403"), operator_admin: "400" },
  },
  "GET /organisations/:id/modifier": {
    request: (target) => ({ path: `/organisations/${target.organisationId}/modifier` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  "POST /organisations/:id/modifier": {
    request: (target) => ({
      path: `/organisations/${target.organisationId}/modifier`,
      // Invalid whatever the organisation (the identity of a territory member is locked, its contact is not).
      form: { name: "", kind: "ccas", siren: "123", contactEmail: "pas-une-adresse" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  // The audit log: operator admins only (it holds addresses and IPs).
  "GET /journal": { request: () => ({ path: "/journal" }), expected: { ...signedIn("403"), operator_admin: "200" } },
  // Inviting: those who manage memberships (operator admins, referents for their organisation).
  "GET /invitations": {
    request: () => ({ path: "/invitations" }),
    expected: { ...signedIn("403"), operator_admin: "200", referent: "200" },
  },
  "POST /invitations": {
    request: () => ({ path: "/invitations", form: { intent: "invite", email: "pas-une-adresse" } }),
    expected: { ...signedIn("403"), operator_admin: "400", referent: "400" },
  },
  // People: the cooperative's for operator admins, their organisation's for referents; disabling: admins only.
  "GET /personnes": {
    request: () => ({ path: "/personnes" }),
    expected: { ...signedIn("403"), operator_admin: "200", referent: "200" },
  },
  "POST /personnes": {
    // The other cooperative's referent: not this admin's to disable (nothing happens).
    request: () => ({ path: "/personnes", form: { userId: otherReferent } }),
    expected: { ...signedIn("403"), operator_admin: "400" },
  },
  // Accepting: whoever holds a valid link (here, none).
  "GET /invitation": { request: () => ({ path: "/invitation?jeton=inconnu" }), expected: all("200") },
  "POST /invitation": {
    request: () => ({ path: "/invitation", form: { jeton: "inconnu", displayName: "Personne" } }),
    expected: all("400"),
  },
  // The simulator: referents and operator admins; an offer of another cooperative is not found.
  "GET /catalogue/:id/simulateur": {
    request: (target) => ({ path: `/catalogue/${target.offerId}/simulateur` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200", referent: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200", referent: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404", referent: "404" },
    },
  },
  // The catalogue: everyone of the cooperative reads it (members see published offers only).
  "GET /catalogue": { request: () => ({ path: "/catalogue" }), expected: signedIn("200") },
  "GET /catalogue/export.csv": { request: () => ({ path: "/catalogue/export.csv" }), expected: signedIn("200") },
  // Writing it: operator admins only; an invalid form is refused with its errors, nothing written.
  "GET /catalogue/nouvelle": {
    request: () => ({ path: "/catalogue/nouvelle" }),
    expected: { ...signedIn("403"), operator_admin: "200" },
  },
  "POST /catalogue/nouvelle": {
    request: () => ({ path: "/catalogue/nouvelle", form: { title: "", kind: "inconnu" } }),
    expected: { ...signedIn("403"), operator_admin: "400" },
  },
  "GET /catalogue/categories": {
    request: () => ({ path: "/catalogue/categories" }),
    expected: { ...signedIn("403"), operator_admin: "200" },
  },
  "POST /catalogue/categories": {
    request: () => ({ path: "/catalogue/categories", form: { intent: "add", name: " " } }),
    expected: { ...signedIn("403"), operator_admin: "400" },
  },
  // An offer of another cooperative is not found.
  "GET /catalogue/:id": {
    request: (target) => ({ path: `/catalogue/${target.offerId}` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "GET /catalogue/:id/modifier": {
    request: (target) => ({ path: `/catalogue/${target.offerId}/modifier` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  "POST /catalogue/:id/modifier": {
    request: (target) => ({ path: `/catalogue/${target.offerId}/modifier`, form: { intent: "save", title: "" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  "GET /catalogue/:id/tarifs": {
    request: (target) => ({ path: `/catalogue/${target.offerId}/tarifs` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  "POST /catalogue/:id/tarifs": {
    request: (target) => ({
      path: `/catalogue/${target.offerId}/tarifs`,
      form: { yearFrom: "2030", yearTo: "2030", definition: "pas du JSON" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  // An offer's subscribers: operator admins only (subscriptions are private to each organisation).
  "GET /catalogue/:id/adherents": {
    request: (target) => ({ path: `/catalogue/${target.offerId}/adherents` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  "GET /catalogue/:id/adherents.csv": {
    request: (target) => ({ path: `/catalogue/${target.offerId}/adherents.csv` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  // Adhésions: the organisation's people who read subscriptions (not agents) see their own; operator admins, all.
  "GET /adhesions": {
    request: () => ({ path: "/adhesions" }),
    expected: { ...signedIn("200"), agent: "403" },
  },
  "GET /adhesions/export.csv": {
    request: () => ({ path: "/adhesions/export.csv" }),
    expected: { ...signedIn("403"), operator_admin: "200" },
  },
  // Requesting: referents (and operator admins for the operator); another cooperative's offer is not found.
  "GET /adhesions/nouvelle": {
    request: (target) => ({ path: `/adhesions/nouvelle?offre=${target.offerId}` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200", referent: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200", referent: "200" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404", referent: "404" },
    },
  },
  "POST /adhesions/nouvelle": {
    // The organisation already subscribes to the offer: refused, nothing written.
    request: (target) => ({ path: `/adhesions/nouvelle?offre=${target.offerId}`, form: { councilNumber: "1" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400", referent: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400", referent: "400" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404", referent: "404" },
    },
  },
  "GET /adhesions/:id": {
    request: (target) => ({ path: `/adhesions/${subscriptionOf[target.organisationId] ?? target.organisationId}` }),
    expected: {
      own: { ...signedIn("200"), agent: "403" },
      sameCooperative: { ...signedIn("404"), operator_admin: "200", agent: "403" },
      otherCooperative: { ...signedIn("404"), agent: "403" },
    },
  },
  "POST /adhesions/:id": {
    // Withdrawing an active subscription: not a pending request (400) for its own referent; others do not find it.
    request: (target) => ({
      path: `/adhesions/${subscriptionOf[target.organisationId] ?? target.organisationId}`,
      form: { intent: "withdraw" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400", referent: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "404", referent: "404" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404", referent: "404" },
    },
  },
  // Council decision PDFs: the organisation's people who read subscriptions, and the operator admins.
  "GET /documents/:id": {
    request: (target) => ({ path: `/documents/${documentOf[target.organisationId] ?? target.organisationId}` }),
    expected: {
      own: { ...signedIn("200"), agent: "403" },
      sameCooperative: { ...signedIn("404"), operator_admin: "200", agent: "403" },
      otherCooperative: { ...signedIn("404"), agent: "403" },
    },
  },
  // Statements: operator admins see and issue the cooperative's; the payer's referents and viewers read their own.
  "GET /appels-de-fonds": {
    request: () => ({ path: "/appels-de-fonds" }),
    expected: { ...signedIn("200"), agent: "403" },
  },
  "POST /appels-de-fonds": {
    // Nothing is priced in 2030: refused in French, nothing written.
    request: () => ({ path: "/appels-de-fonds", form: { intent: "issue", annee: "2030", semestre: "" } }),
    expected: { ...signedIn("403"), operator_admin: "400" },
  },
  // A whole-year export: seen, and downloaded, by the admin who started it only.
  "GET /appels-de-fonds/exports/:id": {
    request: (target) => ({ path: exportOf[target.organisationId] ?? "/appels-de-fonds/exports/inconnu" }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "404" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  "GET /appels-de-fonds/exports/:id/fichier": {
    request: (target) => ({ path: `${exportOf[target.organisationId] ?? "/appels-de-fonds/exports/inconnu"}/fichier` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "404" },
      otherCooperative: { ...signedIn("403"), operator_admin: "404" },
    },
  },
  // Actual costs of the cost keys: operator admins of the pricing's cooperative.
  "GET /appels-de-fonds/couts-reels": {
    request: () => ({ path: "/appels-de-fonds/couts-reels?annee=2026" }),
    expected: { ...signedIn("403"), operator_admin: "200" },
  },
  "POST /appels-de-fonds/couts-reels": {
    request: (target) => ({
      path: "/appels-de-fonds/couts-reels",
      form: { pricingId: target.pricingId, annee: "2026", semestre: "2", direct: "12,50", indirect: "0" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      // The other cooperative's pricing is out of sight (RLS): refused as unknown, nothing written.
      otherCooperative: { ...signedIn("403"), operator_admin: "400" },
    },
  },
  "GET /appels-de-fonds/:id": {
    request: (target) => ({ path: `/appels-de-fonds/${statementOf[target.organisationId] ?? target.organisationId}` }),
    expected: {
      own: { ...signedIn("200"), agent: "403" },
      sameCooperative: { ...signedIn("404"), operator_admin: "200", agent: "403" },
      otherCooperative: { ...signedIn("404"), agent: "403" },
    },
  },
  "GET /appels-de-fonds/:id/pdf": {
    request: (target) => ({
      path: `/appels-de-fonds/${statementOf[target.organisationId] ?? target.organisationId}/pdf`,
    }),
    expected: {
      own: { ...signedIn("200"), agent: "403" },
      sameCooperative: { ...signedIn("404"), operator_admin: "200", agent: "403" },
      otherCooperative: { ...signedIn("404"), agent: "403" },
    },
  },
  // Networks: the whole cooperative reads meetings, attendance, published minutes, files and indicators; the
  // network's managers (here the operator admin, the fixture network's lead) record attendance and write minutes.
  "GET /reunions/:id/emargement": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/emargement` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "POST /reunions/:id/emargement": {
    // The fixture meeting takes place in 2030: too early to record who came, nothing written.
    request: (target) => ({ path: `/reunions/${target.meetingId}/emargement`, form: { walkInName: "" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  "GET /reunions/:id/compte-rendu": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/compte-rendu` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "POST /reunions/:id/compte-rendu": {
    // Minutes of a meeting that has not taken place: refused, nothing written.
    request: (target) => ({
      path: `/reunions/${target.meetingId}/compte-rendu`,
      form: { intent: "save", body: "intrus", decisions: "" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  "GET /reseaux/fichiers/:fileId": {
    request: (target) => ({ path: `/reseaux/fichiers/${target.networkFileId}` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "GET /reseaux/:id/indicateurs": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/indicateurs?annee=2030` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  // Meetings: a network's managers (here the operator admin, also its lead) create and change them; everyone of the
  // cooperative reads them; another cooperative's are not found.
  "GET /reseaux/:id/reunions/nouvelle": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/reunions/nouvelle` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: signedIn("404"),
    },
  },
  "POST /reseaux/:id/reunions/nouvelle": {
    // An invalid form: refused with its errors, nothing written.
    request: (target) => ({ path: `/reseaux/${target.networkId}/reunions/nouvelle`, form: { title: "" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  "GET /reunions/:id": {
    request: (target) => ({ path: `/reunions/${target.meetingId}` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "POST /reunions/:id": {
    // Inviting a guest with a bad address: managers are told (400), others may not (403).
    request: (target) => ({
      path: `/reunions/${target.meetingId}`,
      form: { intent: "invite", guestName: "Personne", guestEmail: "pas-une-adresse" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  "GET /reunions/:id/modifier": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/modifier` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: signedIn("404"),
    },
  },
  "POST /reunions/:id/modifier": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/modifier`, form: { title: "" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  // One's own invitation's .ics: the invited referent only.
  "GET /reunions/:id/invitation.ics": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/invitation.ics` }),
    expected: {
      own: { ...signedIn("404"), referent: "200" },
      sameCooperative: { ...signedIn("404"), referent: "200" },
      otherCooperative: signedIn("404"),
    },
  },
  // The personal answer page: whoever holds a valid token (here, a forged one).
  "GET /invitation/:token": {
    request: () => ({ path: "/invitation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
    expected: all("404"),
  },
  "POST /invitation/:token": {
    request: () => ({
      path: "/invitation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      form: { response: "accepted" },
    }),
    expected: all("404"),
  },
  // One's calendar feed: each signed-in user their own; the feed itself by its secret token (here, a forged one).
  "GET /compte/agenda": { request: () => ({ path: "/compte/agenda" }), expected: signedIn("200") },
  "POST /compte/agenda": {
    request: () => ({ path: "/compte/agenda", form: { intent: "revoke" } }),
    expected: signedIn("200"),
  },
  "GET /agenda/:token.ics": {
    request: () => ({ path: "/agenda/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics" }),
    expected: all("404"),
  },
  // Networks: everyone of the cooperative reads them; another cooperative's network is not found.
  "GET /reseaux": { request: () => ({ path: "/reseaux" }), expected: signedIn("200") },
  "GET /reseaux/:id": {
    request: (target) => ({ path: `/reseaux/${target.networkId}` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  // Contacts: the network's managers (here the admin, its lead) manage all; a referent its organisation's.
  "GET /reseaux/:id/contacts": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/contacts` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200", referent: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200", referent: "200" },
      otherCooperative: signedIn("404"),
    },
  },
  "POST /reseaux/:id/contacts": {
    // Nobody chosen: refused, nothing written.
    request: (target) => ({ path: `/reseaux/${target.networkId}/contacts`, form: { intent: "add-contact" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400", referent: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400", referent: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  // Writing to the network, proposing dates: its managers only.
  "GET /reseaux/:id/ecrire": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/ecrire` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: signedIn("404"),
    },
  },
  "POST /reseaux/:id/ecrire": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/ecrire`, form: { subject: "", message: "" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  "GET /reseaux/:id/sondages/nouveau": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/sondages/nouveau` }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "200" },
      sameCooperative: { ...signedIn("403"), operator_admin: "200" },
      otherCooperative: signedIn("404"),
    },
  },
  "POST /reseaux/:id/sondages/nouveau": {
    // A slot in the past: refused in French, nothing written.
    request: (target) => ({
      path: `/reseaux/${target.networkId}/sondages/nouveau`,
      form: { title: "Sondage", date: "2020-01-02", start: "09:00", end: "10:00" },
    }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  // A poll: read by the cooperative; answered by the network's contacts (the referent), picked by its managers.
  "GET /reseaux/:id/sondages/:pollId": {
    request: (target) => ({ path: `/reseaux/${target.networkId}/sondages/${pollOf[target.networkId]}` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "POST /reseaux/:id/sondages/:pollId": {
    // No answer given: refused to the contact, forbidden to the others; nothing written.
    request: (target) => ({
      path: `/reseaux/${target.networkId}/sondages/${pollOf[target.networkId]}`,
      form: { intent: "answer" },
    }),
    expected: {
      own: { ...signedIn("403"), referent: "400" },
      sameCooperative: { ...signedIn("403"), referent: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  // A meeting's documents: read by the cooperative, added by its managers (here without a file: refused).
  "GET /reunions/:id/documents": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/documents` }),
    expected: { own: signedIn("200"), sameCooperative: signedIn("200"), otherCooperative: signedIn("404") },
  },
  "POST /reunions/:id/documents": {
    request: (target) => ({ path: `/reunions/${target.meetingId}/documents`, form: { note: "sans fichier" } }),
    expected: {
      own: { ...signedIn("403"), operator_admin: "400" },
      sameCooperative: { ...signedIn("403"), operator_admin: "400" },
      otherCooperative: signedIn("404"),
    },
  },
  "GET /*": { request: () => ({ path: "/page-qui-n-existe-pas" }), expected: all("404") },
};

interface RouteEntry {
  path?: string;
  index?: boolean;
  file: string;
  children?: RouteEntry[];
}

async function routeRows(): Promise<string[]> {
  const rows: string[] = [];
  const visit = async (entry: RouteEntry, parent: string) => {
    const path = entry.index ? parent || "/" : `${parent}/${entry.path ?? ""}`.replace(/\/+/g, "/");
    const module = (await import(`../../app/${entry.file}`)) as { loader?: unknown; action?: unknown };
    if (module.loader) rows.push(`GET ${path}`);
    if (module.action) rows.push(`POST ${path}`);
    for (const child of entry.children ?? []) await visit(child, path);
  };
  for (const entry of routes as RouteEntry[]) await visit(entry, "");
  return rows.sort();
}

describe("authorization matrix: every route x role x relation, over HTTP", () => {
  let database: Database;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;
  const users = {} as Record<MembershipRole, { userId: string; membershipId: string }>;
  let sirenA = "";
  let sirenB = "";
  let membershipB = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400", { markPublicNames: false });
    b = await seedTenant(database.owner, "B", "215700", { markPublicNames: false });
    for (const role of ["agent", "viewer"] as const) {
      const userId = randomUUID();
      await database.owner
        .insertInto("users")
        .values({ id: userId, email: `${role}-a@213400.test`, display_name: `${role} de A` })
        .execute();
      await database.owner
        .insertInto("memberships")
        .values({ user_id: userId, organisation_id: a.communeId, cooperative_id: a.cooperativeId, role })
        .execute();
    }
    const memberships = await database.owner
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.id", "m.role", "m.user_id", "u.email"])
      .execute();
    for (const membership of memberships) {
      if (membership.email.endsWith("@213400.test")) {
        users[membership.role] = { userId: membership.user_id, membershipId: membership.id };
      }
    }
    const cooperatives = await database.owner.selectFrom("cooperatives").select(["id", "siren"]).execute();
    sirenA = cooperatives.find((cooperative) => cooperative.id === a.cooperativeId)?.siren ?? "";
    sirenB = cooperatives.find((cooperative) => cooperative.id === b.cooperativeId)?.siren ?? "";
    membershipB = (
      await database.owner
        .selectFrom("memberships")
        .select("id")
        .where("user_id", "=", b.referentUserId)
        .executeTakeFirstOrThrow()
    ).id;
    otherReferent = b.referentUserId;
    deadLetterOfB = (
      await database.owner
        .insertInto("outbox_emails")
        .values({
          cooperative_id: b.cooperativeId,
          kind: "fixture",
          to_address: "b@215700.test",
          subject: `${b.marker} non distribué`,
          text_body: "x",
          status: "dead",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    // The operator of A subscribes too (with its PDF), so each relation has a subscription and a document to ask for.
    const operatorDocument = await database.owner
      .insertInto("documents")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.operatorId,
        filename: "operateur.pdf",
        content_type: "application/pdf",
        size_bytes: 9,
        content: new TextEncoder().encode("%PDF-1.4 "),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.operatorId,
        offer_id: a.offerId,
        starts_on: "2026-01-01",
        council_document_id: operatorDocument.id,
      })
      .execute();
    for (const row of await database.owner
      .selectFrom("subscriptions")
      .select(["id", "organisation_id", "council_document_id"])
      .execute()) {
      subscriptionOf[row.organisation_id] = row.id;
      if (row.council_document_id) documentOf[row.organisation_id] = row.council_document_id;
    }
    // The fixture has a 2024 statement of each commune; the operator gets one too.
    const run = await database.owner
      .selectFrom("statement_runs")
      .select("id")
      .where("cooperative_id", "=", a.cooperativeId)
      .executeTakeFirstOrThrow();
    const operator = await database.owner
      .selectFrom("organisations")
      .select(["name", "siren"])
      .where("id", "=", a.operatorId)
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("statements")
      .values({
        cooperative_id: a.cooperativeId,
        run_id: run.id,
        organisation_id: a.operatorId,
        year: 2024,
        sequence: 2,
        number: "2024-0002",
        kind: "statement",
        issued_on: "2024-12-01",
        due_on: "2024-12-31",
        budget_year: 2024,
        period: "Année 2024",
        payer_name: operator.name,
        payer_siren: operator.siren,
        gross_cents: 0,
        subsidy_cents: 0,
        net_cents: 0,
      })
      .execute();
    for (const row of await database.owner.selectFrom("statements").select(["id", "organisation_id"]).execute()) {
      statementOf[row.organisation_id] = row.id;
    }
    for (const row of await database.owner.selectFrom("network_files").select(["id", "cooperative_id"]).execute()) {
      networkFileOf[row.cooperative_id] = row.id;
    }
    for (const row of await database.owner.selectFrom("date_polls").select(["id", "network_id"]).execute()) {
      pollOf[row.network_id] = row.id;
    }
    await setPassword(requestScopeFactory(database.app)(ANONYMOUS), a.referentUserId, "une phrase de passe solide");
    portal = await servePortal(database);
    // Exports of the 2024 statements by A's admin, by another admin of A, and by B's admin.
    const secondAdmin = await addOperatorAdmin(database.owner, a, "admin2@213400.test");
    for (const [organisationId, userId] of [
      [a.operatorId, a.adminUserId],
      [a.communeId, secondAdmin],
      [b.communeId, b.adminUserId],
    ] as const) {
      const cookie = await sessionCookieFor(database, userId);
      const path = await startStatementsExport(portal.url, cookie, 2024, "csv");
      await waitForStatementsExport(portal.url, cookie, path);
      exportOf[organisationId] = path;
    }
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  async function cookieFor(role: Role): Promise<string | undefined> {
    if (role === "anonymous") return undefined;
    return sessionCookieFor(database, users[role].userId);
  }

  /** Own: the user's own membership in its cooperative; same cooperative: another person's in another organisation. */
  function targetFor(role: Role, relation: Relation): Target {
    const own = role === "anonymous" ? users.referent : users[role];
    const other = role === "operator_admin" ? users.referent : users.operator_admin;
    const ownOrganisation = role === "operator_admin" ? a.operatorId : a.communeId;
    const otherOrganisation = role === "operator_admin" ? a.communeId : a.operatorId;
    if (relation === "own") {
      return {
        siren: sirenA,
        membershipId: own.membershipId,
        organisationId: ownOrganisation,
        offerId: a.offerId,
        pricingId: a.pricingId,
        networkId: a.networkId,
        meetingId: a.meetingId,
        networkFileId: networkFileOf[a.cooperativeId] ?? "",
      };
    }
    if (relation === "sameCooperative") {
      return {
        siren: sirenA,
        membershipId: other.membershipId,
        organisationId: otherOrganisation,
        offerId: a.offerId,
        pricingId: a.pricingId,
        networkId: a.networkId,
        meetingId: a.meetingId,
        networkFileId: networkFileOf[a.cooperativeId] ?? "",
      };
    }
    return {
      siren: sirenB,
      membershipId: membershipB,
      organisationId: b.communeId,
      offerId: b.offerId,
      pricingId: b.pricingId,
      networkId: b.networkId,
      meetingId: b.meetingId,
      networkFileId: networkFileOf[b.cooperativeId] ?? "",
    };
  }

  it("has a row for every route with a loader or an action, and no other", async () => {
    expect(Object.keys(MATRIX).sort()).toEqual(await routeRows());
  });

  it("gives each role the expected outcome, and never shows the other tenant's private data", async () => {
    const failures: string[] = [];
    for (const [key, row] of Object.entries(MATRIX)) {
      const method = key.split(" ")[0] as "GET" | "POST";
      for (const role of ROLES) {
        for (const relation of RELATIONS) {
          const expected =
            "own" in row.expected ? row.expected[relation][role] : (row.expected as Record<Role, string>)[role];
          const { path, form } = row.request(targetFor(role, relation));
          const cookie = await cookieFor(role);
          const response = await fetch(`${portal.url}${path}`, {
            method,
            redirect: "manual",
            headers: {
              ...(cookie ? { Cookie: cookie } : {}),
              ...(form ? { Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" } : {}),
            },
            body: form ? new URLSearchParams(form).toString() : undefined,
          });
          const location = response.headers.get("Location");
          const outcome = location
            ? `${response.status} ${new URL(location, portal.url).pathname}`
            : String(response.status);
          const body = await response.text();
          const cell = `${key} as ${role} on ${relation}`;
          if (outcome !== expected) failures.push(`${cell}: got ${outcome}, expected ${expected}`);
          for (const secret of [b.marker, b.adminUserId, b.referentUserId, membershipB]) {
            if (body.includes(secret)) failures.push(`${cell}: the body shows the other tenant's ${secret}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
