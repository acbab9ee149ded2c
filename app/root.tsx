import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteLoaderData,
} from "react-router";
import type { Route } from "./+types/root";
import "./app.css";
import { authenticationContext, servicesContext } from "./context.server.ts";
import { ROLE_LABELS } from "./domain/labels.ts";
import { can } from "./domain/permissions.ts";
import { requestScopeMiddleware } from "./middleware/request-scope.server.ts";
import { securityMiddleware } from "./security.server.ts";

// Security first: a refused request runs nothing else, and every response gets the headers.
export const middleware: Route.MiddlewareFunction[] = [securityMiddleware, requestScopeMiddleware];

export function loader({ context }: Route.LoaderArgs) {
  const authentication = context.get(authenticationContext);
  return {
    demoMailbox: context.get(servicesContext).mailbox !== null,
    user: authentication
      ? {
          displayName: authentication.user.displayName,
          seesAdhesions: can(authentication.context.role, "subscriptions.read"),
          seesStatements: can(authentication.context.role, "statements.read"),
          seesNetworks: can(authentication.context.role, "networks.read"),
          activeMembershipId: authentication.active?.id ?? null,
          memberships: authentication.memberships.map((membership) => ({
            id: membership.id,
            label: `${membership.organisationName} — ${ROLE_LABELS[membership.role]}${
              new Set(authentication.memberships.map((other) => other.cooperativeId)).size > 1
                ? ` (${membership.cooperativeName})`
                : ""
            }`,
          })),
        }
      : null,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links nonce="" />
      </head>
      <body>
        <a className="skip-link" href="#contenu">
          Aller au contenu
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <Link to="/" className="site-title">
              Coopérative de services
            </Link>
            <nav aria-label="Navigation principale">
              <ul className="site-nav">
                <li>
                  <NavLink to="/" end>
                    Coopératives
                  </NavLink>
                </li>
                {rootData?.demoMailbox ? (
                  <li>
                    <NavLink to="/boite-mail">Boîte mail (démo)</NavLink>
                  </li>
                ) : null}
                <UserMenu />
              </ul>
            </nav>
          </div>
        </header>
        <main id="contenu" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <p>
            Portail de mutualisation entre une intercommunalité et ses communes membres. Données territoriales : INSEE,
            via le découpage administratif d'Etalab.
          </p>
        </footer>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

function UserMenu() {
  const user = useRouteLoaderData<typeof loader>("root")?.user;
  const location = useLocation();
  if (!user) {
    return (
      <li>
        <NavLink to="/connexion">Se connecter</NavLink>
      </li>
    );
  }
  return (
    <>
      <li>
        <NavLink to="/accueil">Accueil</NavLink>
      </li>
      {user.activeMembershipId ? (
        <li>
          <NavLink to="/catalogue">Catalogue</NavLink>
        </li>
      ) : null}
      {user.seesAdhesions ? (
        <li>
          <NavLink to="/adhesions">Adhésions</NavLink>
        </li>
      ) : null}
      {user.seesNetworks ? (
        <li>
          <NavLink to="/reseaux">Réseaux</NavLink>
        </li>
      ) : null}
      {user.seesStatements ? (
        <li>
          <NavLink to="/appels-de-fonds">Appels de fonds</NavLink>
        </li>
      ) : null}
      {user.memberships.length > 1 ? (
        <li>
          <Form method="post" action="/espace" className="membership-switcher">
            <input type="hidden" name="retour" value={location.pathname + location.search} />
            <label htmlFor="membership" className="visually-hidden">
              Espace actif
            </label>
            <select id="membership" name="membership" defaultValue={user.activeMembershipId ?? undefined}>
              {user.memberships.map((membership) => (
                <option key={membership.id} value={membership.id}>
                  {membership.label}
                </option>
              ))}
            </select>
            <button type="submit">Changer d'espace</button>
          </Form>
        </li>
      ) : null}
      <li>
        <NavLink to="/compte" title={user.displayName}>
          Mon compte
        </NavLink>
      </li>
      <li>
        <Form method="post" action="/deconnexion">
          <button type="submit" className="link-button">
            Se déconnecter
          </button>
        </Form>
      </li>
    </>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  if (isRouteErrorResponse(error) && error.status === 404) {
    return <NotFound />;
  }
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <div className="page">
        <title>Accès refusé — Coopérative de services</title>
        <h1>Accès refusé</h1>
        <p>Votre rôle dans l'organisation active ne permet pas d'ouvrir cette page.</p>
        <p>
          <Link to="/accueil">Retour à votre accueil</Link>
        </p>
      </div>
    );
  }
  if (import.meta.env.DEV) console.error(error);
  return (
    <div className="page">
      <title>Erreur — Coopérative de services</title>
      <h1>Une erreur est survenue</h1>
      <p>
        La page n'a pas pu être affichée. Réessayez dans un instant ; si le problème persiste, contactez
        l'administrateur de votre coopérative.
      </p>
      {import.meta.env.DEV && error instanceof Error ? <pre className="error-stack">{error.stack}</pre> : null}
      <p>
        <Link to="/">Retour à l'accueil</Link>
      </p>
    </div>
  );
}

export function NotFound() {
  return (
    <div className="page">
      <title>Page introuvable — Coopérative de services</title>
      <h1>Page introuvable</h1>
      <p>
        L'adresse demandée ne correspond à aucune page du portail. Elle a pu être déplacée, ou contenir une faute de
        frappe.
      </p>
      <p>
        <Link to="/">Retour à la liste des coopératives</Link>
      </p>
    </div>
  );
}
