import { html, type TemplateResult } from "lit";

/** A lexical piece of an XML text, for syntax highlighting. */
export interface XmlToken {
	kind: "tag" | "attr" | "value" | "text" | "comment" | "pi" | "punct";
	text: string;
}

const MARKUP = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\/?[^>]*>/g;
const ATTR = /(\s+)([^\s=/>]+)(\s*=\s*)("[^"]*"|'[^']*')?/g;

/**
 * Splits XML text into tokens. It never parses or changes the document: joining every token's text gives
 * back the input exactly, so what is highlighted is byte-for-byte what 1C would read (after decoding).
 */
export function tokenizeXml(xml: string): XmlToken[] {
	const out: XmlToken[] = [];
	let last = 0;
	for (const m of xml.matchAll(MARKUP)) {
		const at = m.index ?? 0;
		if (at > last) out.push({ kind: "text", text: xml.slice(last, at) });
		out.push(...markupTokens(m[0]));
		last = at + m[0].length;
	}
	if (last < xml.length) out.push({ kind: "text", text: xml.slice(last) });
	return out;
}

function markupTokens(s: string): XmlToken[] {
	if (s.startsWith("<!--")) return [{ kind: "comment", text: s }];
	if (s.startsWith("<?") || s.startsWith("<!")) return [{ kind: "pi", text: s }];
	const head = /^<\/?[^\s/>]*/.exec(s)?.[0] ?? "<";
	const tail = /\/?>$/.exec(s)?.[0] ?? "";
	const middle = s.slice(head.length, s.length - tail.length);
	const out: XmlToken[] = [
		{ kind: "punct", text: head.startsWith("</") ? "</" : "<" },
		{ kind: "tag", text: head.replace(/^<\/?/, "") },
	];
	let last = 0;
	for (const m of middle.matchAll(ATTR)) {
		const at = m.index ?? 0;
		if (at > last) out.push({ kind: "text", text: middle.slice(last, at) });
		out.push({ kind: "text", text: m[1] ?? "" }, { kind: "attr", text: m[2] ?? "" }, { kind: "punct", text: m[3] ?? "" });
		if (m[4]) out.push({ kind: "value", text: m[4] });
		last = at + m[0].length;
	}
	if (last < middle.length) out.push({ kind: "text", text: middle.slice(last) });
	if (tail) out.push({ kind: "punct", text: tail });
	return out.filter((t) => t.text !== "");
}

/** Renders highlighted XML as Lit templates (text nodes only, so nothing in the XML can inject markup). */
export function highlightXml(xml: string): TemplateResult[] {
	return tokenizeXml(xml).map((t) => (t.kind === "text" ? html`${t.text}` : html`<span class="x-${t.kind}">${t.text}</span>`));
}

/**
 * Lays XML out one element per line, indented by depth, for reading (the download keeps the original bytes). An
 * element holding only text stays on one line; whitespace-only text between tags is dropped, every other character is
 * kept in order.
 */
export function indentXml(xml: string, unit = "  "): string {
	const lines: string[] = [];
	let depth = 0;
	let inline = false; // the last line is an open element whose text follows on the same line
	for (const m of xml.matchAll(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[^>]*>|[^<]+/g)) {
		const t = m[0];
		if (!t.startsWith("<")) {
			if (!t.trim()) continue;
			if (inline && lines.length) lines[lines.length - 1] += t;
			else lines.push(unit.repeat(depth) + t.trim());
			continue;
		}
		if (t.startsWith("</")) {
			depth = Math.max(0, depth - 1);
			if (inline && lines.length) lines[lines.length - 1] += t;
			else lines.push(unit.repeat(depth) + t);
			inline = false;
			continue;
		}
		const opens = !t.startsWith("<?") && !t.startsWith("<!") && !t.endsWith("/>");
		lines.push(unit.repeat(depth) + t);
		if (opens) depth++;
		inline = opens;
	}
	return `${lines.join("\n")}\n`;
}
