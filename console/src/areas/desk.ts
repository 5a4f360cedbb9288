// The desk pages (each names the roles that may open it), in the navigation's order.
import { Desk } from "../pages/desk/Desk";
import type { Pages } from "./page";

export const pages: Pages = {
  // HR may check codes wherever they say (services/vouchers._place); desk accounts at their own desk
  desk: { title: "desk.nav", Page: Desk, roles: ["hr_admin"] },
};
