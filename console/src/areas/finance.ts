// The finance pages (each names the roles that may open it), in the navigation's order. HR has its own budgets
// and reports pages (areas/hr.ts); exports are HR's too.
import { Budgets } from "../pages/finance/Budgets";
import { Exports } from "../pages/finance/Exports";
import { Liability } from "../pages/finance/Liability";
import { Spend } from "../pages/finance/Spend";
import type { Pages, Role } from "./page";

const FINANCE: readonly Role[] = ["finance"];

export const pages: Pages = {
  liability: { title: "finance.nav.liability", Page: Liability, roles: FINANCE },
  budgets: { title: "finance.nav.budgets", Page: Budgets, roles: FINANCE },
  spend: { title: "finance.nav.spend", Page: Spend, roles: FINANCE },
  exports: { title: "finance.nav.exports", Page: Exports, roles: [...FINANCE, "hr_admin"] },
};
