/**
 * @module
 * Keep-alive check for the runtime entries: 1C keeps one connection across its requests (УНФ 3.0 pauses 5 s before
 * each `import` poll), so a connection left idle must still carry the next request.
 */
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** One GET over `agent`; the status and whether it went over an already open socket. */
function get(agent: Agent, url: string): Promise<{ status: number; reused: boolean }> {
	return new Promise((resolve, reject) => {
		const req = request(url, { agent }, (res) => {
			res.resume();
			res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
		});
		req.on("error", reject);
		req.end();
	});
}

/**
 * Sends a request, leaves the connection idle for `idleMs`, sends another; true when the second one reused the first
 * one's socket (the server kept the idle connection open).
 */
export async function idleConnectionSurvives(
	baseUrl: string,
	idleMs: number,
	path = "/exim_1c?type=sale&mode=checkauth",
): Promise<boolean> {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const first = await get(agent, `${baseUrl}${path}`);
		if (first.reused) throw new Error("the first request cannot reuse a socket");
		await sleep(idleMs);
		return (await get(agent, `${baseUrl}${path}`)).reused;
	} finally {
		agent.destroy();
	}
}
