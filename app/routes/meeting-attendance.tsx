import { data, Form, Link } from "react-router";
import { z } from "zod";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { meetingHeading, refusalData } from "~/meeting-pages.server";
import {
  findMeetingSummary,
  hasTakenPlace,
  listAttendance,
  listOrganisationChoices,
  listSheetInvitees,
  MeetingRefusal,
  recordAttendance,
  requireManagedMeeting,
} from "~/queries/attendance.server";
import type { Route } from "./+types/meeting-attendance";

/** Blank lines at the foot of the printed sheet, for those who come without an invitation. */
const BLANK_SHEET_ROWS = 6;
/** Empty walk-in lines in the form, beyond those already recorded. */
const BLANK_WALK_INS = 3;

const attendanceSchema = z.object({
  present: z.array(z.string()).max(2000),
  walkIns: z
    .array(
      z.object({
        name: z.string().trim().max(200, { error: "Un nom fait 200 caractères au plus." }),
        organisationId: z.string().transform((value) => value || null),
      }),
    )
    .max(200)
    .transform((rows) => rows.filter((row) => row.name !== "" || row.organisationId !== null))
    .refine((rows) => rows.every((row) => row.name !== ""), {
      error: "Indiquez le nom de chaque personne venue sans invitation.",
    }),
});

/**
 * A meeting's sign-in sheet (feuille d'émargement), printable on A4, and for the network's managers the form to
 * record who came; the rest of the cooperative sees who was present.
 */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  return context.get(requestScopeContext).transaction(async (trx) => {
    const meeting = await findMeetingSummary(trx, params.id);
    if (!meeting) throw data({ message: "Réunion introuvable." }, { status: 404 });
    const [attendance, invitees, organisations] = await Promise.all([
      listAttendance(trx, meeting.id),
      meeting.manages ? listSheetInvitees(trx, meeting.id) : [],
      meeting.manages ? listOrganisationChoices(trx, who.cooperativeId as string) : [],
    ]);
    return {
      meeting: meetingHeading(meeting),
      manages: meeting.manages,
      mayRecord: meeting.manages && hasTakenPlace(meeting, new Date()),
      attendance,
      invitees,
      organisations,
    };
  });
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const form = await request.formData();
  const strings = (name: string) => form.getAll(name).map((value) => (typeof value === "string" ? value : ""));
  const organisations = strings("walkInOrganisation");
  const parsed = attendanceSchema.safeParse({
    present: strings("present"),
    walkIns: strings("walkInName").map((name, index) => ({ name, organisationId: organisations[index] ?? "" })),
  });
  const values = {
    present: strings("present"),
    walkInNames: strings("walkInName"),
    walkInOrganisations: organisations,
  };
  try {
    const recorded = await context.get(requestScopeContext).transaction(async (trx) => {
      if (!parsed.success) {
        // Who may record it first: only then what is wrong with the form.
        await requireManagedMeeting(trx, params.id, new Date());
        throw new MeetingRefusal(parsed.error.issues[0]?.message ?? "Formulaire invalide.");
      }
      return recordAttendance(trx, {
        meetingId: params.id,
        cooperativeId: who.cooperativeId as string,
        actorUserId: who.userId as string,
        inviteeIds: parsed.data.present,
        walkIns: parsed.data.walkIns,
        ipAddress: clientMeta(context, request).ipAddress,
      });
    });
    return {
      done: `${recorded.present} présent${recorded.present > 1 ? "s" : ""} enregistré${recorded.present > 1 ? "s" : ""} (${recorded.organisations} organisation${recorded.organisations > 1 ? "s" : ""})${recorded.markedHeld ? " ; la réunion est marquée comme tenue" : ""}.`,
    };
  } catch (error) {
    return refusalData(error, { values });
  }
}

