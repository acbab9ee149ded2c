/**
 * The Content-Disposition of a download under its own name: an ASCII fallback for old clients, the exact name
 * (RFC 6266, UTF-8) for the others. Quotes, backslashes and control characters never reach the header.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
