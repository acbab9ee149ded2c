import type { Brand } from "./layout.tsx";
import { NotificationEmail } from "./notification.tsx";
import { type RenderedEmail, renderEmail } from "./render.tsx";

// A notification mail, rendered fast: issuing a year's statements mails tens of thousands of notifications that
// differ only in their title, body and links. The template is rendered once (per presence of a body and of a link)
// with a token in place of each of those, then each mail fills the tokens in: the HTML with the values escaped as
// React escapes text, the plain text with the values as they are. It is used only for values the two renderings
// treat alike (no white space that HTML collapses, no preview to cut, web links); any other mail, or a template
// whose shape is not the expected one, is rendered in full. notification-mail.test.ts compares both renderings.

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
  html: { parts: string[]; fields: (Field | "preview")[] };
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
  const previewToken = "zzqqpreviewqqzz";
  const html = `${rendered.html.slice(0, previewStart)}${previewToken}${rendered.html.slice(padEnd + "</div>".length)}`;

  const used = FIELDS.filter((field) => (field !== "body" || withBody) && (field !== "link" || withLink));
  const template: Template = {
    html: split(
      html,
      new Map<string, Field | "preview">([...used.map((f) => [token(f), f] as const), [previewToken, "preview"]]),
    ),
    text: split(rendered.text, new Map(used.map((field) => [token(field), field]))),
    previewPad,
  };
  // Each value once in each rendering (the title also in the preview), and no token left.
  const expected = (fields: readonly string[]) =>
    used.every((field) => count(fields, field) === 1) && fields.length === used.length;
  const htmlFields = template.html.fields.filter((field) => field !== "preview");
  if (count(template.html.fields, "preview") !== 1 || !expected(htmlFields) || !expected(template.text.fields)) {
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

/** A notification as a mail (its subject is its title): the same as renderNotificationMailInFull, faster. */
export async function renderNotificationMail(mail: NotificationMail): Promise<RenderedEmail> {
  return (await fillNotificationTemplate(mail)) ?? renderNotificationMailInFull(mail);
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

/** The mail from the template, or null when the values do not fit it (it must then be rendered in full). */
export async function fillNotificationTemplate(mail: NotificationMail): Promise<RenderedEmail | null> {
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
  const preview = `${escapeHtml(mail.title)}<div>${ready.previewPad.repeat(PREVIEW_LENGTH - mail.title.length)}</div>`;
  let html = ready.html.parts[0] as string;
  for (const [index, field] of ready.html.fields.entries()) {
    html += (field === "preview" ? preview : escapeHtml(values[field])) + ready.html.parts[index + 1];
  }
  let text = ready.text.parts[0] as string;
  for (const [index, field] of ready.text.fields.entries()) text += values[field] + ready.text.parts[index + 1];
  return { subject: mail.title, html, text };
}
