import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { redactSecrets } from '../../nodes/shared/redact';

describe('redactSecrets', () => {
	it('replaces each given secret, wherever and however often it appears', () => {
		const secret = 'pat_0123456789abcdef';
		assert.equal(redactSecrets(`token ${secret} and again:${secret}.`, [secret]), 'token [redacted] and again:[redacted].');
	});

	it('replaces any Bearer token, also one it was not given (a renewed one)', () => {
		assert.equal(redactSecrets('authorization=Bearer abc.def-123; next', []), 'authorization=Bearer [redacted]; next');
		assert.equal(redactSecrets('"bearer   xyz"', []), '"bearer [redacted]"');
	});

	it('leaves secrets under 4 characters alone, so that a word like "a" does not blank a message', () => {
		assert.equal(redactSecrets('a short text', ['a', 'sho']), 'a short text');
	});

	it('replaces a secret also as JSON and URLs encode it', () => {
		const secret = 'se"cr/et+1';
		assert.equal(redactSecrets(`{"echo":"se\\"cr/et+1"} ?s=${encodeURIComponent(secret)}`, [secret]), '{"echo":"[redacted]"} ?s=[redacted]');
	});
});
