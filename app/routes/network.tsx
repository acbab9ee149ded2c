import { Link, useSearchParams } from "react-router";
import { z } from "zod";
import { NetworkIndicators } from "~/components/network-indicators";
import {
  DocumentsSection,
  LeadsSection,
  MeetingsSection,
  MembersSection,
  PollsSection,
} from "~/components/network-sections";
import { requestScopeContext } from "~/context.server";
import { pageOf } from "~/domain/pages";
import { formatParisDay, formatParisRange } from "~/domain/paris-time";
import { loadNetworkIndicators } from "~/network-indicators.server";
import { requireNetwork } from "~/network-viewer.server";
import {
  listContacts,
  listLeads,
  listMembers,
  listNetworkDocuments,
  listNetworkMeetings,
} from "~/queries/networks.server";
import { listOpenPolls } from "~/queries/polls.server";
import type { Route } from "./+types/network";

/** Past meetings per page, latest first; `?passees=2` for the next ones. */
const PAST_PAGE_SIZE = 10;
const pastPageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { viewer, network } = await requireNetwork(context, request, params.id);
  const url = new URL(request.url);
  const pastPageNumber = pastPageSchema.parse(url.searchParams.get("passees") ?? 1);
  return context.get(requestScopeContext).transaction(async (trx) => {
    const [meetings, members, contacts, leads, polls, documents, indicators] = [
      await listNetworkMeetings(trx, network.id, new Date()),
      await listMembers(trx, network.id),
      await listContacts(trx, network.id),
      await listLeads(trx, network.id),
      await listOpenPolls(trx, network.id),
      await listNetworkDocuments(trx, network.id),
      await loadNetworkIndicators(trx, network.id, url),
    ];
    const pastPage = pageOf(meetings.past, pastPageNumber, PAST_PAGE_SIZE);
    const meetingItem = (meeting: (typeof meetings.upcoming)[number]) => ({
      id: meeting.id,
      title: meeting.title,
      when: formatParisRange(meeting.startsAt, meeting.endsAt),
      place: meeting.place,
      status: meeting.status,
    });
    return {
      network: { id: network.id, name: network.name, description: network.description },
      manages: network.manages,
      // A referent manages its own organisation's contacts.
      managesContacts: network.manages || viewer.role === "referent",
      upcoming: meetings.upcoming.map(meetingItem),
      past: {
        meetings: pastPage.rows.map(meetingItem),
        page: pastPage.page,
        pageCount: pastPage.pageCount,
        total: pastPage.total,
      },
      members: members.map((member) => ({
        ...member,
        contacts: contacts
          .filter((contact) => contact.organisationId === member.id)
          .map(({ userId, displayName, email }) => ({ userId, displayName, email })),
      })),
      leads,
      polls: polls.map(({ id, title, slots }) => ({ id, title, slots })),
      documents: documents.map((document) => ({
        id: document.id,
        filename: document.filename,
        size: `${Math.max(1, Math.round(document.sizeBytes / 1024))} Ko`,
        meetingId: document.meetingId,
        meetingTitle: document.meetingTitle,
        addedOn: formatParisDay(document.createdAt),
      })),
      indicators,
    };
  });
}

export default function Network({ loaderData }: Route.ComponentProps) {
  const { network, manages, managesContacts, upcoming, past, members, leads, polls, documents, indicators } =
    loaderData;
  const [search] = useSearchParams();
  const pastPageHref = (page: number) => {
    const next = new URLSearchParams(search);
    next.set("passees", String(page));
    return `?${next}`;
  };
  return (
    <div className="page">
      <title>{`${network.name} — Réseaux thématiques`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/reseaux">Réseaux</Link> <span aria-hidden="true">›</span> <span>{network.name}</span>
      </nav>
      <h1>{network.name}</h1>
      {network.description ? (
        network.description.split(/\n{2,}/).map((paragraph) => (
          <p key={paragraph} className="lead">
            {paragraph}
          </p>
        ))
      ) : (
        <p className="muted">Pas encore de description.</p>
      )}
      <div className="inline-actions">
        {manages ? (
          <>
            <Link to={`/reseaux/${network.id}/reunions/nouvelle`} className="button-link">
              Nouvelle réunion
            </Link>
            <Link to={`/reseaux/${network.id}/ecrire`} className="button-link">
              Écrire au réseau
            </Link>
          </>
        ) : null}
        {managesContacts ? (
          <Link to={`/reseaux/${network.id}/contacts`}>
            {manages ? "Contacts et animateurs" : "Gérer nos contacts"}
          </Link>
        ) : null}
      </div>
      <MeetingsSection upcoming={upcoming} past={past} pastPageHref={pastPageHref} />
      <PollsSection networkId={network.id} polls={polls} manages={manages} />
      <NetworkIndicators data={indicators} />
      <DocumentsSection documents={documents} />
      <MembersSection members={members} />
      <LeadsSection leads={leads} />
    </div>
  );
}
