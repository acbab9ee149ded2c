import { isRouteErrorResponse, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration } from "react-router";
import type { Route } from "./+types/root";
import "./app.css";
import { requestScopeMiddleware } from "./middleware/request-scope.server.ts";

export const middleware: Route.MiddlewareFunction[] = [requestScopeMiddleware];

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
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

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  if (isRouteErrorResponse(error) && error.status === 404) {
    return <NotFound />;
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
