/**
 * @module
 * The buyer of an order as the CommerceML `Контрагенты/Контрагент` 1C УТ 11 loads.
 */
import type { Customer, Order } from "../model/order.ts";
import type { ByteSink } from "./byte-sink.ts";
import type { WriterContext } from "./export-settings.ts";
import { clip, opt } from "./field-text.ts";
import { shortDigest } from "./short-digest.ts";

/** Longest `Контрагент/Ид` (БП keeps it in a `Строка(40)` register). */
export const MAX_COUNTERPARTY_ID_LENGTH = 40;

/**
 * The `Контрагент/Ид` of an order's buyer, never empty (БП 3.0 registers the id even when empty, and then gives every
 * later buyer the first buyer's counterparty): the customer's own `id`; else one derived from what identifies the
 * buyer — `inn-` + digest of ИНН and КПП, `email-` + digest of the lower-cased e-mail, `tel-` + digest of the phone's
 * digits; else `order-` + digest of the order id (a buyer of its own). Never from the name alone: namesakes would
 * share one counterparty. At most {@link MAX_COUNTERPARTY_ID_LENGTH} characters, stable across exports.
 */
export function counterpartyId(order: Pick<Order, "id" | "customer">): string {
	const c = order.customer;
	const own = c.id?.trim();
	if (own) return clip(own, MAX_COUNTERPARTY_ID_LENGTH);
	const inn = c.inn.replace(/\s+/g, "");
	if (inn) return `inn-${shortDigest(`${inn}/${c.kpp.replace(/\s+/g, "")}`)}`;
	const email = c.email.trim().toLowerCase();
	if (email) return `email-${shortDigest(email)}`;
	const phone = c.phone.replace(/\D+/g, "");
	if (phone) return `tel-${shortDigest(phone)}`;
	return `order-${shortDigest(order.id)}`;
}

/**
 * Writes `Контрагенты` with the buyer as the one `Контрагент` (`Роль` "Покупатель", last, as the XSD and
 * current Bitrix have it): a company with `ОфициальноеНаименование`, legal address, ИНН/КПП/ОКПО and bank
 * account, or a person with `ПолноеНаименование` and name parts (always with `Ид`, see {@link counterpartyId}); then address and contacts, whose type
 * names depend on the schema version (`ТелефонРабочий` ≤ 2.05, `Телефон рабочий` ≥ 2.07). 1C finds or
 * creates the counterparty by `Наименование` or by ИНН/КПП (docs/protocol.md §10).
 */
export function writeCounterparty(w: ByteSink, ctx: WriterContext, c: Customer, id: string): void {
	w.lit("<Контрагенты><Контрагент>");
	w.el("Ид", id, "customer.id");
	w.el("Наименование", clip(c.name, 255), "customer.name");
	if (c.type === "company") {
		w.el("ОфициальноеНаименование", clip(c.legalName || c.name, 255), "customer.legalName");
		if (c.legalAddress) {
			w.lit("<ЮридическийАдрес><Представление>");
			w.text(clip(c.legalAddress, 255), "customer.legalAddress");
			w.lit("</Представление></ЮридическийАдрес>");
		}
		opt(w, "ИНН", c.inn, "customer.inn");
		opt(w, "КПП", c.kpp, "customer.kpp");
		opt(w, "ОКПО", c.okpo, "customer.okpo");
		const bank = c.bank;
		if (bank?.account && bank.bik) {
			w.lit("<РасчетныеСчета><РасчетныйСчет>");
			w.el("НомерСчета", bank.account, "customer.bank.account");
			w.lit("<Банк>");
			opt(w, "СчетКорреспондентский", bank.correspondentAccount, "customer.bank.correspondentAccount");
			opt(w, "Наименование", bank.name, "customer.bank.name");
			w.el("БИК", bank.bik, "customer.bank.bik");
			w.lit("</Банк></РасчетныйСчет></РасчетныеСчета>");
		}
	} else {
		w.el("ПолноеНаименование", clip(c.name, 255), "customer.name");
		opt(w, "Фамилия", c.lastName, "customer.lastName");
		opt(w, "Имя", c.firstName, "customer.firstName");
		opt(w, "Отчество", c.middleName, "customer.middleName");
		opt(w, "ИНН", c.inn, "customer.inn");
	}
	if (c.address) {
		w.lit("<Адрес><Представление>");
		w.text(clip(c.address, 255), "customer.address");
		w.lit("</Представление></Адрес>");
	}
	if (c.phone || c.email) {
		w.lit("<Контакты>");
		if (c.phone) {
			w.lit(ctx.modern ? "<Контакт><Тип>Телефон рабочий</Тип><Значение>" : "<Контакт><Тип>ТелефонРабочий</Тип><Значение>");
			w.text(clip(c.phone, 255), "customer.phone");
			w.lit("</Значение></Контакт>");
		}
		if (c.email) {
			w.lit("<Контакт><Тип>Почта</Тип><Значение>");
			w.text(clip(c.email, 255), "customer.email");
			w.lit("</Значение></Контакт>");
		}
		w.lit("</Контакты>");
	}
	w.lit("<Роль>Покупатель</Роль></Контрагент></Контрагенты>");
}
