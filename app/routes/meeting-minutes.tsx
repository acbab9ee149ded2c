import { data, Form, Link } from "react-router";
import { z } from "zod";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatFileSize, NETWORK_FILE_ACCEPT } from "~/domain/network-files";
import { formatParisDay, formatParisTime } from "~/domain/paris-time";
import { meetingHeading, refusalData } from "~/meeting-pages.server";
import { findMeetingSummary, hasTakenPlace, MeetingRefusal, requireManagedMeeting } from "~/queries/attendance.server";
import { listMinutesVersions, publishMinutes, saveMinutesDraft } from "~/queries/minutes.server";
import type { Route } from "./+types/meeting-minutes";

const minutesSchema = z.object({
  intent: z.enum(["save", "publish"], { error: "Action inconnue." }),
  body: z.string().max(50_000, { error: "Le compte rendu fait 50 000 caractères au plus." }),
  decisions: z.string().max(20_000, { error: "Les décisions font 20 000 caractères au plus." }),
  keepFile: z.boolean(),
});

const publishedOn = (at: Date) => `${formatParisDay(at)} à ${formatParisTime(at)}`;

/**
 * A meeting's minutes: the published versions for the whole cooperative (the latest first, earlier ones kept and
 * labelled as replaced), and for the network's managers the draft to write, attach a file to and publish.
 */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  requirePermission(context, request, "networks.read");
  return context.get(requestScopeContext).transaction(async (trx) => {
    const meeting = await findMeetingSummary(trx, params.id);
    if (!meeting) throw data({ message: "Réunion introuvable." }, { status: 404 });
    const versions = await listMinutesVersions(trx, meeting.id);
    const draft = versions.find((version) => version.status === "draft") ?? null;
    const published = versions.filter((version) => version.status === "published");
    // A correction starts from the latest published text.
    const base = draft ?? published[0] ?? null;
    return {
      meeting: meetingHeading(meeting),
      published: published.map((version) => ({
        ...version,
        publishedOn: version.publishedAt ? publishedOn(version.publishedAt) : "",
      })),
      editor:
        meeting.manages && hasTakenPlace(meeting, new Date())
          ? {
              draftVersion: draft?.version ?? null,
              nextVersion: draft?.version ?? (published[0]?.version ?? 0) + 1,
              body: base?.body ?? "",
              decisions: base?.decisions ?? "",
              file: base?.file ?? null,
            }
          : null,
      manages: meeting.manages,
    };
  });
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.replace(/\r\n/g, "\n") : "";
  };
  const values = { body: text("body"), decisions: text("decisions") };
  const parsed = minutesSchema.safeParse({ ...values, intent: text("intent"), keepFile: form.get("keepFile") === "1" });
  const upload = form.get("file");
  const file =
    upload instanceof File && upload.size > 0
      ? { name: upload.name, bytes: new Uint8Array(await upload.arrayBuffer()) }
      : null;
  const actor = { meetingId: params.id, cooperativeId: who.cooperativeId as string, actorUserId: who.userId as string };
  try {
    return await context.get(requestScopeContext).transaction(async (trx) => {
      if (!parsed.success) {
        // Who may write first: only then what is wrong with the form.
        await requireManagedMeeting(trx, params.id, new Date());
        const issue = parsed.error.issues[0];
        throw new MeetingRefusal(issue?.message ?? "Formulaire invalide.", 400, String(issue?.path[0] ?? ""));
      }
      const { version } = await saveMinutesDraft(trx, { ...actor, ...values, file, keepFile: parsed.data.keepFile });
      if (parsed.data.intent === "save") return { done: `Brouillon de la version ${version} enregistré.` };
      const published = await publishMinutes(trx, {
        ...actor,
        publicUrl: context.get(servicesContext).publicUrl,
        ipAddress: clientMeta(context, request).ipAddress,
      });
      return {
        done: `Version ${published.version} publiée : ${published.notified} contact${published.notified > 1 ? "s" : ""} du réseau prévenu${published.notified > 1 ? "s" : ""}.`,
      };
    });
  } catch (error) {
    return refusalData(error, { values });
  }
}

function Paragraphs({ text }: { text: string }) {
  return text
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== "")
    .map((paragraph, index) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a text that never changes
      <p key={index} className="preserve-lines">
        {paragraph}
      </p>
    ));
}

