/**
 * @module
 * `GET /api/v1/docs`: the admin API reference, a self-contained HTML page (no external host, no CDN, no bundle: it
 * works on every runtime, Workers included) whose small script reads `openapi.json` beside it and renders the tags,
 * operations (parameters, request body, answers) and schemas, with `$ref`s as links.
 */

/** The page (static; the document itself is fetched by the page from `./openapi.json`). */
export const API_DOCS_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Obmen admin API</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
main { max-width: 1000px; margin: 0 auto; padding: 16px 20px 60px; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 1px solid #d6dbe3; padding-bottom: 4px; margin-top: 32px; }
details.op { background: #fff; border: 1px solid #d6dbe3; border-radius: 6px; margin: 8px 0; }
details.op > summary { cursor: pointer; padding: 8px 10px; }
details.op > div { padding: 0 12px 10px; }
.m { display: inline-block; min-width: 58px; font: bold 12px monospace; text-transform: uppercase; padding: 2px 6px; border-radius: 4px; color: #fff; text-align: center; }
.get { background: #2f7ed8; } .post { background: #2e9d5b; } .put { background: #c98a12; } .patch { background: #8a5cc2; } .delete { background: #c8413b; }
code, pre { font: 12.5px ui-monospace, monospace; } pre { background: #f2f4f7; padding: 8px; overflow: auto; }
table { border-collapse: collapse; margin: 4px 0 8px; } td, th { border: 1px solid #e0e4ea; padding: 3px 8px; text-align: left; vertical-align: top; }
.req { color: #c8413b; } .muted { color: #667085; } .schema { margin-left: 14px; }
</style>
</head>
<body>
<main id="app"><p>Loading <a href="openapi.json">openapi.json</a>…</p></main>
<script>
(async () => {
	const app = document.getElementById("app");
	const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]);
	const refName = (r) => r.split("/").pop();
	const link = (r) => '<a href="#schema-' + esc(refName(r)) + '">' + esc(refName(r)) + "</a>";
	let doc;
	try {
		doc = await (await fetch(new URL("openapi.json", location.href.replace(/\\/?$/, "/")))).json();
	} catch (e) {
		app.textContent = "Could not read openapi.json: " + e;
		return;
	}
	const type = (s) => {
		if (!s || typeof s !== "object") return "any";
		if (s.$ref) return link(s.$ref);
		if (s.const !== undefined) return "<code>" + esc(JSON.stringify(s.const)) + "</code>";
		if (s.enum) return s.enum.map((v) => "<code>" + esc(JSON.stringify(v)) + "</code>").join(" | ");
		const alt = s.anyOf || s.oneOf;
		if (alt) return alt.map(type).join(" | ");
		if (s.type === "array") return (s.prefixItems ? "[" + s.prefixItems.map(type).join(", ") + "]" : type(s.items) + "[]");
		if (s.type === "object" && !s.properties && s.additionalProperties && s.additionalProperties !== true)
			return "{ [key]: " + type(s.additionalProperties) + " }";
		return esc(s.type || (s.properties ? "object" : "any"));
	};
	const limits = (s) =>
		["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern", "format", "default"]
			.filter((k) => s && s[k] !== undefined)
			.map((k) => k + ": <code>" + esc(JSON.stringify(s[k])) + "</code>")
			.join(", ");
	const schema = (s, depth = 0) => {
		if (!s || depth > 6) return "";
		if (s.$ref) return "<p>" + link(s.$ref) + "</p>";
		const alt = s.anyOf || s.oneOf;
		if (alt) return "<p>one of:</p>" + alt.map((a) => '<div class="schema">' + schema(a, depth + 1) + "</div>").join("");
		if (s.type === "array") return "<p>array of " + type(s.items) + "</p>" + (s.items && !s.items.$ref ? '<div class="schema">' + schema(s.items, depth + 1) + "</div>" : "");
		if (!s.properties) return "<p>" + type(s) + (limits(s) ? ' <span class="muted">' + limits(s) + "</span>" : "") + "</p>";
		const req = new Set(s.required || []);
		let h = "<table><tr><th>field</th><th>type</th><th>notes</th></tr>";
		for (const [k, v] of Object.entries(s.properties)) {
			const nested = v && v.type === "object" && v.properties;
			h += "<tr><td><code>" + esc(k) + "</code>" + (req.has(k) ? ' <span class="req">*</span>' : "") + "</td><td>" + type(v) +
				(nested ? '<div class="schema">' + schema(v, depth + 1) + "</div>" : "") + "</td><td>" + esc(v && v.description) + " " + limits(v) + "</td></tr>";
		}
		return h + "</table>";
	};
	const body = (content) =>
		Object.entries(content || {}).map(([media, m]) => '<p class="muted">' + esc(media) + "</p>" + schema(m.schema)).join("");
	const response = (r) => {
		if (r.$ref) r = doc.components.responses[refName(r.$ref)] || {};
		return r;
	};
	let h = "<h1>" + esc(doc.info.title) + " <small class=muted>" + esc(doc.info.version) + "</small></h1><p>" + esc(doc.info.description) + "</p>";
	h += "<p>Base URL <code>" + esc(doc.servers?.[0]?.url) + "</code>; send <code>Authorization: Bearer &lt;admin token&gt;</code>. The document: <a href=\\"openapi.json\\">openapi.json</a>.</p>";
	const byTag = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
	for (const [path, item] of Object.entries(doc.paths)) {
		for (const [method, op] of Object.entries(item)) {
			const t = op.tags?.[0] || "other";
			if (!byTag.has(t)) byTag.set(t, { tag: { name: t }, ops: [] });
			byTag.get(t).ops.push({ path, method, op });
		}
	}
	for (const { tag, ops } of byTag.values()) {
		h += "<h2>" + esc(tag.name) + "</h2><p class=muted>" + esc(tag.description) + "</p>";
		for (const { path, method, op } of ops) {
			h += '<details class="op" id="op-' + esc(op.operationId) + '"><summary><span class="m ' + method + '">' + method + "</span> <code>" + esc(path) +
				"</code> — " + esc(op.summary) + ' <span class="muted">(' + esc(op.operationId) + ")</span></summary><div>";
			if (op.parameters?.length) {
				h += "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr>";
				for (const p of op.parameters)
					h += "<tr><td><code>" + esc(p.name) + "</code>" + (p.required ? ' <span class="req">*</span>' : "") + "</td><td>" + esc(p.in) + "</td><td>" + type(p.schema) +
						"</td><td>" + (p.deprecated ? "<b>deprecated</b> " : "") + esc(p.description) + " " + limits(p.schema) + "</td></tr>";
				h += "</table>";
			}
			if (op.requestBody) h += "<h4>Request body</h4>" + body(op.requestBody.content);
			h += "<h4>Responses</h4>";
			for (const [status, r] of Object.entries(op.responses)) {
				const res = response(r);
				h += "<p><b>" + esc(status) + "</b> " + esc(res.description) + "</p>" + body(res.content);
			}
			h += "</div></details>";
		}
	}
	h += "<h2>Schemas</h2>";
	for (const [name, s] of Object.entries(doc.components?.schemas || {}))
		h += '<details class="op" id="schema-' + esc(name) + '"><summary><code>' + esc(name) + "</code></summary><div>" + schema(s) + "</div></details>";
	app.innerHTML = h;
	addEventListener("hashchange", () => { const d = document.getElementById(location.hash.slice(1)); if (d && d.tagName === "DETAILS") d.open = true; });
	if (location.hash) { const d = document.getElementById(location.hash.slice(1)); if (d) { d.open = true; d.scrollIntoView(); } }
	document.addEventListener("click", (e) => {
		const a = e.target.closest && e.target.closest('a[href^="#schema-"]');
		if (a) { const d = document.getElementById(a.getAttribute("href").slice(1)); if (d) d.open = true; }
	});
})();
</script>
</body>
</html>
`;
