import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * Library build of the embeddable admin widget: one self-contained ES module, `dist/obmen-widget.js`,
 * with Lit bundled in, that an old admin page loads with a single `<script type="module">`.
 * The exchange server serves this file at `/admin/obmen-widget.js`.
 */
export default defineConfig({
	resolve: { conditions: ["@obmen/source"] },
	build: {
		target: "es2022",
		outDir: "dist",
		emptyOutDir: true,
		sourcemap: true,
		minify: true,
		lib: {
			entry: fileURLToPath(new URL("./src/index.ts", import.meta.url)),
			formats: ["es"],
			fileName: () => "obmen-widget.js",
		},
	},
});