export default function MeetingMinutes({ loaderData, actionData }: Route.ComponentProps) {
  const { meeting, published, editor, manages } = loaderData;
  const failed = actionData && "error" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const [latest, ...earlier] = published;
  return (
    <div className="page">
      <title>{`Compte rendu — ${meeting.title}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/reseaux/${meeting.networkId}`}>{meeting.networkName}</Link> <span aria-hidden="true">›</span>{" "}
        <Link to={`/reunions/${meeting.id}`}>{meeting.title}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Compte rendu</span>
      </nav>
      <h1>Compte rendu — {meeting.title}</h1>
      <p className="lead">
        {meeting.networkName} · {meeting.when}
      </p>
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}

      {latest ? (
        <article aria-labelledby="version-courante" className="minutes">
          <h2 id="version-courante">
            Version {latest.version}
            {earlier.length > 0 ? " (corrigée)" : ""}
          </h2>
          <p className="muted">
            Publiée le {latest.publishedOn}
            {latest.publishedBy ? ` par ${latest.publishedBy}` : ""}
          </p>
          <MinutesText version={latest} />
        </article>
      ) : (
        <p className="empty-state">Le compte rendu de cette réunion n'est pas encore publié.</p>
      )}

      {earlier.length > 0 ? (
        <section aria-labelledby="versions-precedentes">
          <h2 id="versions-precedentes">Versions précédentes</h2>
          {earlier.map((version) => (
            <details key={version.id}>
              <summary>
                Version {version.version}, publiée le {version.publishedOn} — remplacée par la version{" "}
                {version.version + 1}
              </summary>
              <MinutesText version={version} />
            </details>
          ))}
        </section>
      ) : null}

      {editor ? (
        <section aria-labelledby="redaction" className="no-print">
          <h2 id="redaction">
            {editor.draftVersion
              ? `Brouillon de la version ${editor.draftVersion}`
              : latest
                ? `Corriger : nouvelle version ${editor.nextVersion}`
                : "Rédiger le compte rendu"}
          </h2>
          {latest ? (
            <p className="muted">
              Une version publiée ne change plus : la correction devient la version {editor.nextVersion}, la version{" "}
              {latest.version} reste consultable.
            </p>
          ) : null}
          {failed ? (
            <p className="form-error" role="alert">
              {failed.error}
            </p>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="panel stacked-form">
            <label htmlFor="body">Compte rendu</label>
            <textarea
              id="body"
              name="body"
              rows={14}
              maxLength={50_000}
              defaultValue={failed ? failed.values.body : editor.body}
              aria-invalid={failed?.field === "body" ? true : undefined}
            />
            <label htmlFor="decisions">Décisions et suites à donner</label>
            <textarea
              id="decisions"
              name="decisions"
              rows={6}
              maxLength={20_000}
              defaultValue={failed ? failed.values.decisions : editor.decisions}
            />
            {editor.file ? (
              <label className="checkbox">
                <input type="checkbox" name="keepFile" value="1" defaultChecked /> Garder la pièce jointe{" "}
                {editor.file.filename} ({formatFileSize(editor.file.sizeBytes)})
              </label>
            ) : null}
            <label htmlFor="file">{editor.file ? "Remplacer la pièce jointe" : "Pièce jointe (facultative)"}</label>
            <p id="file-aide" className="muted field-hint">
              PDF, ODT ou DOCX, 5 Mo au plus.
            </p>
            <input
              id="file"
              name="file"
              type="file"
              accept={NETWORK_FILE_ACCEPT}
              aria-describedby="file-aide"
              aria-invalid={failed?.field === "file" ? true : undefined}
            />
            <div className="inline-actions">
              <button type="submit" name="intent" value="save">
                Enregistrer le brouillon
              </button>
              <button type="submit" name="intent" value="publish">
                Publier et envoyer au réseau
              </button>
            </div>
            <p className="muted">
              Publier envoie le compte rendu aux contacts de toutes les organisations membres du réseau, présentes ou
              non, et le rend lisible par toute la coopérative.
            </p>
          </Form>
        </section>
      ) : manages ? (
        <p className="muted no-print">Le compte rendu s'écrit une fois la réunion commencée.</p>
      ) : null}
    </div>
  );
}

function MinutesText({
  version,
}: {
  version: { body: string; decisions: string; file: { id: string; filename: string; sizeBytes: number } | null };
}) {
  return (
    <>
      <Paragraphs text={version.body} />
      {version.decisions.trim() ? (
        <>
          <h3>Décisions</h3>
          <Paragraphs text={version.decisions} />
        </>
      ) : null}
      {version.file ? (
        <p>
          Pièce jointe :{" "}
          <a href={`/reseaux/fichiers/${version.file.id}`} download>
            {version.file.filename}
          </a>{" "}
          ({formatFileSize(version.file.sizeBytes)})
        </p>
      ) : null}
    </>
  );
}
