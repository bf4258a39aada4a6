import type { ICredentialDataDecryptedObject, INodeListSearchResult, INodeParameters } from 'n8n-workflow';

import { startEmulator, type CozeEmulator, type EmulatorOptions } from '../emulator';
import { accessTokenCredentials, callEditorMethod, runNode, type NodeRunResult, type RunNodeOptions } from '../harness/engine';

/** Emulator time runs 100× faster than Coze's in these tests. */
export const TIME_SCALE = 0.01;

export async function withEmulator<T>(fn: (emu: CozeEmulator) => Promise<T>, options: EmulatorOptions = {}): Promise<T> {
	const emu = await startEmulator({ timeScale: TIME_SCALE, ...options });
	try {
		return await fn(emu);
	} finally {
		await emu.close();
	}
}

export function workflow(id: string): INodeParameters {
	return { __rl: true, mode: 'id', value: id } as unknown as INodeParameters;
}

/** The Workflow parameter in its By URL and By ID modes. */
export const byUrl = (value: string) => ({ __rl: true, mode: 'url', value }) as unknown as INodeParameters;
export const byId = (value: string) => ({ __rl: true, mode: 'id', value }) as unknown as INodeParameters;

/** Fast polling for tests (seconds). */
export const FAST_POLL = { pollInitialInterval: 0.02, pollMaxInterval: 0.1 };

export function runParams(id: string, extra: INodeParameters = {}): INodeParameters {
	return { operation: 'run', mode: 'stream', workflowId: workflow(id), parametersJson: '{}', options: {}, ...extra };
}

export async function run(emu: CozeEmulator, parameters: INodeParameters, extra: Partial<RunNodeOptions> = {}): Promise<NodeRunResult> {
	return await runNode({ parameters, credentials: accessTokenCredentials(emu.baseUrl, emu.token), ...extra });
}

export const IDS = {
	docJoke: '7400000000000000001',
	docParamError: '7400000000000000002',
	docWeather: '7400000000000000003',
	sdkNoSpace: '7400000000000000004',
	story: '7400000000000000010',
	answerText: '7400000000000000011',
	variablesOnly: '7400000000000000012',
	failing: '7400000000000000013',
	tripQuestion: '7400000000000000014',
	imageInput: '7400000000000000015',
	longReport: '7400000000000000016',
	bigOutput: '7400000000000000017',
	draft: '7400000000000000018',
	allTypes: '7400000000000000020',
	versioned: '7400000000000000021',
} as const;

/** The data of a Coze OAuth JWT credential for the emulator's service app. */
export function jwtCredentialData(
	emu: Pick<CozeEmulator, 'baseUrl' | 'jwtApp'>,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		appId: emu.jwtApp.appId,
		publicKeyId: emu.jwtApp.keyId,
		privateKey: emu.jwtApp.privateKeyPem,
		region: 'custom',
		baseUrl: emu.baseUrl,
		durationSeconds: 900,
		sessionName: '',
		accessToken: '',
		expiresAt: 0,
		...overrides,
	};
}

/** The Chat operation of the Coze Workflow node (typeVersion 1.1) on a chatflow, in JSON input mode. */
export function chatflowParams(id: string, extra: INodeParameters = {}): INodeParameters {
	return {
		operation: 'chat',
		workflowId: workflow(id),
		inputMode: 'json',
		parametersJson: '{}',
		message: '={{ $json.chatInput }}',
		options: {},
		...extra,
	};
}

/** The Coze Agent node's Chat operation. */
export function agentChatParams(id: string, extra: INodeParameters = {}): INodeParameters {
	return { operation: 'chat', agentId: byId(id), message: '={{ $json.chatInput }}', options: {}, ...extra };
}

/** Runs the Coze Agent node. */
export async function runAgent(emu: CozeEmulator, parameters: INodeParameters, extra: Partial<RunNodeOptions> = {}): Promise<NodeRunResult> {
	return await run(emu, parameters, { node: 'cozeAgent', ...extra });
}

/** The Coze Agent's picker, as the editor calls it. */
export async function searchAgents(emu: CozeEmulator, filter: string): Promise<INodeListSearchResult> {
	return (await callEditorMethod({
		node: 'cozeAgent',
		kind: 'listSearch',
		method: 'searchAgents',
		parameters: { operation: 'chat' },
		credentials: accessTokenCredentials(emu.baseUrl, emu.token),
		typeVersion: 1,
		args: [filter],
	})) as INodeListSearchResult;
}
