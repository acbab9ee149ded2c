import { index, type RouteConfig, route } from "@react-router/dev/routes";

export default [
  index("routes/cooperatives.tsx"),
  route("cooperatives/:siren", "routes/cooperative.tsx"),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
