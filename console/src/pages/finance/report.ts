// Reading one report of the reports API for the finance pages (GET /v1/reports/{name}, this month).
import { api, type Schemas } from "../../api/client";

type Reports = {
  liability: Schemas["LiabilityReport"];
  budgets: Schemas["BudgetsReport"];
  rewards: Schemas["RewardsReport"];
};

export async function thisMonth<Name extends keyof Reports>(
  name: Name,
  groupBy?: string,
): Promise<{ data?: Reports[Name]; error?: unknown }> {
  const query = groupBy ? { period: "month", group_by: groupBy } : { period: "month" };
  const { data, error } = await api.GET("/v1/reports/{name}", { params: { path: { name }, query } });
  return { data: data as Reports[Name] | undefined, error };
}
