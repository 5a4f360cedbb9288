// The desk pages (each names the roles that may open it), in the navigation's order.
import { DESK_ROLE } from "../pages/desk/account";
import { Desk } from "../pages/desk/Desk";
import type { Pages, Role } from "./page";

export const pages: Pages = {
  // desk accounts at their desk; HR wherever they say (services/vouchers._place)
  desk: { title: "desk.nav", Page: Desk, roles: [DESK_ROLE as Role, "hr_admin"] },
};
