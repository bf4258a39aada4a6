import { chatError, ownerOf, parseMessages, parseMetaData, storeEntered } from './chat-requests';
import type { Conversation } from './chat-state';
import { conversationJson, listedMessageJson } from './chat-wire';
import { isRecord, type RequestContext, type Route } from './context';

// Conversations: create, list (by bot), retrieve, list messages, clear context, delete. Only the
// owner (the token's Coze account) sees a conversation; anyone else gets 4002, as for unknown ids.

function intParam(raw: unknown, fallback: number): number | undefined {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(value) ? value : undefined;
}

function create(ctx: RequestContext): void {
  const body = ctx.json === undefined ? {} : ctx.json;
  if (!isRecord(body)) return chatError(ctx, 4000, 'the body must be a JSON object');
  const name = typeof body['name'] === 'string' ? body['name'] : '';
  if (name.length > 100) return chatError(ctx, 4000, 'name must be at most 100 characters');
  const messages = parseMessages(body['messages'], 'messages', 16, 4000);
  if (!messages.ok) return chatError(ctx, messages.code, messages.reason);
  const metaData = parseMetaData(body['meta_data'], 'meta_data');
  if (!metaData.ok) return chatError(ctx, metaData.code, metaData.reason);
  const botId = typeof body['bot_id'] === 'string' && body['bot_id'] !== '' ? body['bot_id'] : undefined;
  const connectorId = typeof body['connector_id'] === 'string' ? body['connector_id'] : undefined;
  const store = ctx.state.chat;
  const conversation = store.createConversation({ owner: ownerOf(ctx), botId, connectorId, name, metaData: metaData.value });
  storeEntered(store, conversation, messages.value, botId === undefined ? {} : { botId });
  ctx.reply.json({ code: 0, msg: '', data: conversationJson(conversation) });
}

function list(ctx: RequestContext): void {
  const botId = ctx.query['bot_id'];
  if (!botId) return chatError(ctx, 4000, 'bot_id is required');
  const pageNum = intParam(ctx.query['page_num'], 1);
  const requestedSize = intParam(ctx.query['page_size'], 50);
  if (pageNum === undefined || pageNum < 1) return chatError(ctx, 4000, 'page_num must be an integer >= 1');
  if (requestedSize === undefined || requestedSize < 1) return chatError(ctx, 4000, 'page_size must be an integer >= 1');
  const pageSize = Math.min(requestedSize, 50);
  const order = (ctx.query['sort_order'] ?? 'DESC').toUpperCase();
  if (order !== 'ASC' && order !== 'DESC') return chatError(ctx, 4000, 'sort_order must be ASC or DESC');
  const connectorId = ctx.query['connector_id'] || '1024';
  const owner = ownerOf(ctx);
  // Map order is creation order, so ties within a second keep it.
  const matching = [...ctx.state.chat.conversations.values()].filter((c) => c.owner === owner && c.botId === botId && c.connectorId === connectorId);
  if (order === 'DESC') matching.reverse();
  const start = (pageNum - 1) * pageSize;
  ctx.reply.json({
    code: 0,
    msg: '',
    data: { has_more: start + pageSize < matching.length, conversations: matching.slice(start, start + pageSize).map(conversationJson) },
  });
}

function ownedFrom(ctx: RequestContext, id: string | undefined): Conversation | undefined {
  if (!id) {
    chatError(ctx, 4000, 'conversation_id is required');
    return undefined;
  }
  const conversation = ctx.state.chat.owned(ownerOf(ctx), id);
  if (!conversation) chatError(ctx, 4002);
  return conversation;
}

function retrieve(ctx: RequestContext): void {
  const conversation = ownedFrom(ctx, ctx.query['conversation_id']);
  if (conversation) ctx.reply.json({ code: 0, msg: '', data: conversationJson(conversation) });
}

function messageList(ctx: RequestContext): void {
  const conversation = ownedFrom(ctx, ctx.query['conversation_id']);
  if (!conversation) return;
  const body = isRecord(ctx.json) ? ctx.json : {};
  const order = body['order'] === 'asc' ? 'asc' : 'desc';
  if (body['order'] !== undefined && body['order'] !== null && body['order'] !== 'asc' && body['order'] !== 'desc') return chatError(ctx, 4000, 'order must be asc or desc');
  const limit = intParam(body['limit'], 50);
  if (limit === undefined || limit < 1 || limit > 50) return chatError(ctx, 4000, 'limit must be an integer from 1 to 50');
  const chatId = typeof body['chat_id'] === 'string' && body['chat_id'] !== '' ? body['chat_id'] : undefined;
  let items = conversation.messages.filter((m) => (m.type === 'question' || m.type === 'answer') && (chatId === undefined || m.chatId === chatId));
  if (order === 'desc') items = [...items].reverse();
  // after_id = the next page in list order, before_id = the previous page.
  const afterId = typeof body['after_id'] === 'string' && body['after_id'] !== '' ? body['after_id'] : undefined;
  const beforeId = typeof body['before_id'] === 'string' && body['before_id'] !== '' ? body['before_id'] : undefined;
  let page: typeof items;
  let hasMore: boolean;
  if (afterId !== undefined) {
    const rest = items.slice(items.findIndex((m) => m.id === afterId) + 1);
    page = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (beforeId !== undefined) {
    const index = items.findIndex((m) => m.id === beforeId);
    const earlier = items.slice(0, index < 0 ? 0 : index);
    page = earlier.slice(Math.max(0, earlier.length - limit));
    hasMore = earlier.length > limit;
  } else {
    page = items.slice(0, limit);
    hasMore = items.length > limit;
  }
  ctx.reply.json({
    code: 0,
    msg: '',
    data: page.map(listedMessageJson),
    first_id: page[0]?.id ?? '',
    last_id: page[page.length - 1]?.id ?? '',
    has_more: hasMore,
  });
}

function clear(ctx: RequestContext): void {
  const conversation = ownedFrom(ctx, ctx.params['cid']);
  if (!conversation) return;
  const section = ctx.state.chat.nextId();
  conversation.sections.push(section);
  conversation.pendingInterrupt = undefined;
  ctx.reply.json({ code: 0, msg: '', data: { id: section, conversation_id: conversation.id } });
}

function remove(ctx: RequestContext): void {
  const conversation = ownedFrom(ctx, ctx.params['cid']);
  if (!conversation) return;
  ctx.state.chat.conversations.delete(conversation.id);
  ctx.reply.json({ code: 0, msg: '', data: {} });
}

export const CONVERSATION_ROUTES: Route[] = [
  { method: 'POST', pattern: '/v1/conversation/create', permission: 'createConversation', flavors: ['cloud'], handler: create },
  { method: 'GET', pattern: '/v1/conversations', permission: 'listConversation', flavors: ['cloud'], handler: list },
  { method: 'GET', pattern: '/v1/conversation/retrieve', permission: 'retrieveConversation', flavors: ['cloud'], handler: retrieve },
  { method: 'POST', pattern: '/v1/conversation/message/list', permission: 'listMessage', flavors: ['cloud'], handler: messageList },
  { method: 'POST', pattern: '/v1/conversations/:cid/clear', permission: 'editConversation', flavors: ['cloud'], handler: clear },
  { method: 'DELETE', pattern: '/v1/conversations/:cid', permission: 'editConversation', flavors: ['cloud'], handler: remove },
];
