import { parseArgs } from "node:util";
import { sql } from "kysely";
import { AllocationError } from "../app/domain/allocation/errors.ts";
import { formatEuros } from "../app/domain/allocation/format-fr.ts";
import { computeSharesReport, type SharesReport, sharesReportCsv } from "../app/domain/shares-report.ts";
import { isValidSiren } from "../app/domain/siren.ts";
import { loadEnvOrExit } from "../app/env.server.ts";
import { loadPricingsInYear, PriceBookError } from "../app/queries/price-book.server.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { type Database, openDatabase } from "../db/engine.ts";
import { STATEMENTS_USAGE, statementsCommand } from "./statements-command.ts";
import { databaseLocation } from "./with-database.ts";

const USAGE = `Usage : npm run cli -- shares --epci <SIREN> --year <AAAA> [--offer <id>] [--format text|csv|json]

shares   Affiche les quotes-parts calculées (pas encore émises) des membres d'une
         coopérative pour une année : une ligne par membre et par offre (et option),
         avec le brut, la subvention, le net et une courte explication.
         --epci    SIREN de l'EPCI opérateur de la coopérative (ex. 243400017)
         --year    année des tarifications (ex. 2026)
         --offer   identifiant d'une offre, pour elle seule
         --format  text (par défaut, lisible), csv (Excel français : « ; », virgule
                   décimale, UTF-8 avec BOM) ou json (montants en centimes)

Outil d'administration : il lit la base en tant que propriétaire (hors sécurité
par ligne des requêtes), dans une transaction en lecture seule, et n'écrit rien.
Avec la base embarquée (PGlite), arrêtez d'abord le portail (npm start) : un seul
processus à la fois peut l'ouvrir. Codes de sortie : 0 réussi, 1 refusé
(coopérative, tarification ou population manquante...), 2 arguments invalides.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Format = "text" | "csv" | "json";

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** A refusal to report as is: its message names what is missing. */
class Refusal extends Error {}

const env = loadEnvOrExit();
let parsed: ReturnType<typeof parseOptions>;
function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    options: {
      epci: { type: "string" },
      year: { type: "string" },
      offer: { type: "string" },
      half: { type: "string" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
try {
  parsed = parseOptions();
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(`${USAGE}\n\n${STATEMENTS_USAGE}`);
  process.exit(0);
}
if (positionals[0] === "statements") {
  const outcome = await statementsCommand(env, positionals.slice(1), values);
  if (outcome.stderr) process.stderr.write(outcome.stderr);
  // Exit once stdout is flushed (a pipe may take an XLSX in several writes); PGlite is closed already.
  await new Promise<void>((resolve) => process.stdout.write(outcome.stdout ?? "", () => resolve()));
  process.exit(outcome.code);
}
if (positionals.length !== 1 || positionals[0] !== "shares") {
  usageError(
    positionals.length === 0
      ? "Indiquez une commande (shares ou statements)."
      : `Commande inconnue : ${positionals.join(" ")}.`,
  );
}
const siren = (values.epci ?? "").replace(/\s/g, "");
if (!values.epci) usageError("Indiquez --epci <SIREN>.");
if (!isValidSiren(siren)) usageError(`--epci : « ${values.epci} » n'est pas un SIREN valide (9 chiffres, clé juste).`);
if (!values.year) usageError("Indiquez --year <AAAA>.");
const year = Number(values.year);
if (!/^\d{4}$/.test(values.year) || year < 2000 || year > 2100) {
  usageError(`--year : « ${values.year} » n'est pas une année entre 2000 et 2100.`);
}
const offerId = values.offer;
if (offerId !== undefined && !UUID.test(offerId))
  usageError(`--offer : « ${offerId} » n'est pas un identifiant d'offre.`);
const format = (values.format ?? "text") as Format;
if (!["text", "csv", "json"].includes(format)) usageError(`--format : « ${values.format} » (text, csv ou json).`);

interface Output {
  cooperative: { siren: string; name: string };
  report: SharesReport;
}

