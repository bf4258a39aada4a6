// TEMPORARY STUB of the chat client's contract, for compiling the n8n layer until the protocol branch is merged.
/* eslint-disable @typescript-eslint/no-unused-vars */
import type { CozeClientOptions } from '../client';
import type { CozeFlavor } from '../endpoint';
import type {
	AgentChatRequest,
	AgentSummary,
	ChatflowRequest,
	ChatPollOptions,
	ChatStreamOptions,
	Conversation,
	CozeChatResult,
	MessagePage,
	ToolOutput,
} from './types';

const missing = (): never => {
	throw new Error('chat client not merged yet');
};

export class CozeChatClient {
	readonly flavor: CozeFlavor;
	readonly host: string;
	constructor(options: CozeClientOptions) {
		this.flavor = options.flavor;
		this.host = options.host;
	}
	async chatflow(_request: ChatflowRequest, _options: ChatStreamOptions): Promise<CozeChatResult> {
		return missing();
	}
	async agentChat(_request: AgentChatRequest, _options: ChatStreamOptions): Promise<CozeChatResult> {
		return missing();
	}
	async agentChatPolled(_request: AgentChatRequest, _options: ChatPollOptions): Promise<CozeChatResult> {
		return missing();
	}
	async submitToolOutputs(_ref: { conversationId: string; chatId: string }, _outputs: ToolOutput[], _options: ChatStreamOptions): Promise<CozeChatResult> {
		return missing();
	}
	async cancelChat(_ref: { conversationId: string; chatId: string }): Promise<{ status: string }> {
		return missing();
	}
	async createConversation(_request: { botId?: string; name?: string; metaData?: Record<string, string>; connectorId?: string }): Promise<Conversation> {
		return missing();
	}
	async listConversations(_botId: string, _page: number, _pageSize?: number): Promise<{ conversations: Conversation[]; hasMore: boolean }> {
		return missing();
	}
	async listConversationMessages(
		_conversationId: string,
		_options: { limit?: number; order?: 'asc' | 'desc'; beforeId?: string; afterId?: string },
	): Promise<MessagePage> {
		return missing();
	}
	async clearConversation(_conversationId: string): Promise<{ conversationId: string; sectionId: string }> {
		return missing();
	}
	async listAgents(_workspaceId: string, _page: number, _pageSize?: number): Promise<{ items: AgentSummary[]; total: number }> {
		return missing();
	}
	async listAgentsAcrossWorkspaces(_filter?: string): Promise<AgentSummary[]> {
		return missing();
	}
	async conversationForSession(_request: { botId: string; sessionId: string; connectorId?: string }): Promise<{ conversationId: string; created: boolean }> {
		return missing();
	}
}
