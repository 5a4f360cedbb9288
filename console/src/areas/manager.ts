// The manager pages (each names the roles that may open it), in the navigation's order.
import { Approvals } from "../pages/manager/Approvals";
import { Team } from "../pages/manager/Team";
import type { Pages } from "./page";

export const pages: Pages = {
  // anyone may be an approver (a manager; finance as the fallback; HR and admins on a policy)
  approvals: { title: "manager.nav.approvals", Page: Approvals, roles: ["manager", "finance", "hr_admin", "admin"] },
  team: { title: "manager.nav.team", Page: Team, roles: ["manager"] },
};
