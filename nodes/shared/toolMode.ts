import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether the node runs as a tool of an AI agent or an MCP client. The `<name>Tool` variant is what
 * the AI Agent (v3) runs as an ordinary node, where isToolExecution() says false; the MCP Server
 * Trigger and older agents run the node inline, where isToolExecution() says true.
 */
export function isToolMode(context: Pick<IExecuteFunctions, 'getNode'> & { isToolExecution?: () => boolean }): boolean {
	if (context.getNode().type.endsWith('Tool')) return true;
	return typeof context.isToolExecution === 'function' && context.isToolExecution() === true;
}

/**
 * The fields of `json` named in `keys` that carry something: the model sees every byte of a tool's
 * item, so empty and null fields are left out.
 */
export function presentFields(json: IDataObject, keys: readonly string[]): IDataObject {
	const picked: IDataObject = {};
	for (const key of keys) {
		const value = json[key];
		if (value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)) picked[key] = value;
	}
	return picked;
}

/**
 * An error for a model: a thrown error reaches it as its message only, so the hint (what to do
 * about it) goes into the message.
 */
export function withHintInMessage<E extends Error>(error: E, hint: string | null | undefined): E {
	const text = hint?.trim();
	if (text && !error.message.includes(text)) error.message = `${error.message.replace(/[.\s]*$/, '')}. ${text}`;
	return error;
}
