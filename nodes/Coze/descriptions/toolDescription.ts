import type { INodeProperties } from 'n8n-workflow';

/**
 * The tool description of the Coze Workflow Tool, which can be Coze's own description of the
 * workflow. n8n adds its own Tool Description fields only to a node without a `toolDescription`
 * field; these keep n8n's names and values (`auto`, `manual`), so tools saved with n8n's fields
 * read the same. n8n reads `toolDescription` from the saved parameters before the node runs, so
 * the Coze text is picked from a list in the editor and saved; left empty, n8n describes the tool
 * as before ("Set Automatically").
 */

/** The node's description: also n8n's automatic tool description, and its default manual one. */
export const COZE_WORKFLOW_DESCRIPTION = 'Run Coze workflows in stream, async or sync mode, chat with chatflows, resume interrupted runs and read runs';

const TOOL = { '@tool': [true] };
const WITH_WORKFLOW = ['run', 'chat'];
const OTHERS = ['resume', 'getRun', 'uploadFile'];

const automatically = { name: 'Set Automatically', value: 'auto', description: "The node's description" };
const manually = { name: 'Set Manually', value: 'manual', description: 'Write the description' };

export const toolDescriptionProperties: INodeProperties[] = [
	{
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { ...TOOL, operation: WITH_WORKFLOW } },
		options: [
			{ name: 'From the Coze Workflow', value: 'coze', description: "Coze's description of the chosen workflow, picked below (again after choosing another workflow)" },
			automatically,
			manually,
		],
		default: 'coze',
	},
	{
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { ...TOOL, operation: OTHERS } },
		options: [automatically, manually],
		default: 'auto',
	},
	{
		displayName: 'Description Name or ID',
		name: 'toolDescription',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getToolDescriptions', loadOptionsDependsOn: ['workflowId.value', 'operation'] },
		displayOptions: { show: { ...TOOL, operation: WITH_WORKFLOW, descriptionType: ['coze'] } },
		default: '',
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
	{
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		displayOptions: { show: { ...TOOL, descriptionType: ['manual'] } },
		// n8n's default, so a tool saved with "Set Manually" and the text untouched reads the same.
		default: COZE_WORKFLOW_DESCRIPTION,
		required: true,
		typeOptions: { rows: 2 },
		description: 'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often',
	},
];
