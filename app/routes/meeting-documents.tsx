import { data, Form, Link } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { formatFileSize, NETWORK_FILE_ACCEPT } from "~/domain/network-files";
import { formatParisDay } from "~/domain/paris-time";
import { meetingHeading, refusalData } from "~/meeting-pages.server";
import { findMeetingSummary } from "~/queries/attendance.server";
import { addMeetingDocument, listMeetingDocuments } from "~/queries/meeting-documents.server";
import type { Route } from "./+types/meeting-documents";

/** A meeting's documents: read by the whole cooperative, added by the network's managers. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  requirePermission(context, request, "networks.read");
  return context.get(requestScopeContext).transaction(async (trx) => {
    const meeting = await findMeetingSummary(trx, params.id);
    if (!meeting) throw data({ message: "Réunion introuvable." }, { status: 404 });
    const documents = await listMeetingDocuments(trx, meeting.id);
    return {
      meeting: meetingHeading(meeting),
      manages: meeting.manages,
      documents: documents.map((document) => ({
        id: document.id,
        filename: document.filename,
        size: formatFileSize(document.sizeBytes),
        addedOn: formatParisDay(document.createdAt),
      })),
    };
  });
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const form = await request.formData();
  const upload = form.get("file");
  const file =
    upload instanceof File && upload.size > 0
      ? { name: upload.name, bytes: new Uint8Array(await upload.arrayBuffer()) }
      : null;
  try {
    const added = await context
      .get(requestScopeContext)
      .transaction((trx) => addMeetingDocument(trx, { meetingId: params.id, actorUserId: who.userId as string, file }));
    return { done: `Document « ${added.filename} » ajouté.` };
  } catch (error) {
    return refusalData(error, {});
  }
}

export default function MeetingDocuments({ loaderData, actionData }: Route.ComponentProps) {
  const { meeting, manages, documents } = loaderData;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const error = actionData && "error" in actionData ? actionData.error : null;
  return (
    <div className="page page--narrow">
      <title>{`Documents — ${meeting.title}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/reseaux/${meeting.networkId}`}>{meeting.networkName}</Link> <span aria-hidden="true">›</span>{" "}
        <Link to={`/reunions/${meeting.id}`}>{meeting.title}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Documents</span>
      </nav>
      <h1>Documents — {meeting.title}</h1>
      <p className="muted">{meeting.when}</p>
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}
      {documents.length === 0 ? (
        <div className="empty-state">
          <p>Aucun document pour cette réunion.</p>
        </div>
      ) : (
        <ul>
          {documents.map((document) => (
            <li key={document.id}>
              <a href={`/reseaux/fichiers/${document.id}`} download>
                {document.filename}
              </a>{" "}
              ({document.size}, ajouté le {document.addedOn})
            </li>
          ))}
        </ul>
      )}
      {manages ? (
        <Form method="post" encType="multipart/form-data" className="panel">
          <h2>Ajouter un document</h2>
          <label htmlFor="file">Fichier (PDF, ODT ou DOCX, 5 Mo au plus)</label>
          <input
            id="file"
            name="file"
            type="file"
            accept={NETWORK_FILE_ACCEPT}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "file-erreur" : undefined}
          />
          {error ? (
            <p id="file-erreur" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit">Ajouter</button>
        </Form>
      ) : null}
    </div>
  );
}
