// Three faces, one build: the learner's test at /, the Orga dashboard at /orga/ and the certification
// centres' face at /certif/.
// The output goes into the gateway's package, which serves it (gateway/src/gateway/web.py).
import { resolve } from "node:path";
import { defineConfig } from "vite";

// In `npm run dev`, a deep link into Orga or Certif (/orga/campagnes/42, /certif/sessions/7) gets that
// face's page, as the gateway does.
const facePages = {
  name: "face-pages",
  configureServer(server) {
    server.middlewares.use((request, _response, next) => {
      const face = /^\/(orga|certif)(\/[^.]*)?(\?.*)?$/.exec(request.url);
      if (face) request.url = `/${face[1]}/index.html`;
      next();
    });
  },
};

export default defineConfig({
  plugins: [facePages],
  // The dev server's dependency scan assumes React's JSX runtime; Preact provides the same one.
  resolve: { alias: { "react/jsx-dev-runtime": "preact/jsx-dev-runtime", "react/jsx-runtime": "preact/jsx-runtime" } },
  // JSX compiled for Preact by Vite's own transformer: no plugin needed.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    // WEB_OUT_DIR builds elsewhere (a gateway started with WEB_ROOT pointing there serves it).
    outDir: process.env.WEB_OUT_DIR || resolve(import.meta.dirname, "../gateway/src/gateway/web"),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        learner: resolve(import.meta.dirname, "index.html"),
        orga: resolve(import.meta.dirname, "orga/index.html"),
        certif: resolve(import.meta.dirname, "certif/index.html"),
      },
    },
  },
  server: {
    // `npm run dev` serves the pages with hot reload and sends the API to the gateway of `make up`.
    proxy: { "/api": "http://localhost:8080" },
  },
});
