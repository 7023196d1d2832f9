/**
 * @module
 * The store order: the public JSON contract between a shop and Obmen.
 *
 * An order as the store hands it over (admin API `PUT /api/v1/orders/{id}`, the CLI's `cml encode`)
 * and as the codec turns it into a CommerceML `Документ` with `ХозОперация` "Заказ товара".
 * Money and quantities are decimal strings (numbers are accepted on input and normalised);
 * they never pass through binary floats on their way into the XML.
 */
import { z } from "zod";
import { addDecimal, compareDecimal, formatDecimal, mulDecimal, normalizeDecimal, parseDecimal, subDecimal } from "./decimal.ts";

const decimal = z.union([z.string(), z.number()]).transform((v, ctx) => {
	try {
		return normalizeDecimal(v);
	} catch {
		ctx.addIssue({ code: "custom", message: `not a decimal number: ${JSON.stringify(v)}` });
		return z.NEVER;
	}
});

const text = z.string().max(3000);

/** ISO 8601 date-time with an explicit offset or `Z`; the codec writes its local date and time (`Дата`/`Время`). */
const dateTime = z
	.string()
	.regex(
		/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
		"expected ISO 8601 date-time, e.g. 2026-11-28T14:03:00+03:00",
	);

/** A buyer's bank account (`РасчетныеСчета/РасчетныйСчет`). */
export const BankSchema = z.object({
	account: z.string().default(""),
	bik: z.string().default(""),
	name: z.string().default(""),
	correspondentAccount: z.string().default(""),
});

/** The buyer (`Контрагент` with `Роль` "Покупатель"): a person or a company. */
export const CustomerSchema = z.object({
	type: z.enum(["person", "company"]).default("person"),
	id: z.string().max(40).optional(),
	name: z.string().min(1).max(255),
	lastName: z.string().default(""),
	firstName: z.string().default(""),
	middleName: z.string().default(""),
	email: z.string().default(""),
	phone: z.string().default(""),
	address: z.string().default(""),
	legalName: z.string().default(""),
	inn: z.string().default(""),
	kpp: z.string().default(""),
	okpo: z.string().default(""),
	legalAddress: z.string().default(""),
	bank: BankSchema.optional(),
});

/** A product option (size, colour…), exported as `ХарактеристикиТовара` when options export is on. */
export const OptionSchema = z.object({ name: z.string().min(1).max(255), value: z.string().max(1000) });

/** Unit of measure: OKEI code (`Код`, e.g. 796) and short name (`шт`). */
export const UnitSchema = z.object({ code: z.string().min(1).max(4).default("796"), name: z.string().min(1).default("шт") });

/** One order line (`Товар`). `externalId` is the 1C nomenclature GUID (or `guid#characteristic`) sent as `Ид`. */
export const OrderItemSchema = z.object({
	productId: z.string().min(1).max(80),
	externalId: z.string().max(80).optional(),
	sku: z.string().max(255).optional(),
	name: z.string().min(1).max(255),
	quantity: decimal,
	price: decimal,
	/** Amount off the whole line (not per unit). */
	discount: decimal.default("0"),
	/**
	 * VAT rate in percent, written as 1C reads it ("20"); null means "Без НДС"; omitted leaves it to the node's `vat`
	 * setting (a fixed rate, "Без НДС", or nothing so that 1C uses its own default).
	 */
	vatRate: z.number().min(0).max(100).nullable().optional(),
	unit: UnitSchema.default({ code: "796", name: "шт" }),
	kind: z.enum(["goods", "service"]).default("goods"),
	options: z.array(OptionSchema).default([]),
});

/** An extra order requisite (`ЗначениеРеквизита`) the store wants 1C to see. */
export const ExtraSchema = z.object({ name: z.string().min(1).max(255), value: z.string().max(1000) });

/**
 * A character XML 1.0 cannot carry at all: C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF and unpaired
 * surrogates. An order holding one could never be written into a `query` answer, so it is refused on input
 * instead of poisoning every export batch it lands in (docs/protocol.md §11 #10).
 */
const NON_XML_CHAR =
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Reports every string in `value` (walked without recursion) that holds a {@link NON_XML_CHAR}, with its path. */
function checkXmlText(value: unknown, ctx: z.RefinementCtx): void {
	const work: Array<[unknown, (string | number)[]]> = [[value, []]];
	const found: Array<[(string | number)[], number, number]> = [];
	for (let next = work.pop(); next !== undefined; next = work.pop()) {
		const [v, path] = next;
		if (typeof v === "string") {
			const m = NON_XML_CHAR.exec(v);
			if (m) found.push([path, m.index, v.charCodeAt(m.index)]);
		} else if (Array.isArray(v)) {
			for (let i = v.length - 1; i >= 0; i--) work.push([v[i], [...path, i]]);
		} else if (v !== null && typeof v === "object") {
			const entries = Object.entries(v);
			for (let i = entries.length - 1; i >= 0; i--) {
				const [k, child] = entries[i] as [string, unknown];
				work.push([child, [...path, k]]);
			}
		}
	}
	for (const [path, index, code] of found) {
		const hex = code.toString(16).toUpperCase().padStart(4, "0");
		ctx.addIssue({ code: "custom", path, message: `character U+${hex} at index ${index} cannot be written in XML 1.0` });
	}
}

