import { Link } from "react-router";
import { requireAuthentication } from "~/auth/guards.server";
import { ROLE_LABELS } from "~/domain/labels";
import { capabilitiesOf } from "~/domain/role-homes";
import type { Route } from "./+types/home";

export function loader({ request, context }: Route.LoaderArgs) {
  const { user, active } = requireAuthentication(context, request);
  return {
    user: { displayName: user.displayName },
    active: active
      ? {
          organisationName: active.organisationName,
          cooperativeName: active.cooperativeName,
          role: active.role,
          capabilities: capabilitiesOf(active.role, active.cooperativeSiren),
        }
      : null,
  };
}

export default function Home({ loaderData: { user, active } }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>Accueil — Coopérative de services</title>
      <h1>Bonjour {user.displayName}</h1>
      {active ? (
        <>
          <p className="lead">
            Vous agissez en tant que <strong>{ROLE_LABELS[active.role]}</strong> pour{" "}
            <strong>{active.organisationName}</strong>, dans la coopérative {active.cooperativeName}.
          </p>
          <h2>Ce que vous pouvez faire</h2>
          <ul className="capabilities">
            {active.capabilities.map((capability) => (
              <li key={capability.label}>
                {capability.to ? (
                  <Link to={capability.to}>{capability.label}</Link>
                ) : (
                  <>
                    {capability.label} <span className="badge">bientôt disponible</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <div className="empty-state">
          <p>Votre compte n'est rattaché à aucune organisation active.</p>
          <p>Demandez à l'administrateur de votre coopérative de vous inviter.</p>
        </div>
      )}
    </div>
  );
}
