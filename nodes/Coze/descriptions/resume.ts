import type { INodeProperties } from 'n8n-workflow';

const show = { operation: ['resume'] };

export const resumeProperties: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '={{ $json.interrupt?.eventId }}',
		placeholder: '7404830425073352713/2769808280134765896',
		description: "The interrupt's event ID (interrupt.eventId of an interrupted run)",
	},
	{
		displayName: 'Interrupt Type',
		name: 'interruptType',
		type: 'number',
		required: true,
		displayOptions: { show },
		default: 2,
		description:
			"The interrupt's type, interrupt.type of the interrupted run: 2 for a Question node, 5 for an Input node",
	},
	{
		displayName: 'Answer',
		name: 'resumeData',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		displayOptions: { show },
		default: '',
		description: "The answer to the question (Coze calls it resume_data). For an Input node, a JSON object of the requested values, e.g. {\"img\":\"{\\\"file_id\\\":\\\"…\\\"}\"}.",
	},
	{
		displayName: 'Resume Via',
		name: 'resumeVia',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Stream', value: 'stream', description: 'Stream_resume: for runs that were streamed' },
			{ name: 'Non-Stream', value: 'nonStream', description: '/v1/workflows/resume: for runs that started in sync or async mode' },
		],
		default: 'stream',
	},
];
