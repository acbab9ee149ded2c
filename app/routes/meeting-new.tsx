import { data, Form, Link, redirect } from "react-router";
import { formValues } from "~/auth/form-data";
import { requirePermission } from "~/auth/guards.server";
import { MeetingFields } from "~/components/meeting-fields";
import { requestScopeContext, servicesContext } from "~/context.server";
import { FORM_HAS_ERRORS, meetingFormStep, NEW_MEETING_VALUES } from "~/domain/meeting-form";
import { createMeetings, MeetingError } from "~/queries/meetings.server";
import { networkAccess } from "~/queries/network-access.server";
import type { Route } from "./+types/meeting-new";

/** The network, if the signed-in user manages it: 404 when out of sight, 403 when only a member. */
async function managedNetwork(context: Route.LoaderArgs["context"], request: Request, networkId: string) {
  requirePermission(context, request, "networks.read");
  const network = await context.get(requestScopeContext).transaction((trx) => networkAccess(trx, networkId));
  if (!network) throw data({ message: "Réseau introuvable." }, { status: 404 });
  if (!network.manages) {
    throw data({ message: "Seuls les animateurs du réseau organisent ses réunions." }, { status: 403 });
  }
  return network;
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const network = await managedNetwork(context, request, params.id);
  return { network: { id: network.id, name: network.name } };
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const authentication = requirePermission(context, request, "networks.read");
  const network = await managedNetwork(context, request, params.id);
  const values = formValues(await request.formData());
  const intent = values.intent ?? "schedule";
  const step = meetingFormStep(values, { now: new Date(), series: true });
  if (step.kind === "rows") return { values: step.values, errors: {}, error: null };
  if (step.kind === "invalid") return data({ values, errors: step.errors, error: FORM_HAS_ERRORS }, { status: 400 });
  const parsed = step;
  const { publicUrl } = context.get(servicesContext);
  try {
    const created = await context.get(requestScopeContext).transaction((trx) =>
      createMeetings(trx, {
        ...parsed.data,
        networkId: network.id,
        cooperativeId: network.cooperativeId,
        actorUserId: authentication.context.userId,
        status: intent === "draft" ? "draft" : "scheduled",
        publicUrl,
      }),
    );
    const [first] = created.ids;
    const notice = intent === "draft" ? "brouillon" : "programmee";
    return redirect(`/reunions/${first}?${notice}=${created.ids.length}`);
  } catch (error) {
    if (error instanceof MeetingError) return data({ values, errors: {}, error: error.message }, { status: 400 });
    throw error;
  }
}

export default function NewMeeting({ loaderData, actionData }: Route.ComponentProps) {
  const { network } = loaderData;
  return (
    <div className="page page--narrow">
      <title>{`Nouvelle réunion — ${network.name}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/reseaux/${network.id}`}>{network.name}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Nouvelle réunion</span>
      </nav>
      <h1>Nouvelle réunion</h1>
      <p className="muted">
        Programmée, la réunion est envoyée aux contacts du réseau de chaque membre et à ses animateurs, avec son fichier
        d'agenda (.ics). En brouillon, seuls les animateurs la voient.
      </p>
      <Form method="post" className="panel stacked-form" noValidate>
        {/* Enter in a field programs the meeting (the first submit button is the form's default). */}
        <button type="submit" name="intent" value="schedule" className="visually-hidden" tabIndex={-1} aria-hidden>
          Programmer
        </button>
        {actionData?.error ? (
          <p className="form-error" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <MeetingFields values={actionData?.values ?? NEW_MEETING_VALUES} errors={actionData?.errors ?? {}} series />
        <div className="inline-actions">
          <button type="submit" name="intent" value="schedule">
            Programmer et inviter
          </button>
          <button type="submit" name="intent" value="draft" className="button--secondary">
            Enregistrer en brouillon
          </button>
          <Link to={`/reseaux/${network.id}`}>Annuler</Link>
        </div>
      </Form>
    </div>
  );
}