/** The store order as accepted by Obmen. Only id, number, createdAt, status, customer.name and items are required. */
export const OrderInputSchema = z
	.object({
		id: z.string().min(1).max(40),
		number: z.string().min(1).max(40),
		createdAt: dateTime,
		status: z.string().min(1).max(64),
		currency: z.string().min(1).max(3).default("RUB"),
		rate: decimal.default("1"),
		total: decimal.optional(),
		discount: decimal.default("0"),
		customer: CustomerSchema,
		items: z.array(OrderItemSchema).min(1),
		shipping: z.object({ method: z.string().default(""), price: decimal.default("0"), address: z.string().default("") }).optional(),
		payment: z
			.object({
				/** The payment method's name, sent as "Метод оплаты" (1C maps it to its payment form by name). */
				method: z.string().default(""),
				/** The payment method's code, sent as "Метод оплаты ИД" (УТ maps the payment form by it first); default: `method`. */
				methodId: z.string().max(255).optional(),
				paid: z.boolean().default(false),
				/** When the payment was made (ISO 8601), sent as "Дата оплаты" for a paid order (БП records a card payment). */
				paidAt: dateTime.optional(),
				/** The payment document's number (e.g. the acquirer's transaction id), sent as "Номер платежного документа". */
				documentNumber: z.string().max(255).optional(),
			})
			.optional(),
		comment: text.default(""),
		customerComment: text.default(""),
		extra: z.array(ExtraSchema).default([]),
		/** When the status last changed (ISO 8601); sent as "Дата изменения статуса". Defaults to createdAt. */
		statusChangedAt: dateTime.optional(),
	})
	.superRefine(checkXmlText);

/** An order after validation: defaults filled, decimals normalised, `total` always present (computed when not sent). */
export type Order = Omit<z.output<typeof OrderInputSchema>, "total"> & { total: string };
/** What a store may send (numbers for decimals, optional fields left out). */
export type OrderInput = z.input<typeof OrderInputSchema>;
/** A validated order line (`Товар` of the `Документ`), defaults filled. */
export type OrderItem = z.output<typeof OrderItemSchema>;
/** A validated buyer (the `Контрагент` with `Роль` "Покупатель"), defaults filled. */
export type Customer = z.output<typeof CustomerSchema>;

/** A validation problem, naming the field path (`items.0.price`). */
export interface OrderIssue {
	path: string;
	message: string;
	/** zod's issue code (`invalid_type`, `too_small`, `custom`…). */
	code?: string;
}

/** Thrown by {@link parseOrder} when the input is not a valid order. */
export class OrderValidationError extends Error {
	readonly issues: OrderIssue[];
	constructor(issues: OrderIssue[]) {
		super(issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; "));
		this.name = "OrderValidationError";
		this.issues = issues;
	}
}

/**
 * Computes the order total when the store did not send one:
 * Σ(quantity × price − line discount) + shipping price − order discount, exactly, 2 fraction digits.
 */
export function computeTotal(order: Omit<Order, "total">): string {
	let sum = parseDecimal(0);
	for (const item of order.items) {
		sum = addDecimal(sum, subDecimal(mulDecimal(parseDecimal(item.quantity), parseDecimal(item.price)), parseDecimal(item.discount)));
	}
	if (order.shipping) sum = addDecimal(sum, parseDecimal(order.shipping.price));
	sum = subDecimal(sum, parseDecimal(order.discount));
	return formatDecimal(sum, 2);
}

/**
 * When the store's `total` disagrees with its lines: 1C УТ/УНФ/БП build the order from its lines (Σ line sums, plus the
 * delivery line), so a different total is silently replaced there. Returns the two sums (2 fraction digits) when they
 * differ, else null.
 */
export function totalMismatch(order: Order): { total: string; computed: string } | null {
	const computed = computeTotal(order);
	const total = formatDecimal(parseDecimal(order.total), 2);
	return compareDecimal(parseDecimal(total), parseDecimal(computed)) === 0 ? null : { total, computed };
}

/**
 * Validates one order, filling defaults; returns the issues instead of throwing. `params` are zod's parse parameters
 * (e.g. `{ error: z.locales.ru().localeError }` for messages in Russian).
 */
export function safeParseOrder(
	input: unknown,
	params?: Parameters<typeof OrderInputSchema.safeParse>[1],
): { ok: true; order: Order } | { ok: false; issues: OrderIssue[] } {
	const r = OrderInputSchema.safeParse(input, params);
	if (!r.success) {
		return {
			ok: false,
			issues: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code })),
		};
	}
	const { total, ...rest } = r.data;
	// normalised like a total the store sent: the order read back and sent again is the same order (no new revision,
	// no second export), whether its total was sent or computed
	return { ok: true, order: { ...rest, total: total ?? normalizeDecimal(computeTotal(rest)) } };
}

/**
 * Validates one order and fills defaults (currency RUB, rate 1, person buyer, goods, unit 796 "шт").
 * @throws OrderValidationError naming every invalid field path.
 */
export function parseOrder(input: unknown): Order {
	const r = safeParseOrder(input);
	if (!r.ok) throw new OrderValidationError(r.issues);
	return r.order;
}

/** The JSON Schema of the order input (published as `schema/order.schema.json`). */
export function orderJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(OrderInputSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
