/** The biggest entry by its JSON size (the first of equals): the one to name when a request is too big. */
export function biggestField(entries: Record<string, unknown>): string | undefined {
	let best: string | undefined;
	let size = -1;
	for (const [key, value] of Object.entries(entries)) {
		const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
		if (bytes > size) {
			best = key;
			size = bytes;
		}
	}
	return best;
}
