import { afterEach, describe, expect, it } from "vitest";
import { charsetOf, ObmenApi, ObmenApiError } from "./api.ts";
import { encodeCp1251, installFakeApi } from "./test-support/fake-api.ts";

let fake: ReturnType<typeof installFakeApi> | null = null;
afterEach(() => fake?.restore());

describe("charsetOf", () => {
	it("reads the charset parameter of Content-Type", () => {
		expect(charsetOf("application/xml; charset=windows-1251")).toBe("windows-1251");
		expect(charsetOf('application/xml; Charset="UTF-8"')).toBe("utf-8");
		expect(charsetOf("application/xml")).toBe("utf-8");
		expect(charsetOf(null)).toBe("utf-8");
	});
});

describe("ObmenApi", () => {
	it("sends the bearer token and joins the base URL", async () => {
		fake = installFakeApi({ token: "s3cret" });
		const api = new ObmenApi({ apiBase: "/", token: "s3cret" });
		const nodes = await api.listNodes();
		expect(nodes.map((n) => n.id)).toEqual(["n1"]);
		expect(fake.requests[0]?.url.pathname).toBe("/api/v1/nodes");
		expect(fake.requests[0]?.headers.get("authorization")).toBe("Bearer s3cret");
	});

	it("asks the token provider when no static token is set", async () => {
		fake = installFakeApi({ token: "from-provider" });
		const api = new ObmenApi({ tokenProvider: async () => "from-provider" });
		await expect(api.getNode("n1")).resolves.toMatchObject({ id: "n1" });
		const denied = new ObmenApi({ tokenProvider: () => "wrong" });
		await expect(denied.getNode("n1")).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
	});

	it("turns a 400 answer into an ObmenApiError carrying the field path", async () => {
		fake = installFakeApi();
		fake.failNextPatch = { status: 400, error: { code: "VALIDATION", message: "fileLimit too small", path: "settings.fileLimit" } };
		const err = await new ObmenApi().patchNode("n1", { settings: { fileLimit: 10 } }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ObmenApiError);
		expect(err).toMatchObject({ status: 400, code: "VALIDATION", path: "settings.fileLimit", message: "fileLimit too small" });
		expect(fake.requests[0]?.body).toEqual({ settings: { fileLimit: 10 } });
	});

	it("keeps preview bytes as received and decodes them with the answer's charset", async () => {
		fake = installFakeApi();
		const xml = await new ObmenApi().previewXml("n1");
		expect(xml.charset).toBe("windows-1251");
		expect(xml.text).toContain("<КоммерческаяИнформация");
		const bytes = new Uint8Array(await xml.blob.arrayBuffer());
		expect(Array.from(bytes)).toEqual(Array.from(encodeCp1251(xml.text)));
		// "К" is 0xCA in windows-1251: the download is not re-encoded to UTF-8
		expect(bytes.includes(0xca)).toBe(true);
	});

	it("sends journal filters as query parameters", async () => {
		fake = installFakeApi();
		await new ObmenApi().journal("n1", { limit: 20, errors: true, cursor: "99" });
		const url = fake.requests[0]?.url;
		expect(url?.searchParams.get("limit")).toBe("20");
		expect(url?.searchParams.get("errors")).toBe("1");
		expect(url?.searchParams.get("cursor")).toBe("99");
	});

	it("reports network failures as NETWORK errors", async () => {
		const api = new ObmenApi({ apiBase: "http://127.0.0.1:9" });
		await expect(api.listNodes()).rejects.toMatchObject({ code: "NETWORK", status: 0 });
	});
});
