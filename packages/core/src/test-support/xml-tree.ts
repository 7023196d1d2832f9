/**
 * A tiny DOM built with saxes, for asserting on the writer's output in tests.
 */
import { SaxesParser } from "saxes";

/** An element: local name, attributes, child elements and concatenated text. */
export interface XmlNode {
	name: string;
	attrs: Record<string, string>;
	children: XmlNode[];
	text: string;
}

/** Parses a whole document (throws on any well-formedness error). */
export function parseXmlTree(xml: string): XmlNode {
	const parser = new SaxesParser();
	const stack: XmlNode[] = [];
	let root: XmlNode | null = null;
	let error: Error | null = null;
	parser.on("error", (e) => {
		error ??= e;
	});
	parser.on("opentag", (tag) => {
		const node: XmlNode = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, children: [], text: "" };
		const parent = stack[stack.length - 1];
		if (parent) parent.children.push(node);
		else root = node;
		stack.push(node);
	});
	parser.on("text", (t) => {
		const top = stack[stack.length - 1];
		if (top) top.text += t;
	});
	parser.on("closetag", () => {
		stack.pop();
	});
	parser.write(xml.replace(/^\uFEFF/, "")).close();
	if (error) throw error;
	if (!root) throw new Error("no root element");
	return root;
}

/** The first child with that name (throws when missing). */
export function child(node: XmlNode, name: string): XmlNode {
	const c = node.children.find((n) => n.name === name);
	if (!c) throw new Error(`<${node.name}> has no <${name}> (children: ${node.children.map((n) => n.name).join(", ")})`);
	return c;
}

/** All children with that name. */
export function children(node: XmlNode, name: string): XmlNode[] {
	return node.children.filter((n) => n.name === name);
}

/** Follows a path of child names (`child(child(n, a), b)…`) and returns the text. */
export function textAt(node: XmlNode, ...path: string[]): string {
	let n = node;
	for (const p of path) n = child(n, p);
	return n.text;
}

/** Requisites (`ЗначенияРеквизитов/ЗначениеРеквизита`) of a node as a name → value map. */
export function requisites(node: XmlNode): Map<string, string> {
	const m = new Map<string, string>();
	const list = node.children.find((n) => n.name === "ЗначенияРеквизитов");
	for (const r of list?.children ?? []) m.set(textAt(r, "Наименование"), textAt(r, "Значение"));
	return m;
}
