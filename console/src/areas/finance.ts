// The finance pages (each names the roles that may open it), in the navigation's order. HR reads and tops up
// the same budgets and starts the same exports, so these pages open to HR admins too.
import { Budgets } from "../pages/finance/Budgets";
import { Exports } from "../pages/finance/Exports";
import { Liability } from "../pages/finance/Liability";
import { Spend } from "../pages/finance/Spend";
import type { Pages, Role } from "./page";

const MONEY: readonly Role[] = ["finance", "hr_admin"];

export const pages: Pages = {
  liability: { title: "finance.nav.liability", Page: Liability, roles: MONEY },
  budgets: { title: "finance.nav.budgets", Page: Budgets, roles: MONEY },
  spend: { title: "finance.nav.spend", Page: Spend, roles: MONEY },
  exports: { title: "finance.nav.exports", Page: Exports, roles: MONEY },
};
