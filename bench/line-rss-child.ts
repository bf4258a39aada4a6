// Child process of figure 11: offers one line of <lineBytes> without a line end to the stream decoder,
// 64 KiB at a time, and prints its peak RSS. <limit> is the decoder's Max Event Size in bytes; 0 is
// the baseline: the same chunks, dropped unread (the decoder module is loaded all the same).
import { readFileSync } from 'node:fs';

import { CozeStreamDecoder } from '../nodes/Coze/protocol/streamDecoder';

const CHUNK = 64 * 1024;

function vmHwmBytes(): number {
	const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
	return match ? Number(match[1]) * 1024 : NaN;
}

function main(): void {
	const [lineBytes, limit] = process.argv.slice(2).map(Number);
	if (!lineBytes || limit === undefined || !Number.isInteger(limit)) throw new Error('usage: line-rss-child <lineBytes> <limit, 0 for none>');
	const decoder = limit === 0 ? undefined : new CozeStreamDecoder(limit);
	const before = vmHwmBytes();
	let offered = 0;
	let refusedAt: number | undefined;
	let refusals = 0;
	for (let head = true; offered < lineBytes; head = false) {
		// A fresh chunk each time, as a socket hands them over.
		const chunk = head ? Buffer.from('id: 0\nevent: Message\ndata: {"content":"') : Buffer.alloc(Math.min(CHUNK, lineBytes - offered), 0x61);
		offered += chunk.byteLength;
		if (!decoder) continue;
		try {
			decoder.push(chunk);
		} catch {
			refusedAt ??= offered;
			refusals++;
		}
	}
	process.stdout.write(`${JSON.stringify({ before, peak: vmHwmBytes(), offered, refusedAt: refusedAt ?? null, refusals })}\n`);
}

main();
