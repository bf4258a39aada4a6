/** Wire types of Coze's workflow API (runs, streams, resumes, run histories). Only what the client reads is typed. */

export interface CozeUsage {
	input_count?: number;
	output_count?: number;
	token_count?: number;
}

export interface MessageEventData {
	content?: string;
	content_type?: string;
	node_title?: string;
	node_seq_id?: string;
	node_is_finish?: boolean;
	node_id?: string;
	node_type?: string;
	node_execute_uuid?: string;
	usage?: CozeUsage;
	ext?: Record<string, string>;
	/** Where the node ran: inside a sub-workflow, a loop iteration, a batch item. */
	sub_execute_id?: string;
	loop_index?: number | string;
	batch_index?: number | string;
}

export interface ErrorEventData {
	error_code?: number | string;
	error_message?: string;
	debug_url?: string;
	node_execute_uuid?: string;
}

export interface DoneEventData {
	debug_url?: string;
	node_execute_uuid?: string;
}

export interface InterruptPayload {
	data?: string;
	event_id?: string;
	type?: number;
	required_parameters?: Record<string, unknown>;
}

export interface InterruptEventData {
	interrupt_data?: InterruptPayload;
	node_title?: string;
	debug_url?: string;
}

/** One decoded `stream_run` / `stream_resume` event. `id` is the SSE id as sent (a decimal string). */
export type CozeStreamEvent =
	| { type: 'Message'; id?: string; data: MessageEventData }
	| { type: 'Error'; id?: string; data: ErrorEventData }
	| { type: 'Done'; id?: string; data: DoneEventData }
	| { type: 'Interrupt'; id?: string; data: InterruptEventData }
	| { type: 'PING'; id?: string }
	| { type: 'unknown'; id?: string; name: string; data: string };

/** The common JSON envelope of non-stream endpoints: `{ code, msg, data, detail: { logid } }`. */
export interface CozeEnvelope {
	code?: number;
	msg?: string;
	data?: unknown;
	detail?: { logid?: string };
	[key: string]: unknown;
}

/** One element of run_histories `data`, with Coze Studio's field names already mapped to the cloud's. */
export interface RunHistoryRecord {
	executeId: string;
	status: 'Running' | 'Success' | 'Fail' | string;
	output: string;
	errorCode?: string;
	errorMessage?: string;
	debugUrl?: string;
	usage?: CozeUsage;
	logId?: string;
	runMode?: number;
	isOutputTrimmed: boolean;
	nodeExecuteStatus: Record<string, { node_id?: string; is_finish?: boolean; node_execute_uuid?: string }>;
	interrupt?: InterruptPayload;
	createTime?: number;
	updateTime?: number;
}
