import { formatEuros } from "../app/domain/allocation/format-fr.ts";
import { isValidSiren } from "../app/domain/siren.ts";
import { statementsCsv } from "../app/domain/statement-exports/csv.ts";
import { statementsXlsx } from "../app/domain/statement-exports/xlsx.ts";
import type { Env } from "../app/env.server.ts";
import {
  issueRun,
  listStatements,
  StatementError,
  statementDocumentsOfYear,
} from "../app/queries/statements.server.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { type Database, openDatabase } from "../db/engine.ts";
import { databaseLocation } from "./with-database.ts";

export const STATEMENTS_USAGE = `Usage : npm run cli -- statements issue|list|export --epci <SIREN> --year <AAAA> [--half 1|2] [--format csv|xlsx]

statements issue    Émet les appels de fonds de l'année (ou, avec --half, du semestre des clés
                    de répartition) : numérotés sans trou, tarifications figées, référents
                    prévenus. Tout ou rien : en cas de refus, rien n'est écrit.
statements list     Liste les appels de fonds émis de l'année.
statements export   Écrit sur la sortie standard tous les appels de fonds de l'année, une ligne
                    par ligne d'appel : --format csv (Excel français, par défaut) ou xlsx.

Codes de sortie : 0 réussi, 1 refusé, 2 arguments invalides.`;

const ACTIONS = ["issue", "list", "export"] as const;
type Action = (typeof ACTIONS)[number];

/** What the command writes and its exit code. */
export interface CommandOutcome {
  code: number;
  stdout?: string | Uint8Array;
  stderr?: string;
}

class Refusal extends Error {}

export interface StatementsOptions {
  epci?: string;
  year?: string;
  half?: string;
  format?: string;
}

function usage(message: string): CommandOutcome {
  return { code: 2, stderr: `${message}\n\n${STATEMENTS_USAGE}\n` };
}

/** `statements issue|list|export`: arguments checked first (exit 2), then one transaction as the owner. */
export async function statementsCommand(
  env: Env,
  positionals: string[],
  options: StatementsOptions,
): Promise<CommandOutcome> {
  const action = positionals[0] as Action | undefined;
  if (positionals.length !== 1 || !action || !ACTIONS.includes(action)) {
    return usage(
      positionals.length === 0
        ? "Indiquez une action : statements issue, list ou export."
        : `Action inconnue : statements ${positionals.join(" ")}.`,
    );
  }
  const siren = (options.epci ?? "").replace(/\s/g, "");
  if (!options.epci) return usage("Indiquez --epci <SIREN>.");
  if (!isValidSiren(siren))
    return usage(`--epci : « ${options.epci} » n'est pas un SIREN valide (9 chiffres, clé juste).`);
  if (!options.year) return usage("Indiquez --year <AAAA>.");
  const year = Number(options.year);
  if (!/^\d{4}$/.test(options.year) || year < 2000 || year > 2100) {
    return usage(`--year : « ${options.year} » n'est pas une année entre 2000 et 2100.`);
  }
  if (options.half !== undefined && options.half !== "1" && options.half !== "2") {
    return usage(`--half : « ${options.half} » (1 ou 2, le semestre des clés de répartition).`);
  }
  const half = options.half === undefined ? null : (Number(options.half) as 1 | 2);
  const format = options.format ?? "csv";
  if (action === "export" && format !== "csv" && format !== "xlsx") {
    return usage(`--format : « ${options.format} » (csv ou xlsx).`);
  }

  let database: Database | undefined;
  try {
    database = await openDatabase(databaseLocation(env));
    const owner = database.owner;
    return await owner.transaction().execute(async (trx) => {
      const cooperative = await trx
        .selectFrom("cooperatives")
        .select(["id", "display_name"])
        .where("siren", "=", siren)
        .executeTakeFirst();
      if (!cooperative) throw new Refusal(`Aucune coopérative de SIREN ${siren} dans la base.`);
      if (action === "issue") {
        const result = await issueRun(trx, {
          cooperativeId: cooperative.id,
          year,
          half,
          actorUserId: null,
          publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
        });
        const first = result.statements[0]?.number;
        const last = result.statements.at(-1)?.number;
        return {
          code: 0,
          stdout:
            `${cooperative.display_name} : ${result.statements.length} appel(s) de fonds émis (n° ${first} à ${last}), ` +
            `${result.frozenPricings} tarification(s) figée(s).\n`,
        };
      }
      if (action === "list") {
        const statements = await listStatements(trx, { cooperativeId: cooperative.id, year });
        if (statements.length === 0) {
          return { code: 0, stdout: `${cooperative.display_name} : aucun appel de fonds émis en ${year}.\n` };
        }
        const lines = statements.map(
          (statement) =>
            `${statement.number}  ${statement.payerSiren}  ${statement.payerName.padEnd(36).slice(0, 36)} ` +
            `${formatEuros(statement.netCents).padStart(16)}  ${statement.kind === "rectifying" ? `rectificatif du n° ${statement.correctsNumber}` : statement.period}`,
        );
        return { code: 0, stdout: `${lines.join("\n")}\n` };
      }
      const documents = await statementDocumentsOfYear(trx, cooperative.id, year);
      if (documents.length === 0) throw new Refusal(`Aucun appel de fonds émis en ${year} : rien à exporter.`);
      return { code: 0, stdout: format === "xlsx" ? await statementsXlsx(documents) : statementsCsv(documents) };
    });
  } catch (error) {
    if (error instanceof Refusal || error instanceof StatementError) return { code: 1, stderr: `${error.message}\n` };
    if (error instanceof DataDirLockedError) {
      return {
        code: 1,
        stderr:
          `La base embarquée (${error.dataDir}) est ouverte par le processus ${error.pid}, sans doute le portail : ` +
          "arrêtez-le puis relancez la commande, ou utilisez un serveur PostgreSQL (DATABASE_URL).\n",
      };
    }
    return { code: 1, stderr: `Échec inattendu : ${error instanceof Error ? error.message : String(error)}\n` };
  } finally {
    await database?.close();
  }
}
