/**
 * npm run demo: the package's main job on the embedded Coze emulator, with no Coze account.
 * Starts the emulator, runs the Coze Workflow node of examples/coze-stream-run.json through
 * n8n-core's engine in stream mode with n8n's streaming response on, prints each chunk as it
 * arrives and then the output item, and exits 0 when the run succeeded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startEmulator } from '../test/emulator';
import { accessTokenCredentials, runNode, type StructuredChunk } from '../test/harness/engine';

interface ExampleNode {
	type: string;
	parameters: Record<string, unknown>;
}

async function main(): Promise<void> {
	const example = JSON.parse(readFileSync(join(__dirname, '../examples/coze-stream-run.json'), 'utf8')) as { nodes: ExampleNode[] };
	const cozeNode = example.nodes.find((n) => n.type.endsWith('.cozeWorkflow'));
	if (!cozeNode) throw new Error('examples/coze-stream-run.json has no Coze Workflow node');

	// Coze time runs 30× faster than real time, so the demo shows a live stream in a couple of seconds.
	const emulator = await startEmulator({ timeScale: 1 / 30 });
	console.log(`Coze emulator on ${emulator.baseUrl}`);
	const started = Date.now();
	const print = (chunk: StructuredChunk) => {
		const at = `${String(Date.now() - started).padStart(5)} ms`;
		if (chunk.type === 'item') console.log(`[${at}] chunk: ${JSON.stringify(chunk.content)}`);
		else console.log(`[${at}] ${chunk.type}`);
	};
	try {
		const result = await runNode({
			parameters: cozeNode.parameters as never,
			credentials: accessTokenCredentials(emulator.baseUrl, emulator.token),
			mode: 'webhook',
			streaming: true,
			onChunk: print,
		});
		if (result.status !== 'success') {
			console.error(`The run failed: ${result.error?.message ?? result.status}`);
			process.exitCode = 1;
			return;
		}
		console.log('\nOutput item:');
		console.log(JSON.stringify(result.items[0].json, null, 2));
	} finally {
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
