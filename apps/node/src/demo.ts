/**
 * @module
 * `npm run demo`: realistic demo orders (Cyrillic names, companies with ИНН/КПП, options, shipping) and a demo
 * 1C node, written into a temporary database; once the server listens, one real exchange by the 1C emulator (УТ 11)
 * fills the journal, and a few store-side changes afterwards leave orders waiting for 1C in the preview.
 */
import { type OrderInput, parseOrder } from "@obmen/core";
import type { ExchangeStore } from "@obmen/db";
import { Infobase, sync } from "@obmen/emulator";
import { defaultSettings, hashPassword, randomToken } from "@obmen/exchange";

/** The demo orders (store JSON as a shop would PUT it). */
export function demoOrders(now: Date): OrderInput[] {
	const day = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().replace(/\.\d+Z$/, "+00:00");
	return [
		{
			id: "demo-1001",
			number: "1001",
			createdAt: day(3),
			status: "new",
			customer: {
				type: "person",
				name: "Иванов Иван Иванович",
				lastName: "Иванов",
				firstName: "Иван",
				middleName: "Иванович",
				email: "ivanov@example.ru",
				phone: "+7 916 123-45-67",
				address: "119019, г. Москва, ул. Новый Арбат, д. 15, кв. 42",
			},
			items: [
				{
					productId: "kettle-01",
					sku: "TWK3A011",
					name: "Чайник электрический Bosch TWK 3A011",
					quantity: 1,
					price: "2490.00",
					vatRate: 20,
				},
				{ productId: "mug-02", sku: "MUG-350", name: "Кружка керамическая «Север», 350 мл", quantity: 2, price: "390.00", vatRate: 20 },
			],
			shipping: { method: "Курьерская доставка", price: "350.00", address: "119019, г. Москва, ул. Новый Арбат, д. 15, кв. 42" },
			payment: { method: "Банковская карта", paid: true },
			customerComment: "Позвонить за час до доставки",
		},
		{
			id: "demo-1002",
			number: "1002",
			createdAt: day(2),
			status: "processing",
			customer: {
				type: "company",
				name: "ООО «Ромашка»",
				legalName: "Общество с ограниченной ответственностью «Ромашка»",
				inn: "7701234567",
				kpp: "770101001",
				legalAddress: "125009, г. Москва, ул. Тверская, д. 7, оф. 301",
				email: "zakupki@romashka.ru",
				phone: "+7 495 765-43-21",
				bank: { account: "40702810900000012345", bik: "044525225", name: "ПАО Сбербанк", correspondentAccount: "30101810400000000225" },
			},
			items: [
				{
					productId: "tshirt-10",
					externalId: "9b1f2c3d-0000-4a5b-8c9d-112233445566#7e8f9a0b-1111-4c2d-9e3f-665544332211",
					sku: "TS-ORG-BL",
					name: "Футболка хлопковая с логотипом",
					quantity: 25,
					price: "650.00",
					vatRate: 20,
					options: [
						{ name: "Размер", value: "XL" },
						{ name: "Цвет", value: "Синий" },
					],
				},
				{ productId: "print-01", name: "Нанесение логотипа (шелкография)", quantity: 25, price: "120.00", kind: "service", vatRate: 20 },
			],
			shipping: { method: "Транспортная компания «СДЭК»", price: "1200.00", address: "125009, г. Москва, ул. Тверская, д. 7" },
			payment: { method: "Безналичный расчёт по счёту", paid: false },
			comment: "Счёт выставлен, ждём оплату",
		},
		{
			id: "demo-1003",
			number: "1003",
			createdAt: day(1),
			status: "new",
			customer: {
				type: "person",
				name: "Смирнова Анна Сергеевна",
				email: "anna.smirnova@example.ru",
				phone: "+7 921 555-12-34",
				address: "190000, г. Санкт-Петербург, Невский пр., д. 28",
			},
			items: [
				{
					productId: "book-77",
					sku: "978-5-389-07435-4",
					name: "Книга «Мастер и Маргарита», М. А. Булгаков",
					quantity: 1,
					price: "549.90",
					vatRate: 10,
				},
			],
			shipping: { method: "Самовывоз", price: "0" },
			payment: { method: "Наличными при получении", paid: false },
		},
		{
			id: "demo-1004",
			number: "1004",
			createdAt: day(0),
			status: "new",
			discount: "500.00",
			customer: {
				type: "company",
				name: "ИП Петров Пётр Алексеевич",
				inn: "500100732259",
				email: "petrov.ip@example.ru",
				phone: "+7 903 000-11-22",
				address: "630099, г. Новосибирск, Красный пр., д. 1",
			},
			items: [
				{
					productId: "chair-5",
					sku: "CH-ERG-5",
					name: "Кресло офисное эргономичное «Комфорт»",
					quantity: 2,
					price: "12990.00",
					vatRate: 20,
					options: [{ name: "Цвет", value: "Чёрный" }],
				},
			],
			shipping: { method: "Доставка до двери", price: "990.00", address: "630099, г. Новосибирск, Красный пр., д. 1" },
			payment: { method: "Банковская карта", paid: true },
		},
	];
}

/** Seeds the demo orders and a `demo` node; returns the node's login and password. */
export async function seedDemo(store: ExchangeStore, now: Date): Promise<{ login: string; password: string }> {
	const at = now.toISOString();
	for (const input of demoOrders(now)) await store.upsertOrder(parseOrder(input), at);
	const password = randomToken(6);
	const settings = {
		...defaultSettings(),
		exportOptions: true,
		// a store-cancelled order reaches 1C with "Отменен" = true; shipped and cancelled ones are final
		cancelledStatuses: ["cancelled"],
		finalStatuses: ["shipped", "cancelled"],
		statusMap: {
			export: { new: "Новый", processing: "В работе", paid: "Оплачен", shipped: "Отгружен", cancelled: "Отменен" },
			import: [
				{ on: "paid" as const, status: "paid" },
				{ on: "shipped" as const, status: "shipped" },
				{ on: "cancelled" as const, status: "cancelled" },
			],
		},
	};
	await store.createNode({
		id: randomToken(8),
		name: "demo",
		login: "demo",
		passwordHash: await hashPassword(password),
		settings,
		createdAt: at,
		updatedAt: at,
	});
	return { login: "demo", password };
}

/**
 * Runs one exchange against the listening demo server as УТ 11 would (checkauth, init, query, success, then the
 * order file back via file/import, with 1C paying order 1002 and shipping 1001), so the admin journal opens with rows.
 * Afterwards the shop changes order 1002 and takes a new order 1005, so the preview has orders not yet acknowledged.
 */
export async function runDemoExchange(
	store: ExchangeStore,
	url: string,
	creds: { login: string; password: string },
	now: () => Date = () => new Date(),
): Promise<{ ok: boolean }> {
	const report = await sync("ut11", {
		url: `${url}/exim_1c`,
		login: creds.login,
		password: creds.password,
		infobase: new Infobase(undefined, now),
		beforeUpload: (base) => {
			base.pay("1002");
			base.ship("1001");
		},
	});
	const at = now();
	const [first, second] = demoOrders(at);
	const current = second ? await store.getOrder(second.id) : null;
	if (current) {
		const comment = "Клиент просит выставить закрывающие документы";
		await store.upsertOrder(parseOrder({ ...current.order, comment }), at.toISOString());
	}
	if (first) {
		await store.upsertOrder(
			parseOrder({ ...first, id: "demo-1005", number: "1005", createdAt: at.toISOString().replace(/\.\d+Z$/, "+00:00") }),
			at.toISOString(),
		);
	}
	return { ok: report.ok };
}
