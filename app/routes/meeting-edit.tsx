import { data, Form, Link, redirect } from "react-router";
import { formValues } from "~/auth/form-data";
import { requirePermission } from "~/auth/guards.server";
import { MeetingFields } from "~/components/meeting-fields";
import { requestScopeContext, servicesContext } from "~/context.server";
import { FORM_HAS_ERRORS, meetingFormStep, meetingFormValues } from "~/domain/meeting-form";
import { findMeeting, MeetingError, updateMeeting } from "~/queries/meetings.server";
import { meetingAccess } from "~/queries/network-access.server";
import type { Route } from "./+types/meeting-edit";

/** The meeting, if the signed-in user manages it (404 out of sight, 403 for a member) and it may still change. */
async function managedMeeting(context: Route.LoaderArgs["context"], request: Request, meetingId: string) {
  requirePermission(context, request, "networks.read");
  const meeting = await context.get(requestScopeContext).transaction(async (trx) => {
    const access = await meetingAccess(trx, meetingId);
    if (!access) return null;
    return { access, details: await findMeeting(trx, access.id) };
  });
  if (!meeting?.details) throw data({ message: "Réunion introuvable." }, { status: 404 });
  if (!meeting.access.manages) {
    throw data({ message: "Seuls les animateurs du réseau organisent ses réunions." }, { status: 403 });
  }
  return meeting.details;
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const meeting = await managedMeeting(context, request, params.id);
  return {
    meeting: { id: meeting.id, title: meeting.title, status: meeting.status, networkName: meeting.networkName },
    values: meetingFormValues(meeting),
    copied: new URL(request.url).searchParams.has("copiee"),
  };
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const meeting = await managedMeeting(context, request, params.id);
  const values = formValues(await request.formData());
  const step = meetingFormStep(values, { now: new Date(), series: false });
  if (step.kind === "rows") return { values: step.values, errors: {}, error: null };
  if (step.kind === "invalid") return data({ values, errors: step.errors, error: FORM_HAS_ERRORS }, { status: 400 });
  const parsed = step;
  const { occurrences, ...facts } = parsed.data;
  const [when] = occurrences;
  if (!when) return data({ values, errors: {}, error: "Indiquez la date de la réunion." }, { status: 400 });
  try {
    await context.get(requestScopeContext).transaction((trx) =>
      updateMeeting(trx, {
        ...facts,
        ...when,
        meetingId: meeting.id,
        publicUrl: context.get(servicesContext).publicUrl,
      }),
    );
  } catch (error) {
    if (error instanceof MeetingError) return data({ values, errors: {}, error: error.message }, { status: 400 });
    throw error;
  }
  return redirect(`/reunions/${meeting.id}?modifiee=1`);
}

export default function EditMeeting({ loaderData, actionData }: Route.ComponentProps) {
  const { meeting } = loaderData;
  return (
    <div className="page page--narrow">
      <title>{`Modifier — ${meeting.title}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/reunions/${meeting.id}`}>{meeting.title}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Modifier</span>
      </nav>
      <h1>Modifier la réunion</h1>
      {loaderData.copied ? (
        <p className="form-success" role="status">
          Copie créée en brouillon : vérifiez-la, puis programmez-la depuis sa page.
        </p>
      ) : null}
      {meeting.status === "scheduled" ? (
        <p className="muted">
          La réunion est programmée : un changement de titre, d'horaire, de lieu ou d'ordre du jour est envoyé aux
          invités, et leur agenda se met à jour.
        </p>
      ) : null}
      <Form method="post" className="panel stacked-form" noValidate>
        <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1} aria-hidden>
          Enregistrer
        </button>
        {actionData?.error ? (
          <p className="form-error" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <MeetingFields
          values={actionData?.values ?? loaderData.values}
          errors={actionData?.errors ?? {}}
          series={false}
        />
        <div className="inline-actions">
          <button type="submit" name="intent" value="save">
            Enregistrer
          </button>
          <Link to={`/reunions/${meeting.id}`}>Annuler</Link>
        </div>
      </Form>
    </div>
  );
}
