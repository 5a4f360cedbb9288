// The hr pages (each names the roles that may open it), in the navigation's order.
import { Badges } from "../pages/hr/Badges";
import { Budgets } from "../pages/hr/Budgets";
import { Campaigns } from "../pages/hr/Campaigns";
import { Corrections } from "../pages/hr/Corrections";
import { Catalogue } from "../pages/hr/Catalogue";
import { Dashboard } from "../pages/hr/Dashboard";
import { Directory } from "../pages/hr/Directory";
import { Moderation } from "../pages/hr/Moderation";
import { Referrals } from "../pages/hr/Referrals";
import { Reports } from "../pages/hr/Reports";
import { Rules } from "../pages/hr/Rules";
import { Seasons } from "../pages/hr/Seasons";
import { SettingsPage } from "../pages/hr/Settings";
import "../pages/hr/hr.css";
import type { Pages, Role } from "./page";

const HR: readonly Role[] = ["hr_admin", "admin"];

export const pages: Pages = {
  "hr-dashboard": { title: "hr.nav.dashboard", Page: Dashboard, roles: HR },
  "hr-reports": { title: "hr.nav.reports", Page: Reports, roles: HR },
  "hr-directory": { title: "hr.nav.directory", Page: Directory, roles: HR },
  "hr-budgets": { title: "hr.nav.budgets", Page: Budgets, roles: HR },
  "hr-campaigns": { title: "hr.nav.campaigns", Page: Campaigns, roles: HR },
  "hr-rules": { title: "hr.nav.rules", Page: Rules, roles: HR },
  "hr-referrals": { title: "hr.nav.referrals", Page: Referrals, roles: HR },
  "hr-seasons": { title: "hr.nav.seasons", Page: Seasons, roles: HR },
  "hr-badges": { title: "hr.nav.badges", Page: Badges, roles: HR },
  "hr-catalogue": { title: "hr.nav.catalogue", Page: Catalogue, roles: HR },
  "hr-moderation": { title: "hr.nav.moderation", Page: Moderation, roles: HR },
  "hr-corrections": { title: "hr.nav.corrections", Page: Corrections, roles: HR },
  "hr-settings": { title: "hr.nav.settings", Page: SettingsPage, roles: HR },
};
