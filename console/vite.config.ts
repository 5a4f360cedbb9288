import { defineConfig } from "vite";

// Two builds of the same sources: `vite build` (prod, what CloudFront serves) and `vite build --mode dev`
// (what `make dev` serves): only the dev build has the dev sign-in page. __DEV_SIGNIN__ is a constant, so
// the prod build drops that code entirely (tests/unit/test_console_build.py proves it).
export default defineConfig(({ mode }) => ({
  define: { __DEV_SIGNIN__: JSON.stringify(mode === "dev") },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: mode === "dev" ? "dist-dev" : "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
}));
