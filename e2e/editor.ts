/**
 * npm run editor: a real n8n (2.x) with this package, the example workflows and credentials for
 * the embedded Coze emulator and a local OpenClaw gateway, so that the nodes can be tried without
 * a Coze account. Prints the editor URL and a login; Ctrl-C stops everything.
 *   --check          start, check that every example opens (its node and credential types are
 *                    known to the editor), then stop: used by the e2e suite.
 *   --no-openclaw    do not start the OpenClaw gateway (saves about 1 GB of memory).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OWNER, ROOT, startEditorEnv } from './editor-env';
import { freePort } from '../test/support/processes';
import { waitFor } from '../test/support/wait';

const CACHE = join(ROOT, '.cache', 'editor');
const args = process.argv.slice(2);

interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; credentials?: Record<string, unknown> }>;
}

async function main(): Promise<void> {
	const port = args.includes('--check') ? await freePort() : Number(process.env.N8N_PORT ?? 5678);
	const env = await startEditorEnv({ cacheDir: CACHE, port, openclaw: !args.includes('--no-openclaw'), log: console.log });
	const { base, cookie, emu, gateway } = env;
	const files = env.exampleFiles;
	try {
		// What the editor needs to open each example: its workflow, and every node and credential type.
		// The type lists are written shortly after start-up: retry until they parse.
		const typesOf = async (kind: string) =>
			await waitFor(
				`/types/${kind}.json`,
				60_000,
				async () => {
					const answer = await fetch(`${base}/types/${kind}.json`, { headers: { cookie } });
					const text = await answer.text();
					if (!answer.ok) throw new Error(`HTTP ${answer.status}: ${text.slice(0, 200)}`);
					return JSON.parse(text) as Array<{ name: string }>;
				},
				1000,
			);
		const nodeTypes = await typesOf('nodes');
		const credentialTypes = await typesOf('credentials');
		const knownNodes = new Set(nodeTypes.map((t) => t.name));
		const knownCredentials = new Set(credentialTypes.map((t) => t.name));
		const problems: string[] = [];
		for (const file of files) {
			const workflow = JSON.parse(readFileSync(file, 'utf8')) as WorkflowFile;
			const answer = await fetch(`${base}/rest/workflows/${workflow.id}`, { headers: { cookie } });
			if (!answer.ok) problems.push(`${workflow.id}: HTTP ${answer.status}`);
			for (const node of workflow.nodes) {
				if (!knownNodes.has(node.type)) problems.push(`${workflow.name}: unknown node type ${node.type}`);
				for (const type of Object.keys(node.credentials ?? {}))
					if (!knownCredentials.has(type)) problems.push(`${workflow.name}: unknown credential type ${type}`);
			}
		}
		if (problems.length) throw new Error(`examples that would not open:\n  ${problems.join('\n  ')}`);
		console.log(`\nn8n ${env.version} with n8n-nodes-coze-openclaw: ${base}/`);
		console.log(`Log in as ${OWNER.email} / ${OWNER.password}`);
		console.log(
			`${files.length} example workflows open; credentials point at the Coze emulator (${emu.baseUrl})${gateway ? ` and an OpenClaw gateway (${gateway.baseUrl})` : ''}.`,
		);
		// Local test values, printed so that a credential can be created from scratch in the editor.
		console.log('\nTo create the credentials yourself (Credentials → Add credential):');
		console.log(`  Coze Access Token API: Access Token ${emu.token}, Region "Other Base URL (Proxy)", Base URL ${emu.baseUrl}`);
		if (gateway && env.route)
			console.log(`  OpenClaw Webhook Route API: Gateway URL ${gateway.baseUrl}, Route Path ${env.route.path}, Secret ${env.route.secret}, Header Style "Authorization: Bearer"`);
		console.log(`  Coze Webhook Secret API: Secret ${env.pushSecret} (a Coze Trigger request sends "Authorization: Bearer <this secret>")`);
		if (args.includes('--check')) return;
		console.log('Ctrl-C stops n8n, the emulator and the gateway.');
		await new Promise<void>((resolve) => {
			process.once('SIGINT', () => resolve());
			process.once('SIGTERM', () => resolve());
		});
	} finally {
		await env.stop();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	},
);
