import { describe, expect, it } from "vitest";
import { parseBasicAuth } from "./basic-auth.ts";
import { replyFailure, replyProgress, replySuccess } from "./replies.ts";

describe("protocol replies", () => {
	it("success with data lines, LF only, trailing LF", () => {
		expect(replySuccess()).toBe("success\n");
		expect(replySuccess("zip=yes", "file_limit=8388608")).toBe("success\nzip=yes\nfile_limit=8388608\n");
		expect(replySuccess("a\r\nb")).toBe("success\na b\n");
	});
	it("failure reason is one line", () => {
		expect(replyFailure("XML_TRUNCATED: incomplete file orders.xml")).toBe("failure\nXML_TRUNCATED: incomplete file orders.xml\n");
		expect(replyFailure("bad\r\nthing\rhere\n")).toBe("failure\nbad thing here\n");
		expect(replyFailure("x").includes("\r")).toBe(false);
	});
	it("progress", () => {
		expect(replyProgress("Обработано 500 из 2000")).toBe("progress\nОбработано 500 из 2000\n");
		expect(replyProgress()).toBe("progress\n");
	});
});

describe("parseBasicAuth", () => {
	const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
	it("parses ASCII and UTF-8 credentials, scheme case-insensitive, password may contain ':'", () => {
		expect(parseBasicAuth(`Basic ${b64("admin:secret")}`)).toEqual({ login: "admin", password: "secret" });
		expect(parseBasicAuth(`basic ${b64("обмен:пароль:с:двоеточием")}`)).toEqual({ login: "обмен", password: "пароль:с:двоеточием" });
		expect(parseBasicAuth(`BASIC ${b64(":")}`)).toEqual({ login: "", password: "" });
	});
	it.each([
		[undefined],
		[null],
		[""],
		["Bearer abc"],
		["Basic"],
		["Basic !!!"],
		[`Basic ${btoa("nocolon")}`],
		[`Basic ${btoa("\xff\xfe:x")}`],
	])("refuses %j", (h) => expect(parseBasicAuth(h as string)).toBeNull());
});
