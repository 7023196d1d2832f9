/**
 * Sample orders for the CommerceML writer tests and the export benchmark (person and company buyers,
 * VAT, discounts, options, shipping, characters outside cp1251).
 */
import type { ExportOrder } from "../cml/export-settings.ts";
import { type OrderInput, parseOrder } from "../model/order.ts";

/** A private person paying by card, two goods lines (one with a line discount and options), paid shipping. */
export const personOrderInput: OrderInput = {
	id: "1001",
	number: "A-1001",
	createdAt: "2026-11-28T09:05:07+03:00",
	status: "N",
	currency: "RUB",
	customer: {
		type: "person",
		id: "u17",
		name: "Иванов Иван Иванович",
		lastName: "Иванов",
		firstName: "Иван",
		middleName: "Иванович",
		email: "ivanov@example.ru",
		phone: "+7 900 000-00-00",
		address: "Москва, ул. Тверская, д. 1, кв. 2",
	},
	items: [
		{
			productId: "p-1",
			externalId: "910e89e5-4b4f-11e9-80d7-0cc47a2b8c1e",
			sku: "ART-1",
			name: 'Телевизор "JVC" <32"> & подставка',
			quantity: 1,
			price: "12490.00",
			discount: "490",
			vatRate: 20,
			options: [
				{ name: "Цвет", value: "Чёрный" },
				{ name: "Гарантия", value: "2 года ™" },
			],
		},
		{ productId: "p-2", name: "Кабель HDMI 2 м", quantity: "2", price: "0.1", vatRate: 10, unit: { code: "796", name: "шт" } },
	],
	shipping: { method: "Курьер", price: "340", address: "Москва, ул. Тверская, д. 1" },
	payment: { method: "Картой онлайн", paid: true },
	comment: "Позвонить за час\r\nдо доставки",
	customerComment: "Домофон 12 ₽ 😀",
	extra: [{ name: "Сайт", value: "[s1] Магазин" }],
	statusChangedAt: "2026-11-28T10:00:00+03:00",
};

/** A company buyer with bank details, a service line, an order discount, free shipping, no VAT. */
export const companyOrderInput: OrderInput = {
	id: "1002",
	number: "1002",
	createdAt: "2026-11-29T23:59:59Z",
	status: "F",
	customer: {
		type: "company",
		id: "c-5",
		name: "ООО «Ромашка»",
		legalName: "Общество с ограниченной ответственностью «Ромашка»",
		inn: "7701234567",
		kpp: "770101001",
		okpo: "12345678",
		legalAddress: "123456, Москва, ул. Ленина, д. 5",
		email: "buh@romashka.ru",
		bank: { account: "40702810900000000001", bik: "044525225", name: "ПАО Сбербанк", correspondentAccount: "30101810400000000225" },
	},
	items: [
		{ productId: "s-1", name: "Сборка мебели", quantity: "1.5", price: "1000", kind: "service", unit: { code: "356", name: "ч" } },
		{
			productId: "p-3",
			sku: "T-3",
			name: "Стол",
			quantity: 3,
			price: 0.1,
			unit: { code: "6", name: "м" },
			options: [{ name: "Размер", value: "XL" }],
		},
	],
	discount: "0.2",
	shipping: { method: "Самовывоз", price: "0", address: "" },
	comment: "",
};

/** The two sample orders, validated. */
export function sampleOrders(): ExportOrder[] {
	return [parseOrder(personOrderInput), parseOrder(companyOrderInput)];
}

/** A generated order of about `lines` lines for volume tests and benchmarks. */
export function generatedOrder(i: number, lines = 5): ExportOrder {
	return {
		...parseOrder({
			id: String(100000 + i),
			number: String(100000 + i),
			createdAt: "2026-11-28T12:34:56+03:00",
			status: i % 7 === 0 ? "F" : "N",
			customer: {
				name: `Покупатель ${i}`,
				lastName: "Петров",
				firstName: "Пётр",
				email: `buyer${i}@example.ru`,
				phone: "+7 (495) 123-45-67",
				address: "г. Москва, ул. Садовая, д. 10",
			},
			items: Array.from({ length: lines }, (_, k) => ({
				productId: `prod-${k}`,
				externalId: `6f1c2a4e-0000-11ee-8000-${String(k).padStart(12, "0")}`,
				sku: `SKU-${k}`,
				name: `Товар № ${k} «Особый» & Co`,
				quantity: k + 1,
				price: `${100 + k}.50`,
				vatRate: 20,
			})),
			shipping: { method: "Курьер", price: "300", address: "г. Москва, ул. Садовая, д. 10" },
			payment: { method: "Наличные", paid: false },
			customerComment: "Позвонить заранее",
		}),
		version: i,
	};
}
