import { request } from 'node:http';

export interface TimedResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** Each piece of the body with the milliseconds since the request was sent. */
	pieces: Array<{ at: number; text: string }>;
	/** Milliseconds until the whole response was in. */
	totalMs: number;
}

/** One request on its own connection, recording when each piece of the body arrived. */
export async function timedRequest(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<TimedResponse> {
	const started = performance.now();
	return await new Promise((resolve, reject) => {
		const req = request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false, timeout: options.timeoutMs ?? 120_000 }, (res) => {
			const pieces: TimedResponse['pieces'] = [];
			res.setEncoding('utf8');
			res.on('data', (text: string) => pieces.push({ at: performance.now() - started, text }));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body: pieces.map((p) => p.text).join(''), pieces, totalMs: performance.now() - started }),
			);
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 120_000} ms`)));
		req.on('error', reject);
		req.end(options.body);
	});
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
