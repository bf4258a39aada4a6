// What the e2e suite and the browser walk-through share to run and report one check.

export function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

export interface CheckOutcome {
	ok: boolean;
	/** What the check saw, or why it failed. */
	detail: string;
	seconds: number;
}

/** Runs one check: a body that returns what it saw, or throws why it failed. */
export async function timedCheck(body: () => Promise<string>): Promise<CheckOutcome> {
	const started = Date.now();
	try {
		const detail = await body();
		return { ok: true, detail, seconds: (Date.now() - started) / 1000 };
	} catch (error) {
		return { ok: false, detail: error instanceof Error ? error.message : String(error), seconds: (Date.now() - started) / 1000 };
	}
}
