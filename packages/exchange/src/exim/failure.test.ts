import { describe, expect, it } from "vitest";
import { EximFailure } from "./failure.ts";
import { BAD_CREDENTIALS, CREDENTIALS_REQUIRED, exportBusy, FAILURE_CODES, NEED_CHECKAUTH, TOO_LARGE } from "./replies.ts";

describe("EximFailure", () => {
	it("carries the reason and the journal code of the catalogue's reasons", () => {
		expect(new EximFailure(BAD_CREDENTIALS).code).toBe("auth_failed");
		expect(new EximFailure(NEED_CHECKAUTH).code).toBe("no_session");
		expect(new EximFailure(TOO_LARGE).code).toBe("file_too_large");
		for (const [reason, code] of FAILURE_CODES) expect(new EximFailure(reason).code).toBe(code);
	});

	it("classifies a rejected file by its form, anything else as other; an explicit code wins", () => {
		expect(new EximFailure("XML_SYNTAX: unexpected end at line 3, column 7").code).toBe("xml_invalid");
		expect(new EximFailure(exportBusy(0, 1000)).code).toBe("other");
		expect(new EximFailure("whatever", { code: "busy" }).code).toBe("busy");
	});

	it("is a 200 failure, except the 401 challenge it is told to be", () => {
		const plain = new EximFailure(BAD_CREDENTIALS);
		expect([plain.status, plain.headers, plain.reason, plain.message]).toEqual([200, {}, BAD_CREDENTIALS, BAD_CREDENTIALS]);
		const challenge = new EximFailure(CREDENTIALS_REQUIRED, { status: 401, headers: { "WWW-Authenticate": "Basic" } });
		expect([challenge.status, challenge.headers["WWW-Authenticate"]]).toEqual([401, "Basic"]);
	});
});
