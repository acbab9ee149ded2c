// iCalendar (RFC 5545) for meetings, written by hand: one VEVENT per meeting, times in UTC, text escaped and
// lines folded at 75 octets. Invitations are METHOD:REQUEST (changes resent with the same UID and a higher
// SEQUENCE), cancellations METHOD:CANCEL; the personal feed is a plain calendar of several events. Attendees carry
// RSVP=FALSE: answers go through the portal, not through calendar replies. Checked by parsing it back with ical.js.

export type IcsMethod = "REQUEST" | "CANCEL";

export interface IcsEvent {
  uid: string;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description: string;
  location: string;
  url: string | null;
  cancelled: boolean;
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
}

const PRODID = "-//Cooperative de services//Portail//FR";

/** 2027-04-01T08:00:00.000Z -> 20270401T080000Z */
export function icsUtc(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** TEXT value escaping: backslash, semicolon, comma, newline. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** A parameter value (CN): quoted, without the characters a quoted value may not hold. */
function paramValue(value: string): string {
  return `"${value.replace(/["\r\n]/g, "'")}"`;
}

const encoder = new TextEncoder();

/** Folds a content line at 75 octets (continuation lines start with a space), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = "";
  let octets = 0;
  for (const character of line) {
    const size = encoder.encode(character).length;
    const limit = pieces.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      pieces.push(current);
      current = "";
      octets = 0;
    }
    current += character;
    octets += size;
  }
  pieces.push(current);
  return pieces.join("\r\n ");
}

function eventLines(event: IcsEvent, stamp: Date): string[] {
  const lines = [
    "BEGIN:VEVENT",
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${icsUtc(stamp)}`,
    `DTSTART:${icsUtc(event.startsAt)}`,
    `DTEND:${icsUtc(event.endsAt)}`,
    `SUMMARY:${escapeText(event.summary)}`,
  ];
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
  if (event.url) lines.push(`URL:${event.url}`);
  lines.push(`ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${event.organizer.email}`);
  for (const attendee of event.attendees) {
    lines.push(
      `ATTENDEE;CN=${paramValue(attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${attendee.email}`,
    );
  }
  lines.push(`STATUS:${event.cancelled ? "CANCELLED" : "CONFIRMED"}`, "END:VEVENT");
  return lines;
}

function calendar(method: IcsMethod | null, events: IcsEvent[], stamp: Date, name?: string): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:${PRODID}`, "CALSCALE:GREGORIAN"];
  if (method) lines.push(`METHOD:${method}`);
  if (name) lines.push(`X-WR-CALNAME:${escapeText(name)}`);
  for (const event of events) lines.push(...eventLines(event, stamp));
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}

/** The .ics of an invitation (REQUEST) or of a cancellation (CANCEL). */
export function invitationIcs(event: IcsEvent, stamp: Date = new Date()): string {
  return calendar(event.cancelled ? "CANCEL" : "REQUEST", [event], stamp);
}

/** A personal feed: the meetings one is invited to, without method (a subscription, not a message). */
export function feedIcs(name: string, events: IcsEvent[], stamp: Date = new Date()): string {
  return calendar(null, events, stamp, name);
}
