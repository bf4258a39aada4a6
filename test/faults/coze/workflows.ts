/** The workflows the Coze fault matrix runs: the emulator's built-in ones and four it adds. */
import type { WorkflowScenario } from '../../emulator';
import { IDS } from '../../engine/helpers';

const QUESTION = { id: '148293', type: 'Question', title: '问答' };

export const FIVE_MB = 5 * 1024 * 1024;
let fiveMbText: string | undefined;
/** Made on first use: most test processes never need the 5 MB. */
function FIVE_MB_TEXT(): string {
	fiveMbText ??= 'x'.repeat(FIVE_MB);
	return fiveMbText;
}

/** Workflows the built-in catalogue lacks, added to each cell's emulator. */
export const MATRIX_SCENARIOS: WorkflowScenario[] = [
	{ id: '7400000000000009001', name: 'No output', description: 'Finishes without any Message: only Done.', script: [{ kind: 'wait', ms: 1000 }] },
	{
		id: '7400000000000009002',
		name: 'Five megabytes',
		description: 'The End node returns 5 MB of variables in one Message.',
		script: [
			{ kind: 'wait', ms: 1000 },
			{ kind: 'end', mode: 'variables', output: () => ({ output: FIVE_MB_TEXT() }) },
		],
	},
	{
		id: '7400000000000009003',
		name: 'Question, then nothing',
		description: 'A question; after the answer the workflow ends without any Message.',
		script: [
			{ kind: 'wait', ms: 500 },
			{ kind: 'interrupt', node: QUESTION, interruptType: 2, question: 'Which day?', resume: { then: [{ kind: 'wait', ms: 500 }] } },
		],
	},
	{
		id: '7400000000000009004',
		name: 'Question, then a failure',
		description: 'A question; after the answer a node fails (Error, then Done).',
		script: [
			{ kind: 'wait', ms: 500 },
			{
				kind: 'interrupt',
				node: QUESTION,
				interruptType: 2,
				question: 'Which day?',
				resume: {
					then: [
						{ kind: 'wait', ms: 500 },
						{ kind: 'fail', errorCode: 5000, errorMessage: '[720712000] The node "Plan" failed after the answer.' },
					],
				},
			},
		],
	},
];

export const WF = {
	story: IDS.story,
	failing: IDS.failing,
	trip: IDS.tripQuestion,
	imageInput: IDS.imageInput,
	bigOutput: IDS.bigOutput,
	noOutput: '7400000000000009001',
	fiveMb: '7400000000000009002',
	questionThenNothing: '7400000000000009003',
	questionThenFailure: '7400000000000009004',
} as const;

/** The answer a resume cell sends by default: a valid date for the trip planner's question. */
export const VALID_ANSWER = '杭州，2024-08-20';
