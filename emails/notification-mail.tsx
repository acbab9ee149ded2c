import { type Assembly, assembleText } from "./assembly.ts";
import type { Brand } from "./layout.tsx";
import { NotificationEmail } from "./notification.tsx";
import { type RenderedEmail, renderEmail } from "./render.tsx";

// A notification mail, rendered fast: issuing a year's statements mails tens of thousands of notifications that
// differ only in their title, body and links. The template is rendered once (per presence of a body and of a link)
// with a token in place of each of those; each mail is then the template's parts around its own pieces (an
// assembly, emails/assembly.ts): the values escaped as React escapes text in the HTML, as they are in the plain text,
// and the preview's padding as a count. The database puts a mail together as it stores it
// (enqueueAssembledEmails). It is used only for values the two renderings treat alike (no white space that HTML
// collapses, no preview to cut, web links); any other mail, or a template whose shape is not the expected one, is
// rendered in full. notification-mail.test.tsx compares both renderings.

const FIELDS = ["brand", "title", "body", "link", "preferencesLink"] as const;
type Field = (typeof FIELDS)[number];
const token = (field: Field) => `zzqq${field}qqzz`;

/** React Email's preview keeps this many characters, and pads a shorter one with white space. */
const PREVIEW_LENGTH = 150;

/** What React's server renderer escapes in text and attribute values. */
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) =>
    char === "&" ? "&amp;" : char === "<" ? "&lt;" : char === ">" ? "&gt;" : char === '"' ? "&quot;" : "&#x27;",
  );

/** Text that html-to-text gives back as it is in a paragraph: no white space it would trim or fold, no token. */
const isPlainText = (value: string) =>
  value.isWellFormed() && !/^ | $| {2}|[\t\n\r\f\u200b]|zzqq/.test(value) && value.length > 0;
const isWebLink = (value: string) => /^https?:\/\/[^\s]+$/.test(value) && !value.includes("zzqq");

interface Template {
  /** The HTML split around its tokens: parts[i], value of fields[i], parts[i + 1]... */
  html: { parts: string[]; fields: (Field | "previewPad")[] };
  text: { parts: string[]; fields: Field[] };
  /** The padding of one preview character. */
  previewPad: string;
}

function split<F extends string>(rendered: string, tokens: Map<string, F>): { parts: string[]; fields: F[] } {
  const pattern = new RegExp([...tokens.keys()].join("|"), "g");
  const parts: string[] = [];
  const fields: F[] = [];
  let last = 0;
  for (const match of rendered.matchAll(pattern)) {
    parts.push(rendered.slice(last, match.index));
    fields.push(tokens.get(match[0]) as F);
    last = match.index + match[0].length;
  }
  parts.push(rendered.slice(last));
  return { parts, fields };
}

const count = <T,>(list: readonly T[], item: T) => list.filter((entry) => entry === item).length;

async function buildTemplate(withBody: boolean, withLink: boolean): Promise<Template | null> {
  const rendered = await renderEmail(
    token("title"),
    <NotificationEmail
      title={token("title")}
      body={withBody ? token("body") : ""}
      link={withLink ? token("link") : null}
      preferencesLink={token("preferencesLink")}
      brand={{ name: token("brand") }}
    />,
  );
  // The preview: the title, then padding for the characters it lacks.
  const previewStart = rendered.html.indexOf(`${token("title")}<div>`);
  const padStart = previewStart + token("title").length + "<div>".length;
  const padEnd = rendered.html.indexOf("</div>", padStart);
  const padding = rendered.html.slice(padStart, padEnd);
  const missing = PREVIEW_LENGTH - token("title").length;
  const previewPad = padding.slice(0, padding.length / missing);
  if (previewStart < 0 || padEnd < 0 || previewPad.length === 0 || previewPad.repeat(missing) !== padding) return null;
  const padToken = "zzqqpreviewpadqqzz";
  const html = `${rendered.html.slice(0, padStart)}${padToken}${rendered.html.slice(padEnd)}`;

  const used = FIELDS.filter((field) => (field !== "body" || withBody) && (field !== "link" || withLink));
  const template: Template = {
    html: split(
      html,
      new Map<string, Field | "previewPad">([...used.map((f) => [token(f), f] as const), [padToken, "previewPad"]]),
    ),
    text: split(rendered.text, new Map(used.map((field) => [token(field), field]))),
    previewPad,
  };
  // Each value once in each rendering (the title and its padding also in the preview), and no token left.
  const expected = (fields: readonly string[]) =>
    used.every((field) => count(fields, field) === 1) && fields.length === used.length;
  const htmlFields = template.html.fields.filter((field) => field !== "previewPad");
  const [firstTitle] = htmlFields.splice(htmlFields.indexOf("title"), 1);
  if (
    firstTitle !== "title" ||
    count(template.html.fields, "previewPad") !== 1 ||
    !expected(htmlFields) ||
    !expected(template.text.fields)
  ) {
    return null;
  }
  if ([...template.html.parts, ...template.text.parts].some((part) => part.includes("zzqq"))) return null;
  return template;
}

const templates = new Map<string, Promise<Template | null>>();

export interface NotificationMail {
  title: string;
  body: string;
  link: string | null;
  preferencesLink: string;
  brand: Brand;
}

/** The notification mail rendered by React Email, as any other mail. */
export function renderNotificationMailInFull(mail: NotificationMail): Promise<RenderedEmail> {
  return renderEmail(
    mail.title,
    <NotificationEmail
      title={mail.title}
      body={mail.body}
      link={mail.link}
      preferencesLink={mail.preferencesLink}
      brand={mail.brand}
    />,
  );
}

/** A notification mail as its template's parts and its own pieces (emails/assembly.ts). */
export interface AssembledMail {
  subject: string;
  html: Assembly;
  text: Assembly;
}

/** The mail as the template's parts and this mail's pieces, or null when the values do not fit the template. */
export async function notificationAssembly(mail: NotificationMail): Promise<AssembledMail | null> {
  const fits =
    isPlainText(mail.brand.name) &&
    isPlainText(mail.title) &&
    mail.title.length < PREVIEW_LENGTH &&
    (mail.body === "" || isPlainText(mail.body)) &&
    (mail.link === null || isWebLink(mail.link)) &&
    isWebLink(mail.preferencesLink);
  if (!fits) return null;
  const key = `${mail.body !== ""}|${mail.link !== null}`;
  let template = templates.get(key);
  if (!template) {
    template = buildTemplate(mail.body !== "", mail.link !== null);
    templates.set(key, template);
  }
  const ready = await template;
  if (!ready) return null;
  const values: Record<Field, string> = {
    brand: mail.brand.name,
    title: mail.title,
    body: mail.body,
    link: mail.link ?? "",
    preferencesLink: mail.preferencesLink,
  };
  const padding = { repeat: ready.previewPad, times: PREVIEW_LENGTH - mail.title.length };
  return {
    subject: mail.title,
    html: {
      parts: ready.html.parts,
      pieces: ready.html.fields.map((field) => (field === "previewPad" ? padding : escapeHtml(values[field]))),
    },
    text: { parts: ready.text.parts, pieces: ready.text.fields.map((field) => values[field]) },
  };
}

/** The mail from the template, or null when the values do not fit it (it must then be rendered in full). */
export async function fillNotificationTemplate(mail: NotificationMail): Promise<RenderedEmail | null> {
  const assembled = await notificationAssembly(mail);
  if (!assembled) return null;
  return { subject: assembled.subject, html: assembleText(assembled.html), text: assembleText(assembled.text) };
}
