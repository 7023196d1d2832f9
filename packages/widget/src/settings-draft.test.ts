import { describe, expect, it } from "vitest";
import { changedSettings, draftOf, isDirty, settingsOf, validateDraft } from "./settings-draft.ts";
import { defaultSettings } from "./test-support/fake-api.ts";

describe("settings draft", () => {
	it("round-trips unchanged settings and is not dirty", () => {
		const s = defaultSettings();
		const d = draftOf(s);
		expect(settingsOf(d)).toEqual(s);
		expect(isDirty(s, d)).toBe(false);
		expect(validateDraft(d)).toEqual([]);
	});

	it("validates numbers, status rows and the password", () => {
		const d = draftOf(defaultSettings());
		d.fileLimit = "1000";
		d.batchSize = "abc";
		d.password = "short";
		d.exportRows.push({ from: "P", to: "" });
		d.settings.statusMap.import.push({ on: "status", value: " ", status: " " });
		const problems = validateDraft(d);
		expect(problems).toEqual([
			{ path: "settings.fileLimit", key: "err.fileLimitMin" },
			{ path: "settings.batchSize", key: "err.integer" },
			{ path: "password", key: "err.passwordShort" },
			{ path: "settings.statusMap.export.1.from", key: "err.duplicate" },
			{ path: "settings.statusMap.export.1.to", key: "err.required" },
			{ path: "settings.statusMap.import.1.status", key: "err.required" },
		]);
		d.fileLimit = "1024";
		d.batchSize = "10001";
		expect(validateDraft(d).slice(0, 2)).toEqual([
			{ path: "settings.batchSize", key: "err.batchSizeRange" },
			{ path: "password", key: "err.passwordShort" },
		]);
	});

	it('exportFromNumber must be an order number ("abc" is refused, a prefixed number is fine)', () => {
		const d = draftOf(defaultSettings());
		for (const [value, ok] of [
			["abc", false],
			["10 00", false],
			["1000", true],
			["SHOP-100", true],
			["", true],
		] as const) {
			d.exportFromNumber = value;
			expect(
				validateDraft(d).some((p) => p.path === "settings.exportFromNumber" && p.key === "err.notANumber"),
				value,
			).toBe(!ok);
		}
	});

	it("reports only changed top-level keys, with numbers parsed and empty number → null", () => {
		const s = { ...defaultSettings(), exportFromNumber: "100" };
		const d = draftOf(s);
		d.settings.shipping = "always";
		d.batchSize = " 50 ";
		d.exportFromNumber = "";
		d.exportRows[0] = { from: "P", to: "Оплачен" };
		const next = settingsOf(d);
		expect(changedSettings(s, next)).toEqual({
			shipping: "always",
			batchSize: 50,
			exportFromNumber: null,
			statusMap: { export: { P: "Оплачен" }, import: [{ on: "paid", status: "P" }] },
		});
		expect(isDirty(s, d)).toBe(true);
	});

	it("keeps only meaningful import rule values (flag false, non-empty 1C status)", () => {
		const d = draftOf(defaultSettings());
		d.settings.statusMap.import = [
			{ on: "shipped", value: "true", status: "S" },
			{ on: "paid", value: "false", status: "N" },
			{ on: "status", value: " Закрыт ", status: "F" },
			{ on: "status", value: "", status: "X" },
		];
		expect(settingsOf(d).statusMap.import).toEqual([
			{ on: "shipped", status: "S" },
			{ on: "paid", value: "false", status: "N" },
			{ on: "status", value: "Закрыт", status: "F" },
			{ on: "status", status: "X" },
		]);
	});

	it("checks the login like HTTP Basic does and the webhook URL", () => {
		const d = draftOf(defaultSettings());
		d.webhookUrl = "mailto:x";
		expect(validateDraft(d, "a b")).toEqual([
			{ path: "login", key: "err.login" },
			{ path: "settings.webhookUrl", key: "err.url" },
		]);
		d.webhookUrl = "https://crm.example/hook";
		expect(validateDraft(d, "exchange")).toEqual([]);
		expect(settingsOf(d).webhookUrl).toBe("https://crm.example/hook");
	});
});
