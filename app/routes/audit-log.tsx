import { Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { AUDIT_ACTION_LABELS } from "~/domain/audit-labels";
import { listAuditEvents } from "~/queries/audit.server";
import type { Route } from "./+types/audit-log";

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: "Europe/Paris",
});

const params = z.object({
  action: z
    .string()
    .refine((action) => action in AUDIT_ACTION_LABELS)
    .nullable()
    .catch(null),
  page: z.coerce.number().int().min(1).catch(1),
});

export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "audit.read");
  const search = new URL(request.url).searchParams;
  const query = params.parse({ action: search.get("action") || null, page: search.get("page") ?? undefined });
  const events = await context
    .get(requestScopeContext)
    .transaction((trx) => listAuditEvents(trx, { cooperativeId: who.cooperativeId as string, ...query }));
  return {
    action: query.action,
    ...events,
    rows: events.rows.map((row) => ({ ...row, createdAt: dateTime.format(row.createdAt) })),
  };
}

export default function AuditLog({ loaderData }: Route.ComponentProps) {
  const { rows, total, page, pageCount, action } = loaderData;
  const href = (target: number) => `?${new URLSearchParams({ ...(action ? { action } : {}), page: String(target) })}`;
  return (
    <div className="page">
      <title>Journal — Coopérative de services</title>
      <h1>Journal de la coopérative</h1>
      <p className="lead">
        Connexions, sessions, mots de passe et changements d'organisations : qui, quoi, quand, depuis quelle adresse
        (effacée après 12 mois). Le journal ne peut pas être modifié.
      </p>
      <Form method="get" className="filter-form">
        <label htmlFor="action">Événement</label>
        <select id="action" name="action" defaultValue={action ?? ""}>
          <option value="">Tous</option>
          {Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <button type="submit">Filtrer</button>
      </Form>
      {rows.length === 0 ? (
        <div className="empty-state">
          <p>Aucun événement{action ? " de ce type" : ""}.</p>
        </div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table">
              <caption>
                {total} événement(s) — page {page} sur {pageCount}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Événement</th>
                  <th scope="col">Par</th>
                  <th scope="col">Objet</th>
                  <th scope="col">Adresse IP</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td>{row.createdAt}</td>
                    <th scope="row">{AUDIT_ACTION_LABELS[row.action] ?? row.action}</th>
                    <td>{row.actor ?? "—"}</td>
                    <td>{row.subject ?? "—"}</td>
                    <td>{row.ipAddress ?? <span className="muted">effacée</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pagination du journal" className="pagination">
            {page > 1 ? <Link to={href(page - 1)}>‹ Page précédente</Link> : null}
            <span>
              Page {page} sur {pageCount}
            </span>
            {page < pageCount ? <Link to={href(page + 1)}>Page suivante ›</Link> : null}
          </nav>
        </>
      )}
    </div>
  );
}