async function compute(database: Database): Promise<Output> {
  return database.owner.transaction().execute(async (trx) => {
    await sql`SET TRANSACTION READ ONLY`.execute(trx);
    const { rows } = await sql<{ ready: boolean }>`SELECT to_regclass('public.pricings') IS NOT NULL AS ready`.execute(
      trx,
    );
    if (!rows[0]?.ready) {
      throw new Refusal(
        "La base n'a pas encore les tables des tarifications : appliquez les migrations (npm run migrate).",
      );
    }
    const cooperative = await trx
      .selectFrom("cooperatives as c")
      .leftJoin("organisations as operator", (join) =>
        join.onRef("operator.cooperative_id", "=", "c.id").on("operator.is_operator", "=", true),
      )
      .select(["c.id", "c.siren", "c.display_name", "operator.name as operatorName"])
      .where("c.siren", "=", siren)
      .executeTakeFirst();
    if (!cooperative) {
      throw new Refusal(
        `Aucune coopérative de SIREN ${siren} dans la base (importez-la : npm run territory:import -- --epci ${siren}).`,
      );
    }
    const name = `${cooperative.display_name} (${cooperative.siren})`;
    let offerTitle: string | undefined;
    if (offerId !== undefined) {
      const offer = await trx
        .selectFrom("offers")
        .select("title")
        .where("id", "=", offerId)
        .where("cooperative_id", "=", cooperative.id)
        .executeTakeFirst();
      if (!offer) throw new Refusal(`Aucune offre d'identifiant ${offerId} dans la coopérative ${name}.`);
      offerTitle = offer.title;
    }
    const pricings = await loadPricingsInYear(trx, { cooperativeId: cooperative.id, year, offerId });
    if (pricings.length === 0) {
      throw new Refusal(
        offerTitle === undefined
          ? `Aucune tarification en ${year} pour ${name} : rien à calculer.`
          : `Aucune tarification en ${year} pour l'offre « ${offerTitle} » de ${name}.`,
      );
    }
    const report = computeSharesReport(pricings, year, { operator: cooperative.operatorName ?? undefined });
    return { cooperative: { siren: cooperative.siren, name: cooperative.display_name }, report };
  });
}

function text({ cooperative, report }: Output): string {
  const lines = [
    `${cooperative.name} (${cooperative.siren}) : quotes-parts calculées pour ${report.year}, non émises.`,
  ];
  let offer = "";
  for (const row of report.rows) {
    if (row.offerId !== offer) {
      offer = row.offerId;
      lines.push("", row.offerTitle);
    }
    const amounts = [row.grossCents, row.subsidyCents, row.netCents].map((cents) => formatEuros(cents).padStart(14));
    lines.push(
      `  ${row.siren}  ${row.name.padEnd(36).slice(0, 36)} ${row.itemLabel.padEnd(22).slice(0, 22)} brut ${amounts[0]}  subvention ${amounts[1]}  net ${amounts[2]}${row.invoiced ? "" : "  (non facturé)"}`,
      `             ${row.explanation}`,
    );
  }
  const { totals } = report;
  lines.push(
    "",
    `Total : brut ${formatEuros(totals.grossCents)}, subventions ${formatEuros(totals.subsidyCents)}, net facturé ${formatEuros(totals.netCents)} (${report.rows.length} ligne${report.rows.length > 1 ? "s" : ""}).`,
  );
  return `${lines.join("\n")}\n`;
}

function json({ cooperative, report }: Output): string {
  return `${JSON.stringify(
    {
      cooperative,
      year: report.year,
      issued: false,
      amountsIn: "cents",
      lines: report.rows,
      totals: report.totals,
      notes: report.notes,
    },
    null,
    2,
  )}\n`;
}

let database: Database | undefined;
let failure: string | undefined;
let output: Output | undefined;
try {
  database = await openDatabase(databaseLocation(env));
  output = await compute(database);
} catch (error) {
  if (error instanceof DataDirLockedError) {
    failure =
      `La base embarquée (${error.dataDir}) est ouverte par le processus ${error.pid}, sans doute le portail lancé par npm start : ` +
      "PGlite n'admet qu'un processus à la fois. Arrêtez-le puis relancez la commande, ou utilisez un serveur PostgreSQL (DATABASE_URL).";
  } else if (error instanceof Refusal || error instanceof AllocationError || error instanceof PriceBookError) {
    failure = error.message;
  } else {
    failure = `Échec inattendu : ${error instanceof Error ? error.message : String(error)}`;
    if (process.env.DEBUG) console.error(error);
  }
} finally {
  await database?.close();
}
if (output) {
  process.stdout.write(
    format === "csv" ? sharesReportCsv(output.report) : format === "json" ? json(output) : text(output),
  );
  for (const note of output.report.notes) console.error(`Remarque : ${note}`);
}
// Set after closing: PGlite's shutdown resets process.exitCode.
if (failure !== undefined) {
  console.error(failure);
  process.exitCode = 1;
}
