import { describe, expect, it } from "vitest";
import { createMemoryDb } from "./node.ts";

const AT = "2026-12-01T00:00:00.000Z";
const node = (id: string) => ({ id, name: id, login: `l-${id}`, passwordHash: "x", settings: {}, createdAt: AT, updatedAt: AT });

describe("metricsSnapshot", () => {
	it("counts per node and the staged work, from the tables the exchange keeps", async () => {
		const { store, client } = await createMemoryDb();
		const now = 10_000_000;
		expect(await store.metricsSnapshot(now)).toEqual({
			nodes: [],
			sessions: 0,
			uploadsPending: 0,
			uploadsApplying: 0,
			importsInProgress: 0,
			loginFailuresLastHour: 0,
		});
		await store.createNode(node("a"));
		await store.createNode(node("b"));
		await client.executeMultiple(`
			INSERT INTO sessions (id_hash, sessid_hash, node_id, created_at, last_seen_at) VALUES ('s1', 'x1', 'a', 0, 0), ('s2', 'x2', 'b', 0, 0);
			INSERT INTO node_acks (node_id, order_id, acked_revision) VALUES ('a', 'o1', 1), ('a', 'o2', 3), ('b', 'o1', 1);
			INSERT INTO pending_batch (session_id, order_id, revision) VALUES ('s1', 'o3', 2), ('s1', 'o4', 2), ('s2', 'o3', 2);
			INSERT INTO import_ledger (node_id, sha256, filename, at, documents, applied) VALUES ('a', 'h1', 'f.xml', '${AT}', 5, 4), ('a', 'h2', 'g.xml', '${AT}', 2, 2);
			INSERT INTO upload_applies (session_id, name, node_id, state, claimed_until, created_at) VALUES
				('s1', 'u1.zip', 'a', 'pending', ${now + 1000}, 0), ('s1', 'u2.zip', 'a', 'pending', ${now - 1}, 0), ('s2', 'u3.zip', 'b', 'done', 0, 0);
			INSERT INTO import_docs (session_id, sha256, seq, doc) VALUES ('s1', 'h3', 0, '{}'), ('s1', 'h3', 1, '{}'), ('s2', 'h4', 0, '{}');
		`);
		// one failed attempt records an address key and a login key; only the address keys are counted
		await store.recordFailure(["ip:10.0.0.1", "login:l-a"], now - 3_600_001);
		await store.recordFailure(["ip:10.0.0.1", "login:l-a"], now - 60_000);
		await store.recordFailure(["ip:10.0.0.2", "login:nobody"], now - 1);
		expect(await store.metricsSnapshot(now)).toEqual({
			nodes: [
				{ nodeId: "a", ordersAcknowledged: 2, ordersAwaitingSuccess: 2, filesImported: 2, documentsImported: 6 },
				{ nodeId: "b", ordersAcknowledged: 1, ordersAwaitingSuccess: 1, filesImported: 0, documentsImported: 0 },
			],
			sessions: 2,
			uploadsPending: 2,
			uploadsApplying: 1,
			importsInProgress: 2,
			loginFailuresLastHour: 2,
		});
		store.close();
	});
});
