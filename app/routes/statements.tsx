import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { StatementPreviewTable } from "~/components/statement-preview-table";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatEuros } from "~/domain/allocation/format-fr";
import { formatCalendarDate, parisToday } from "~/domain/format";
import { can } from "~/domain/permissions";
import { parsePreviewQuery, previewPage } from "~/domain/statement-preview";
import { periodLabel, yearField } from "~/domain/statements";
import {
  issueRun,
  listIssuedRuns,
  listStatements,
  previewRun,
  rectifyRun,
  reviewFingerprint,
  StatementError,
  type StatementSummary,
  statementIdsOfYear,
} from "~/queries/statements.server";
import { ExportJobLimitError, exportStatements, STATEMENT_EXPORT_FORMATS } from "~/statement-export-jobs.server";
import type { Route } from "./+types/statements";

const KIND_LABELS = { statement: "Appel de fonds", rectifying: "Rectificatif" } as const;
const EXPORT_FORMAT_LABELS = { csv: "CSV", xlsx: "XLSX (Excel)" } as const;
const EXPORT_STATUS_LABELS = { running: "en cours", done: "prêt", failed: "échoué" } as const;

const periodSchema = z.object({
  annee: yearField,
  semestre: z
    .enum(["", "1", "2"], { error: "Le semestre est le 1er ou le 2d." })
    .transform((value) => (value === "" ? null : (Number(value) as 1 | 2))),
});

function readPeriod(params: URLSearchParams | FormData, fallbackYear: number) {
  return periodSchema.safeParse({
    annee: params.get("annee") || String(fallbackYear),
    semestre: params.get("semestre") ?? "",
  });
}

