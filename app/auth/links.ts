/** Emailed and printed links (sign-in, password reset) work once, for 10 minutes. */
export const LINK_LIFETIME_MS = 10 * 60 * 1000;
