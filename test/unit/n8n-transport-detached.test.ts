import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';

import type { IHttpRequestOptions } from 'n8n-workflow';

import { N8nHttpTransport } from '../../nodes/Coze/n8n/n8nTransport';
import type { RequestContext } from '../../nodes/shared/n8nRuntime';

/**
 * n8n-core's `httpRequestWithAuthentication` sets `abortSignal` from `this.getExecutionCancelSignal()`
 * whenever its `this` has that method; this context's helper does the same and records what it got.
 */
function contextWithStoppedExecution(seen: Array<{ aborted?: boolean } | undefined>): RequestContext {
	const stopped = new AbortController();
	stopped.abort();
	const context = {
		getExecutionCancelSignal: () => stopped.signal,
		helpers: {
			async httpRequestWithAuthentication(this: object, _type: string, options: IHttpRequestOptions) {
				if ('getExecutionCancelSignal' in this) options.abortSignal = (this as { getExecutionCancelSignal(): AbortSignal }).getExecutionCancelSignal();
				seen.push(options.abortSignal);
				return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{"code":0}')]) };
			},
		},
	};
	return context as unknown as RequestContext;
}

describe('N8nHttpTransport: detached requests', () => {
	it('a detached request is not tied to the execution\'s cancel signal; others are', async () => {
		const seen: Array<{ aborted?: boolean } | undefined> = [];
		const transport = new N8nHttpTransport(contextWithStoppedExecution(seen), 'cozeAccessTokenApi', 'http://127.0.0.1:1', false);
		await transport.send({ method: 'POST', path: '/v3/chat/cancel', json: {}, idleTimeoutMs: 1000, detached: true });
		await transport.send({ method: 'POST', path: '/v3/chat/cancel', json: {}, idleTimeoutMs: 1000 });
		assert.equal(seen[0], undefined);
		assert.equal(seen[1]?.aborted, true);
	});
});
