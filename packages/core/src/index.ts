/**
 * @module
 * `@obmen/core` — the CommerceML 2 order codec and protocol helpers for the 1C ⇄ store exchange.
 * Web-standard APIs only: runs on Node, Bun, Deno, workerd and in browsers.
 */

export { concatBytes } from "./bytes.ts";
export { counterpartyId, MAX_COUNTERPARTY_ID_LENGTH } from "./cml/counterparty-writer.ts";
export type {
	CmlElement,
	IncomingCounterparty,
	IncomingDocument,
	IncomingItem,
	IncomingOneC,
	IncomingRequisite,
	IncomingUnit,
} from "./cml/document-mapper.ts";
export * from "./cml/export-settings.ts";
export { type ExportedContent, type ExportedItem, exportedContent } from "./cml/exported-content.ts";
export { lineVatRate, NO_VAT, ORDER_DELIVERY_ID, ORDER_DELIVERY_NAME } from "./cml/line-figures.ts";
export {
	type LineIdentity,
	lineIdentity,
	MAX_LINE_ID_LENGTH,
	MAX_OPTION_TEXT_LENGTH,
	MAX_PRODUCT_NAME_LENGTH,
	NAME_HASH_REPLACEMENT,
	OPTION_SET_ID_LENGTH,
	optionSetId,
	optionText,
	plainProductName,
} from "./cml/line-identity.ts";
export { type OneCConfiguration, type OrderWarningContext, READABLE_VAT_RATES } from "./cml/order-warnings.ts";
export { type CmlHeader, type CmlInput, readDocuments, readDocumentsAll, readDocumentsSync } from "./cml/reader.ts";
export { type ReadLimits, resolveLimits } from "./cml/sax-limits.ts";
export { combineDateTime, normalizeCmlDate, normalizeCmlDecimal, normalizeCmlTime, parseCmlBoolean } from "./cml/values.ts";
export {
	DOCUMENT_TAIL,
	documentHead,
	MAX_1C_NUMBER_LENGTH,
	numberWarnings,
	type OrderWarning,
	type OrderWarningCode,
	orderWarnings,
	type WriterStreamOptions,
	writeOrdersXml,
	writeOrdersXmlBytes,
	writeOrdersXmlSync,
	xmlContentType,
} from "./cml/writer.ts";
export { escapeXmlAttribute, escapeXmlText } from "./cml/xml-escape.ts";
export { encodeCp1251, isCp1251 } from "./encoding/cp1251.ts";
export { type DetectedEncoding, detectEncoding, FatalStreamDecoder, type SupportedEncoding } from "./encoding/detect.ts";
export * from "./errors.ts";
export * from "./model/decimal.ts";
export * from "./model/order.ts";
export * from "./protocol/index.ts";
export { crc32, isZip, unzipXml, type ZipLimits } from "./zip.ts";
