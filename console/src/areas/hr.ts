// The hr pages (each names the roles that may open it), in the navigation's order.
import { Dashboard } from "../pages/hr/Dashboard";
import { Reports } from "../pages/hr/Reports";
import { SettingsPage } from "../pages/hr/Settings";
import "../pages/hr/hr.css";
import type { Pages, Role } from "./page";

const HR: readonly Role[] = ["hr_admin", "admin"];

export const pages: Pages = {
  "hr-dashboard": { title: "hr.nav.dashboard", Page: Dashboard, roles: HR },
  "hr-reports": { title: "hr.nav.reports", Page: Reports, roles: HR },
  "hr-settings": { title: "hr.nav.settings", Page: SettingsPage, roles: HR },
};