/**
 * Operator admins: a year's run (or a cost-key half-year) as it would be issued, per member and offer with each
 * line's explanation and last year's amount (a page of members, sorted); issue it (after a confirmation), rectify
 * an issued one; the statements issued, and their export in the background. Referents and viewers: their
 * organisation's statements.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "statements.read");
  const cooperativeId = who.cooperativeId as string;
  const scope = context.get(requestScopeContext);
  if (!can(who.role, "statements.issue")) {
    const statements = await scope.transaction((trx) =>
      listStatements(trx, { cooperativeId, organisationId: who.organisationId as string }),
    );
    return { view: "payer" as const, statements };
  }
  const search = new URL(request.url).searchParams;
  const thisYear = Number(parisToday().slice(0, 4));
  const parsed = readPeriod(search, thisYear);
  const period = parsed.success ? parsed.data : { annee: thisYear, semestre: null };
  const { preview, runs, statements } = await scope.transaction(async (trx) => ({
    preview: await previewRun(trx, { cooperativeId, year: period.annee, half: period.semestre }),
    runs: await listIssuedRuns(trx, cooperativeId),
    statements: await listStatements(trx, { cooperativeId, year: period.annee }),
  }));
  const confirming = search.get("confirmer");
  const table = parsePreviewQuery(search);
  const members = previewPage(
    preview.payers.map((payer) => ({
      payer,
      name: payer.name,
      netCents: payer.totals.netCents,
      changeCents: payer.lastYearNetCents === null ? null : payer.totals.netCents - payer.lastYearNetCents,
    })),
    table,
  );
  const exports = context
    .get(servicesContext)
    .statementExports.list({ cooperativeId, userId: who.userId as string })
    .filter((job) => job.year === period.annee);
  return {
    view: "operator" as const,
    periodError: parsed.success ? null : (parsed.error.issues[0]?.message ?? "Période invalide."),
    year: period.annee,
    half: period.semestre,
    label: preview.label,
    status: preview.run.status,
    issuedOn: preview.run.issuedAt ? formatCalendarDate(parisToday(preview.run.issuedAt)) : null,
    problems: preview.problems,
    notes: preview.notes,
    totals: preview.totals,
    payerCount: members.total,
    table: { query: { ...table, page: members.page }, page: members.page, pageCount: members.pageCount },
    payers: members.rows.map(({ payer, changeCents }) => ({
      organisationId: payer.organisationId,
      name: payer.name,
      siren: payer.siren,
      netCents: payer.totals.netCents,
      lastYearNetCents: payer.lastYearNetCents,
      changeCents,
      offers: [...new Set(payer.lines.map((line) => line.offerId))].map((offerId) => {
        const lines = payer.lines.filter((line) => line.offerId === offerId);
        const netCents = lines.reduce((sum, line) => sum + line.netCents, 0);
        const lastYear = payer.lastYearByOffer[offerId];
        return {
          offerId,
          title: lines[0]?.offerTitle ?? "",
          lastYearCents: lastYear ?? null,
          changed: lastYear !== undefined && lastYear !== netCents,
          lines: lines.map((line) => ({
            key: `${line.pricingId}|${line.itemKey}`,
            label: line.itemLabel,
            model: line.model,
            grossCents: line.grossCents,
            subsidyCents: line.subsidyCents,
            netCents: line.netCents,
            explanation: line.explanation,
          })),
        };
      }),
    })),
    operatorRows: preview.rows
      .filter((row) => !row.invoiced)
      .map((row) => ({
        key: `${row.pricingId}|${row.itemKey}`,
        offer: row.offerTitle,
        label: row.itemLabel,
        netCents: row.netCents,
      })),
    runs: runs.map((run) => ({
      id: run.id,
      year: run.year,
      half: run.half,
      label: periodLabel(run.year, run.half),
      issuedOn: run.issued_at ? formatCalendarDate(parisToday(run.issued_at)) : "—",
      netCents: run.net_cents ?? 0,
    })),
    statements,
    exports,
    confirming: confirming === "emettre" || confirming === "rectifier" ? confirming : null,
    // What the confirmation issues: exactly these statements, or a refusal if they changed meanwhile.
    fingerprint: confirming === "emettre" || confirming === "rectifier" ? reviewFingerprint(preview.payers) : null,
  };
}

const actionSchema = z.object({ intent: z.enum(["issue", "rectify", "export"], { error: "Action inconnue." }) });
const fingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/);
const exportFormatSchema = z.enum(STATEMENT_EXPORT_FORMATS, { error: "Choisissez le format CSV ou XLSX." });

export async function action({ request, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "statements.issue");
  const form = await request.formData();
  const intent = actionSchema.safeParse({ intent: form.get("intent") });
  if (!intent.success) return data({ error: "Action inconnue." }, { status: 400 });
  const period = readPeriod(form, Number(parisToday().slice(0, 4)));
  if (!period.success) {
    return data({ error: period.error.issues[0]?.message ?? "Période invalide." }, { status: 400 });
  }
  if (intent.data.intent === "export") {
    return startExport(context, who, period.data.annee, form.get("format"));
  }
  const input = {
    cooperativeId: who.cooperativeId as string,
    year: period.data.annee,
    half: period.data.semestre,
    actorUserId: who.userId,
    publicUrl: context.get(servicesContext).publicUrl,
    // Issued only as reviewed: a missing or altered fingerprint is refused like a changed one.
    reviewed: fingerprintSchema.safeParse(form.get("empreinte")).data ?? "",
  };
  try {
    // A refusal is thrown out of the transaction, which rolls back: nothing of it is written.
    const result = await context
      .get(requestScopeContext)
      .transaction((trx) => (intent.data.intent === "issue" ? issueRun(trx, input) : rectifyRun(trx, input)));
    const first = result.statements[0]?.number;
    const last = result.statements.at(-1)?.number;
    const what = intent.data.intent === "issue" ? "appel(s) de fonds émis" : "appel(s) de fonds rectificatif(s) émis";
    return { done: `${result.statements.length} ${what} (n° ${first}${last !== first ? ` à ${last}` : ""}).` };
  } catch (error) {
    if (error instanceof StatementError) return data({ error: error.message }, { status: 400 });
    throw error;
  }
}

/** Starts the year's export in the background (decision 017) and goes to its page, which shows its progress. */
async function startExport(
  context: Route.ActionArgs["context"],
  who: { cooperativeId: string | null; userId: string | null },
  year: number,
  formatField: FormDataEntryValue | null,
) {
  const format = exportFormatSchema.safeParse(formatField);
  if (!format.success) return data({ error: "Choisissez le format CSV ou XLSX." }, { status: 400 });
  const cooperativeId = who.cooperativeId as string;
  const scope = context.get(requestScopeContext);
  const ids = await scope.transaction((trx) => statementIdsOfYear(trx, cooperativeId, year));
  if (ids.length === 0) {
    return data({ error: `Aucun appel de fonds émis en ${year} : rien à exporter.` }, { status: 400 });
  }
  try {
    const job = context
      .get(servicesContext)
      .statementExports.start(
        { cooperativeId, userId: who.userId as string },
        { year, format: format.data, total: ids.length },
        exportStatements(scope, format.data, ids),
      );
    return redirect(`/appels-de-fonds/exports/${job.id}`);
  } catch (error) {
    if (error instanceof ExportJobLimitError) return data({ error: error.message }, { status: 429 });
    throw error;
  }
}

