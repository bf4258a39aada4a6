/**
 * The chat columns of the Coze fault matrix: the same faults on a chat round, a chatflow through the
 * Coze Workflow node's Chat and an agent through the Coze Agent node, both streamed. Rows whose
 * fault the emulator's chat streams cannot make, or that only workflow runs have, say why.
 */
import { apiError, armedAtStart, cell, limitCodes, NO_CHAT_KNOB, operationError, refused, refusedAtStart, SAME_ERROR, succeeded } from './builders';
import type { ChatMode, FaultCell, NotApplicable } from './model';

type ChatCells = Record<ChatMode, FaultCell | NotApplicable>;

const RESET_NOT_REPEATED = /connection was reset.*may have received the request, so it was not repeated/;
const STREAM_ENDED = /chat stream ended before the chat finished/;
const both = (na: string): ChatCells => ({ chatflow: { na }, agent: { na } });
const NO_IDS = 'Chat streams of the cloud carry no event ids.';

const CELLS: Record<string, ChatCells> = {
	refused: { chatflow: refused(), agent: refused() },
	'reset-before-headers': {
		chatflow: cell(
			'Error "the connection was reset"; not repeated, since Coze may have received the message, and the message says to check Coze before running again.',
			refusedAtStart('chatflow', { resetBeforeHeaders: true }, operationError(RESET_NOT_REPEATED)),
		),
		agent: cell(SAME_ERROR, refusedAtStart('agent', { resetBeforeHeaders: true }, operationError(RESET_NOT_REPEATED))),
	},
	'reset-before-execute-id': {
		chatflow: cell(
			'Knob `cutAfterEvents: 2`: error "The chat stream ended before the chat finished … check the conversation in Coze before sending the message again"; not repeated; one run.',
			armedAtStart('chatflow', { cutAfterEvents: 2 }, { ...operationError(STREAM_ENDED), runs: 1 }),
		),
		agent: cell('The same error; one chat, not repeated.', armedAtStart('agent', { cutAfterEvents: 2 }, { ...operationError(STREAM_ENDED), runs: 1 })),
	},
	'reset-after-execute-id': both('A chat names its chat and conversation IDs in its first event; a cut later is the row above.'),
	'slow-first-byte': {
		chatflow: cell(
			'Knob `firstByteDelayMs: 40000` (chat streams have no PINGs), Coze time ×0.01: waits, the answer as without the delay.',
			armedAtStart('chatflow', { firstByteDelayMs: 40_000 }, { ...succeeded(), runs: 1 }, { timeScale: 0.01 }),
		),
		agent: cell('The same: the answer.', armedAtStart('agent', { firstByteDelayMs: 40_000 }, { ...succeeded(), runs: 1 }, { timeScale: 0.01 })),
	},
	silence: both(NO_CHAT_KNOB),
	'html-502': {
		chatflow: cell(
			'Error "Coze answered HTTP 502 with an HTML page"; not repeated (the gateway may have passed the message on).',
			refusedAtStart('chatflow', { httpStatus: 502 }, apiError(/Coze answered HTTP 502 with an HTML page/, { httpStatus: 502 })),
		),
		agent: cell(SAME_ERROR, refusedAtStart('agent', { httpStatus: 502 }, apiError(/Coze answered HTTP 502 with an HTML page/, { httpStatus: 502 }))),
	},
	'empty-body': {
		chatflow: cell(
			'Error "Coze answered HTTP 200 with an empty body"; not repeated.',
			refusedAtStart('chatflow', { emptyBody: true }, apiError(/Coze answered HTTP 200 with an empty body/, { httpStatus: 200 })),
		),
		agent: cell(SAME_ERROR, refusedAtStart('agent', { emptyBody: true }, apiError(/Coze answered HTTP 200 with an empty body/, { httpStatus: 200 }))),
	},
	'malformed-sse-line': both(NO_CHAT_KNOB),
	'invalid-json': both(NO_CHAT_KNOB),
	'unknown-event': both(NO_CHAT_KNOB),
	'error-then-done': {
		chatflow: cell(
			'The chat form: knob `chatErrorEvent` sends an `error` event after two events, then the stream ends. Error "The Coze chat failed …" with Coze code 5000; not repeated.',
			armedAtStart('chatflow', { chatErrorEvent: true, injectAfterEvents: 2 }, { ...apiError(/The Coze chat failed/, { code: 5000 }), runs: 1 }),
		),
		agent: cell(SAME_ERROR, armedAtStart('agent', { chatErrorEvent: true, injectAfterEvents: 2 }, { ...apiError(/The Coze chat failed/, { code: 5000 }), runs: 1 })),
	},
	'done-without-message': both('A chat that ends without an answer is a chat outcome, not a fault of the stream.'),
	'interrupt-then-close': both('A chatflow question ends the round (status interrupted); it is answered by the next message, not by a resume.'),
	'repeated-ids': both(NO_IDS),
	'missing-ids': both(NO_IDS),
	'five-mb-event': both(NO_CHAT_KNOB),
	'trimmed-output': both('Run histories only: a chat has none.'),
	'limit-codes': { chatflow: limitCodes('chatflow'), agent: limitCodes('agent') },
	'transient-720701013': both('Workflow runs only.'),
};

/** The chat cells of a row, from a helper (rows made for every mode) or from this file. */
export function chatCells(rowId: string): ChatCells {
	const cells = CELLS[rowId];
	if (!cells) throw new Error(`the fault matrix row ${rowId} has no chat cells in chat-cells.ts`);
	return cells;
}
