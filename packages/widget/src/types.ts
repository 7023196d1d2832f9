/**
 * Shapes of the admin API as the widget sees them: inferred from the zod schemas the server validates with and answers
 * in (`@obmen/exchange`, api/schemas.ts, the same schemas the OpenAPI document is generated from). Type-only imports:
 * nothing of the server is bundled into the widget.
 */
import type {
	ApiChangeEvent,
	ApiCheckResult,
	ApiConflict,
	ApiJournalEntry,
	ApiJournalPage,
	ApiNode,
	ApiNodeCreate,
	ApiNodePatch,
	ApiOrderContent,
	ApiPreviewSummary,
	ApiRewind,
	ApiStatusCount,
	NodeSettings as ServerNodeSettings,
} from "@obmen/exchange";

/** Per-node exchange settings (architecture.md, "Node settings"), as the server answers them (defaults filled). */
export type NodeSettings = ServerNodeSettings;
/** When the delivery cost goes to 1C as a separate `<Товар>` with Ид `ORDER_DELIVERY` (ТипНоменклатуры = Услуга). */
export type ShippingMode = NodeSettings["shipping"];
/** CommerceML schema versions 1C accepts in `ВерсияСхемы` (the node's "format version"). */
export type SchemaVersion = NodeSettings["schemaVersion"];
/** Byte encoding of the `mode=query` answer; 1C УТ 11 reads both, old Bitrix-style clients expect windows-1251. */
export type XmlEncoding = NodeSettings["encoding"];
/** One ordered rule of the 1C → store status mapping; the last matching rule wins. */
export type ImportStatusRule = NodeSettings["statusMap"]["import"][number];
/** What an incoming 1C document says that triggers a store status: a flag (Оплачен, Отгружен, Отменен, Проведен) or 1C's "Статус заказа". */
export type ImportTrigger = ImportStatusRule["on"];
/** A 1C node: one 1C base (or exchange client) with its own login, settings and exchange state. */
export type ExchangeNode = ApiNode;
/** The badge of a node in `<obmen-nodes>`. */
export type NodeState = NonNullable<ApiNode["state"]>;
/** Body of `POST /api/v1/nodes`: no password = the server generates one and returns it once. */
export type NodeCreate = ApiNodeCreate;
/** Which orders `POST /api/v1/nodes/{id}/rewind` sends again. */
export type RewindFilter = ApiRewind;
/** Body of `PATCH /api/v1/nodes/{id}`: settings are merged on the server, the password is write-only. */
export type NodePatch = ApiNodePatch;
/** What the next `mode=query` would send to the node, without moving its watermark. */
export type PreviewSummary = ApiPreviewSummary;
/** One order of the export preview (`GET …/preview?format=json`). */
export type PreviewOrder = PreviewSummary["orders"][number];
/** A coded warning about an order as 1C will see it; `message` is the server's English text. */
export type PreviewWarning = PreviewOrder["warnings"][number];
/** One logged HTTP request of a 1C exchange (checkauth, init, query, success, file, import). */
export type JournalItem = ApiJournalEntry;
/** One entry of `GET /api/v1/changes`: what 1C (or the site) changed on an order. */
export type ChangeItem = ApiChangeEvent;
/** A page of the exchange journal, newest first. */
export type JournalPage = ApiJournalPage;
/** A store status code with how many orders carry it and its dictionary name (for status pickers). */
export type StatusInfo = ApiStatusCount;
/** The answer of `POST /api/v1/nodes/{id}/check`: each step of an emulated 1C exchange. */
export type CheckResult = ApiCheckResult;

/** The raw preview XML: the bytes exactly as the server sent them, plus a decoded copy for display. */
export interface PreviewXml {
	blob: Blob;
	text: string;
	charset: string;
}

/** One order line as compared in a content conflict (amounts are exact decimal strings; null = not sent). */
export type ContentLine = OrderContent["lines"][number];

/** The content of an order as one side sees it (issue #12). */
export type OrderContent = ApiOrderContent;

/** A held content conflict: the base (what the node last acknowledged), the store's and 1C's versions. */
export type HeldConflict = NonNullable<ApiConflict["held"]>;

/** An order held by a content conflict (`GET /api/v1/conflicts`). */
export type ConflictItem = ApiConflict & { held: HeldConflict };
