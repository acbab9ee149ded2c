// `npm start` is the demo: embedded database, four metropolises, demo accounts.
// The defaults are set before any application module loads: React picks its
// development or production build from NODE_ENV when it is first imported.
process.env.APP_MODE ??= "demo";
// The demo lets admins in without an authenticator app unless told otherwise (said at start-up).
if (process.env.APP_MODE === "demo") process.env.ADMIN_SECOND_FACTOR ??= "optional";
process.env.NODE_ENV ??= process.argv.includes("--dev") ? "development" : "production";

await import("./portal.ts");

export {};
