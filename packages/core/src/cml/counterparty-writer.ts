/**
 * @module
 * The buyer of an order as the CommerceML `Контрагенты/Контрагент` 1C УТ 11 loads.
 */
import type { Customer } from "../model/order.ts";
import type { ByteSink } from "./byte-sink.ts";
import type { WriterContext } from "./export-settings.ts";
import { clip, opt } from "./field-text.ts";

/**
 * Writes `Контрагенты` with the buyer as the one `Контрагент` (`Роль` "Покупатель", last, as the XSD and
 * current Bitrix have it): a company with `ОфициальноеНаименование`, legal address, ИНН/КПП/ОКПО and bank
 * account, or a person with `ПолноеНаименование` and name parts; then address and contacts, whose type
 * names depend on the schema version (`ТелефонРабочий` ≤ 2.05, `Телефон рабочий` ≥ 2.07). 1C finds or
 * creates the counterparty by `Наименование` or by ИНН/КПП (docs/protocol.md §10).
 */
export function writeCounterparty(w: ByteSink, ctx: WriterContext, c: Customer): void {
	w.lit("<Контрагенты><Контрагент>");
	opt(w, "Ид", c.id, "customer.id", 40);
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