function PayerStatements({ statements }: { statements: StatementSummary[] }) {
  if (statements.length === 0) {
    return (
      <div className="empty-state">
        <p>Aucun appel de fonds émis.</p>
      </div>
    );
  }
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>{statements.length} appel(s) de fonds, les plus récents d'abord</caption>
        <thead>
          <tr>
            <th scope="col">Numéro</th>
            <th scope="col">Nature</th>
            <th scope="col">Période</th>
            <th scope="col">Payeur</th>
            <th scope="col">Émis le</th>
            <th scope="col">Échéance</th>
            <th scope="col" className="numeric">
              Net
            </th>
          </tr>
        </thead>
        <tbody>
          {statements.map((statement) => (
            <tr key={statement.id}>
              <th scope="row">
                <Link to={`/appels-de-fonds/${statement.id}`}>{statement.number}</Link>
              </th>
              <td>
                {KIND_LABELS[statement.kind]}
                {statement.correctsNumber ? ` du n° ${statement.correctsNumber}` : ""}
              </td>
              <td>{statement.period}</td>
              <td>{statement.payerName}</td>
              <td>{formatCalendarDate(statement.issuedOn)}</td>
              <td>{formatCalendarDate(statement.dueOn)}</td>
              <td className="numeric">{formatEuros(statement.netCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Statements({ loaderData, actionData }: Route.ComponentProps) {
  if (loaderData.view === "payer") {
    return (
      <div className="page">
        <title>Appels de fonds — Coopérative de services</title>
        <h1>Appels de fonds de votre organisation</h1>
        <p>Chaque appel de fonds détaille ses lignes et explique comment chaque montant a été calculé.</p>
        <PayerStatements statements={loaderData.statements} />
      </div>
    );
  }
  const data = loaderData;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const error = actionData && "error" in actionData ? actionData.error : null;
  const query = `annee=${data.year}${data.half ? `&semestre=${data.half}` : ""}`;
  const issued = data.status === "issued";
  return (
    <div className="page">
      <title>Appels de fonds — Coopérative de services</title>
      <h1>Appels de fonds</h1>
      <Form method="get" className="inline-form" aria-label="Choix de la période">
        <label htmlFor="annee">Année</label>{" "}
        <input id="annee" name="annee" type="number" min={2000} max={2100} defaultValue={data.year} />{" "}
        <label htmlFor="semestre">Période</label>{" "}
        <select id="semestre" name="semestre" defaultValue={data.half ? String(data.half) : ""}>
          <option value="">Année (hors clés de répartition)</option>
          <option value="1">1er semestre (clés de répartition)</option>
          <option value="2">2d semestre (clés de répartition)</option>
        </select>{" "}
        <button type="submit">Afficher</button>{" "}
        <Link to={`/appels-de-fonds/couts-reels?annee=${data.year}`}>Coûts réels des clés de répartition</Link>
      </Form>
      {data.periodError ? (
        <p className="form-error" role="alert">
          {data.periodError}
        </p>
      ) : null}
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}

      <section aria-labelledby="periode">
        <h2 id="periode">
          {data.label} — {issued ? `émis le ${data.issuedOn}` : "non émis (brouillon)"}
        </h2>
        {data.problems.length > 0 ? (
          <div className="form-error" role="alert">
            <p>{issued ? "Le nouveau calcul échoue :" : "Émission impossible pour l'instant :"}</p>
            <ul>
              {data.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {data.notes.length > 0 ? (
          <ul className="muted">
            {data.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        ) : null}
        {!issued && data.problems.length === 0 && data.payerCount > 0 && !done ? (
          data.confirming === "emettre" ? (
            <Form method="post" className="panel">
              <p>
                Émettre {data.payerCount} appel(s) de fonds pour « {data.label} », {formatEuros(data.totals.netCents)}{" "}
                au total ? Ils seront numérotés, envoyés aux référents des membres et ne pourront plus être modifiés ;
                les tarifications utilisées seront figées.
              </p>
              <input type="hidden" name="intent" value="issue" />
              <input type="hidden" name="annee" value={data.year} />
              <input type="hidden" name="semestre" value={data.half ?? ""} />
              <input type="hidden" name="empreinte" value={data.fingerprint ?? ""} />
              <button type="submit">Confirmer l'émission</button> <Link to={`?${query}`}>Annuler</Link>
            </Form>
          ) : (
            <p>
              <Link className="button-link" to={`?${query}&confirmer=emettre`}>
                Émettre les appels de fonds
              </Link>
            </p>
          )
        ) : null}
        {issued && !done ? (
          data.confirming === "rectifier" ? (
            <Form method="post" className="panel">
              <p>
                Recalculer « {data.label} » et émettre un appel de fonds rectificatif pour chaque membre dont le montant
                a changé ? Les appels de fonds émis restent tels quels ; chaque rectificatif ne porte que la différence.
              </p>
              <input type="hidden" name="intent" value="rectify" />
              <input type="hidden" name="annee" value={data.year} />
              <input type="hidden" name="semestre" value={data.half ?? ""} />
              <input type="hidden" name="empreinte" value={data.fingerprint ?? ""} />
              <button type="submit">Confirmer la rectification</button> <Link to={`?${query}`}>Annuler</Link>
            </Form>
          ) : (
            <p>
              <Link className="button-link" to={`?${query}&confirmer=rectifier`}>
                Rectifier
              </Link>{" "}
              <span className="muted">Le tableau ci-dessous est le calcul d'aujourd'hui.</span>
            </p>
          )
        ) : null}

        {data.payerCount === 0 ? (
          <div className="empty-state">
            <p>Aucune quote-part à appeler pour cette période.</p>
          </div>
        ) : (
          <StatementPreviewTable
            rows={data.payers}
            total={data.payerCount}
            page={data.table.page}
            pageCount={data.table.pageCount}
            totalNetCents={data.totals.netCents}
            period={{ year: data.year, half: data.half }}
            query={data.table.query}
          />
        )}
        {data.operatorRows.length > 0 ? (
          <>
            <h3>Part de l'opérateur (clés de répartition, jamais appelée)</h3>
            <ul>
              {data.operatorRows.map((row) => (
                <li key={row.key}>
                  {row.offer} — {row.label} : {formatEuros(row.netCents)}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="emis">
        <h2 id="emis">Appels de fonds émis en {data.year}</h2>
        <PayerStatements statements={data.statements} />
        {data.statements.length > 0 ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="export" />
            <input type="hidden" name="annee" value={data.year} />
            <span>
              Pour le service des finances, les {data.statements.length} appel(s) de fonds de {data.year} dans un
              fichier, une ligne par ligne d'appel :
            </span>{" "}
            <button type="submit" name="format" value="csv">
              Exporter en CSV
            </button>{" "}
            <button type="submit" name="format" value="xlsx">
              Exporter en XLSX (Excel)
            </button>
          </Form>
        ) : null}
        {data.exports.length > 0 ? (
          <>
            <h3>Vos exports de {data.year}</h3>
            <ul>
              {data.exports.map((job) => (
                <li key={job.id}>
                  <Link to={`/appels-de-fonds/exports/${job.id}`}>
                    {`${EXPORT_FORMAT_LABELS[job.format]} — ${EXPORT_STATUS_LABELS[job.status]}`}
                  </Link>{" "}
                  {`(${job.done} / ${job.total})`}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      {data.runs.length > 0 ? (
        <section aria-labelledby="periodes">
          <h2 id="periodes">Périodes émises</h2>
          <ul>
            {data.runs.map((run) => (
              <li key={run.id}>
                <Link to={`?annee=${run.year}${run.half ? `&semestre=${run.half}` : ""}`}>{run.label}</Link> — émis le{" "}
                {run.issuedOn}, {formatEuros(run.netCents)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
