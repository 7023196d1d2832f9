/** Builds small site→1C query answers (Bitrix-like shape, no namespace) for the emulator's tests. */

export interface SiteLine {
	id?: string;
	sku?: string;
	name: string;
	price: string;
	quantity: string;
	service?: boolean;
	options?: { name: string; value: string }[];
	/** Line `СтавкиНалогов/СтавкаНалога` НДС rate. */
	vatRate?: string;
}
export interface SiteOrder {
	id?: string;
	number: string;
	date?: string;
	time?: string | null;
	operation?: string;
	currency?: string;
	buyer?: { name?: string; inn?: string; kpp?: string; id?: string } | null;
	lines: SiteLine[];
	status?: string;
	cancelled?: boolean;
	extra?: { name: string; value: string }[];
	/** Document `Налоги/Налог` НДС with this `УчтеноВСумме` (absent: no document tax). */
	vatIncluded?: boolean;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const req = (n: string, v: string): string =>
	`<ЗначениеРеквизита><Наименование>${esc(n)}</Наименование><Значение>${esc(v)}</Значение></ЗначениеРеквизита>`;

export function siteOrderXml(o: SiteOrder): string {
	const total = o.lines.reduce((a, l) => a + Number(l.price) * Number(l.quantity), 0).toFixed(2);
	const buyer =
		o.buyer === null
			? ""
			: `<Контрагенты><Контрагент>${o.buyer?.id === "" ? "" : `<Ид>${esc(o.buyer?.id ?? `u${o.number}`)}</Ид>`}<Наименование>${esc(o.buyer?.name ?? "Иванов Иван")}</Наименование><Роль>Покупатель</Роль>${o.buyer?.inn ? `<ИНН>${o.buyer.inn}</ИНН>` : ""}${o.buyer?.kpp ? `<КПП>${o.buyer.kpp}</КПП>` : ""}<Представители><Представитель><Контрагент><Отношение>Контактное лицо</Отношение><Наименование>Контакт</Наименование></Контрагент></Представитель></Представители></Контрагент></Контрагенты>`;
	const lines = o.lines
		.map((l) => {
			const kind = l.service ? "Услуга" : "Товар";
			const opts = l.options?.length
				? `<ХарактеристикиТовара>${l.options.map((c) => `<ХарактеристикаТовара><Наименование>${esc(c.name)}</Наименование><Значение>${esc(c.value)}</Значение></ХарактеристикаТовара>`).join("")}</ХарактеристикиТовара>`
				: "";
			const vat = l.vatRate
				? `<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>${esc(l.vatRate)}</Ставка></СтавкаНалога></СтавкиНалогов>`
				: "";
			return `<Товар>${l.id ? `<Ид>${esc(l.id)}</Ид>` : ""}${l.sku ? `<Артикул>${esc(l.sku)}</Артикул>` : ""}<Наименование>${esc(l.name)}</Наименование><БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>${vat}${opts}<ЦенаЗаЕдиницу>${l.price}</ЦенаЗаЕдиницу><Количество>${l.quantity}</Количество><Сумма>${(Number(l.price) * Number(l.quantity)).toFixed(2)}</Сумма><ЗначенияРеквизитов>${req("ВидНоменклатуры", kind)}${req("ТипНоменклатуры", kind)}</ЗначенияРеквизитов></Товар>`;
		})
		.join("");
	const reqs = [
		o.status !== undefined ? req("Статус заказа", o.status) : "",
		o.cancelled !== undefined ? req("Отменен", String(o.cancelled)) : "",
		...(o.extra ?? []).map((e) => req(e.name, e.value)),
	].join("");
	const taxes =
		o.vatIncluded === undefined
			? ""
			: `<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>${o.vatIncluded}</УчтеноВСумме><Сумма>0</Сумма></Налог></Налоги>`;
	return `<Документ><Ид>${esc(o.id ?? o.number)}</Ид><Номер>${esc(o.number)}</Номер><Дата>${o.date ?? "2026-11-28"}</Дата><ХозОперация>${o.operation ?? "Заказ товара"}</ХозОперация><Роль>Продавец</Роль><Валюта>${o.currency ?? "RUB"}</Валюта><Курс>1</Курс><Сумма>${total}</Сумма>${buyer}${taxes}${o.time === null ? "" : `<Время>${o.time ?? "12:30:00"}</Время>`}<Товары>${lines}</Товары><ЗначенияРеквизитов>${reqs}</ЗначенияРеквизитов></Документ>`;
}

export function siteXml(orders: SiteOrder[], encoding = "UTF-8", namespace = ""): string {
	const ns = namespace ? ` xmlns="${namespace}"` : "";
	return `<?xml version="1.0" encoding="${encoding}"?>\n<КоммерческаяИнформация${ns} ВерсияСхемы="2.05" ДатаФормирования="2026-11-29T10:00:00">${orders.map(siteOrderXml).join("\n")}</КоммерческаяИнформация>\n`;
}