export default function MeetingAttendance({ loaderData, actionData }: Route.ComponentProps) {
  const { meeting, manages, mayRecord, attendance, invitees, organisations } = loaderData;
  const failed = actionData && "error" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const presentInvitees = new Set(
    failed ? failed.values.present : attendance.map((row) => row.inviteeId).filter(Boolean),
  );
  const recordedWalkIns = attendance.filter((row) => row.inviteeId === null);
  const walkIns = failed
    ? failed.values.walkInNames.map((name, index) => ({
        name,
        organisationId: failed.values.walkInOrganisations[index] ?? "",
      }))
    : recordedWalkIns.map((row) => ({ name: row.personName, organisationId: row.organisationId ?? "" }));
  const walkInRows = [...walkIns, ...Array.from({ length: BLANK_WALK_INS }, () => ({ name: "", organisationId: "" }))];
  return (
    <div className="page">
      <title>{`Feuille d'émargement — ${meeting.title}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb no-print">
        <Link to={`/reseaux/${meeting.networkId}`}>{meeting.networkName}</Link> <span aria-hidden="true">›</span>{" "}
        <Link to={`/reunions/${meeting.id}`}>{meeting.title}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Émargement</span>
      </nav>

      {manages ? (
        <section className="signin-sheet" aria-labelledby="feuille">
          <p className="signin-sheet__network">{meeting.networkName}</p>
          <h1 id="feuille">Feuille d'émargement</h1>
          <p className="signin-sheet__meeting">
            <strong>{meeting.title}</strong>
            <br />
            {meeting.when}
            {meeting.place ? (
              <>
                <br />
                {meeting.place}
              </>
            ) : null}
            {meeting.visioUrl ? (
              <>
                <br />
                Visioconférence : {meeting.visioUrl}
              </>
            ) : null}
          </p>
          <table className="signin-table">
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Organisation</th>
                <th scope="col" className="signin-table__signature">
                  Signature
                </th>
              </tr>
            </thead>
            <tbody>
              {invitees.map((invitee) => (
                <tr key={invitee.id}>
                  <td>{invitee.name}</td>
                  <td>{invitee.organisationName ?? "—"}</td>
                  <td />
                </tr>
              ))}
              {Array.from({ length: BLANK_SHEET_ROWS }, (_, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: blank lines, all alike
                <tr key={`blank-${index}`}>
                  <td />
                  <td />
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted no-print">
            {invitees.length} invité{invitees.length > 1 ? "s" : ""} n'ayant pas décliné, et quelques lignes pour les
            personnes venues sans invitation.{" "}
            <button type="button" onClick={() => window.print()}>
              Imprimer la feuille
            </button>
          </p>
        </section>
      ) : (
        <h1>Présents — {meeting.title}</h1>
      )}

      {manages ? (
        <section aria-labelledby="presents" className="no-print">
          <h2 id="presents">Noter les présents</h2>
          {done ? (
            <p className="form-success" role="status">
              {done}
            </p>
          ) : null}
          {failed ? (
            <p className="form-error" role="alert">
              {failed.error}
            </p>
          ) : null}
          {mayRecord ? (
            <Form method="post" className="panel">
              <fieldset>
                <legend>Invités présents</legend>
                {invitees.length === 0 ? <p className="muted">Aucun invité.</p> : null}
                {invitees.map((invitee) => (
                  <label key={invitee.id} className="checkbox">
                    <input
                      type="checkbox"
                      name="present"
                      value={invitee.id}
                      defaultChecked={presentInvitees.has(invitee.id)}
                    />{" "}
                    {invitee.name}
                    {invitee.organisationName ? ` (${invitee.organisationName})` : ""}
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>Personnes venues sans invitation</legend>
                {walkInRows.map((walkIn, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the lines have no identity of their own
                  <p key={index} className="walk-in">
                    <label htmlFor={`walkInName-${index}`}>Nom</label>{" "}
                    <input
                      id={`walkInName-${index}`}
                      name="walkInName"
                      maxLength={200}
                      autoComplete="off"
                      defaultValue={walkIn.name}
                    />{" "}
                    <label htmlFor={`walkInOrganisation-${index}`}>Organisation</label>{" "}
                    <select
                      id={`walkInOrganisation-${index}`}
                      name="walkInOrganisation"
                      defaultValue={walkIn.organisationId}
                    >
                      <option value="">— aucune (hors coopérative) —</option>
                      {organisations.map((organisation) => (
                        <option key={organisation.id} value={organisation.id}>
                          {organisation.name}
                        </option>
                      ))}
                    </select>
                  </p>
                ))}
              </fieldset>
              <button type="submit">Enregistrer les présents</button>
              <p className="muted">L'enregistrement remplace la liste précédente de cette réunion.</p>
            </Form>
          ) : (
            <p className="muted">
              {meeting.status === "cancelled"
                ? "Cette réunion a été annulée."
                : "Les présents se notent à partir du début de la réunion."}
            </p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="liste" className={manages ? "no-print" : undefined}>
        <h2 id="liste">
          {attendance.length === 0
            ? "Aucun présent enregistré"
            : `${attendance.length} présent${attendance.length > 1 ? "s" : ""} enregistré${attendance.length > 1 ? "s" : ""}`}
        </h2>
        {attendance.length > 0 ? (
          <ul>
            {attendance.map((row) => (
              <li key={row.id}>
                {row.personName}
                {row.organisationName ? ` — ${row.organisationName}` : ""}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
