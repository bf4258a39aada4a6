import { AGENTS, AGENT_OWNER_ID } from './chat-catalogue';
import { chatError } from './chat-requests';
import type { RequestContext, Route } from './context';

// GET /v1/bots: the agents of a workspace, for a picker. Only published agents by default.

const ICON_URL = 'https://www.coze.cn/static/emulator/agent.png';
const FOLDER_ID = '7520000000000000001';
const STATUSES = ['published_online', 'published_draft', 'unpublished_draft', 'all'];

function positiveInt(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
}

function listBots(ctx: RequestContext): void {
  const workspaceId = ctx.query['workspace_id'];
  if (!workspaceId) return chatError(ctx, 4000, 'workspace_id is required');
  const status = ctx.query['publish_status'] || 'published_online';
  if (!STATUSES.includes(status)) return chatError(ctx, 4000, `publish_status must be one of ${STATUSES.join(', ')}`);
  // The real API names the page page_num; page_index (an older name) is ignored.
  const pageNum = positiveInt(ctx.query['page_num'], 1);
  const pageSize = positiveInt(ctx.query['page_size'], 20);
  if (pageNum === undefined || pageSize === undefined) return chatError(ctx, 4000, 'page_num and page_size must be integers >= 1');
  const matching = AGENTS.filter((a) => {
    if (a.workspaceId !== workspaceId) return false;
    if (status === 'all') return true;
    // No emulator agent has unpublished changes, so published_draft lists nothing.
    if (status === 'published_draft') return false;
    return status === 'published_online' ? a.published : !a.published;
  });
  const start = (pageNum - 1) * pageSize;
  const items = matching.slice(start, start + pageSize).map((a) => {
    const item: Record<string, unknown> = {
      id: a.id,
      name: a.name,
      icon_url: ICON_URL,
      folder_id: FOLDER_ID,
      updated_at: a.updatedAt,
      description: a.description,
      is_published: a.published,
    };
    if (a.published) item['published_at'] = a.updatedAt;
    item['owner_user_id'] = AGENT_OWNER_ID;
    return item;
  });
  ctx.reply.json({ code: 0, msg: '', data: { items, total: matching.length } });
}

export const BOT_ROUTES: Route[] = [{ method: 'GET', pattern: '/v1/bots', permission: 'listBot', flavors: ['cloud'], handler: listBots }];
