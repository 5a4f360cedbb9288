// The manager pages (each names the roles that may open it), in the navigation's order.
import type { Pages } from "./page";

export const pages: Pages = {};
