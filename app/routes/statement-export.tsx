import { useEffect } from "react";
import { data, Link, useRevalidator } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import { servicesContext } from "~/context.server";
import { plural } from "~/domain/format";
import type { Route } from "./+types/statement-export";

const FORMAT_LABELS = { csv: "CSV", xlsx: "XLSX (Excel)" } as const;

/** How often the page asks for the progress of a running export. */
const POLL_MS = 1000;

/** A whole-year export of the statements: its progress while it is built, then its file (decision 017). */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "statements.issue");
  const job = context
    .get(servicesContext)
    .statementExports.find({ cooperativeId: who.cooperativeId as string, userId: who.userId as string }, params.id);
  if (!job) {
    throw data(
      { message: "Export introuvable : il a peut-être expiré (il est gardé 30 minutes une fois terminé)." },
      { status: 404 },
    );
  }
  return { job };
}

export default function StatementExport({ loaderData }: Route.ComponentProps) {
  const { job } = loaderData;
  const revalidator = useRevalidator();
  // While the file is being written, ask again for the progress (a revalidation of this page's loader only).
  useEffect(() => {
    if (job.status !== "running") return;
    const timer = setTimeout(() => {
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job, revalidator]);
  const title = `Export des appels de fonds ${job.year} en ${FORMAT_LABELS[job.format]}`;
  const written = `${job.done} / ${plural(job.total, "appel de fonds", "appels de fonds")}`;
  return (
    <div className="page">
      <title>{`${title} — Coopérative de services`}</title>
      <p>
        <Link to={`/appels-de-fonds?annee=${job.year}`}>Appels de fonds {job.year}</Link>
      </p>
      <h1>{title}</h1>
      {job.status === "failed" ? (
        <p className="form-error" role="alert">
          {job.error}
        </p>
      ) : (
        <>
          <p>
            <label htmlFor="avancement">
              {job.status === "running" ? "Écriture du fichier en cours" : "Fichier prêt"}
            </label>
          </p>
          <progress id="avancement" max={Math.max(job.total, 1)} value={job.done}>
            {written}
          </progress>
        </>
      )}
      <p role="status">
        {job.status === "running"
          ? `${written} écrits.`
          : job.status === "done"
            ? `Export terminé : ${written}.`
            : `Export interrompu après ${written}.`}
      </p>
      {job.status === "running" ? (
        <p className="muted">
          Vous pouvez quitter cette page : l'export continue, et reste disponible 30 minutes après la fin.{" "}
          <Link to=".">Actualiser</Link>
        </p>
      ) : null}
      {job.status === "done" ? (
        <p>
          <a className="button-link" href={`/appels-de-fonds/exports/${job.id}/fichier`} download>
            Télécharger {job.filename}
          </a>
        </p>
      ) : null}
    </div>
  );
}
