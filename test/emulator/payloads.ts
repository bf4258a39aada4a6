import { escapeLikeGo, toJsonText } from './json-text';
import type { Flavor, PayloadVariant } from './knobs';
import type { StreamEvent } from './plan';

// Renders abstract stream events into the event name and `data` JSON text of one SSE event, in
// the payload style of the selected variant:
//  - cloud: what api.coze.cn sends (node ids/types, node_execute_uuid, usage on the End message,
//    Done and Error carrying debug_url, `&` escaped as \u0026);
//  - doc: the official documentation examples (alphabetical keys, Done `{}`);
//  - studio: the open-source Coze Studio backend (`token` on every Message, no PING).

export interface RenderContext {
  variant: PayloadVariant;
  flavor: Flavor;
  debugUrl: string;
}

export interface RenderedEvent {
  event: string;
  data: string;
}

type Style = 'cloud' | 'doc' | 'studio';

function styleOf(ctx: RenderContext): Style {
  return ctx.flavor === 'studio' ? 'studio' : ctx.variant;
}

function messageData(ev: Extract<StreamEvent, { kind: 'message' }>, style: Style): Record<string, unknown> {
  const seq = String(ev.seq);
  if (style === 'doc') {
    const data: Record<string, unknown> = { content: ev.content, content_type: 'text' };
    if (ev.isEnd) data['cost'] = '0';
    Object.assign(data, { node_is_finish: ev.isFinish, node_seq_id: seq, node_title: ev.node.title });
    if (ev.isEnd) data['token'] = ev.usage?.token_count ?? 0;
    return data;
  }
  if (style === 'studio') {
    return {
      content: ev.content,
      content_type: 'text',
      node_seq_id: seq,
      node_id: ev.node.id,
      node_is_finish: ev.isFinish,
      node_type: ev.node.type,
      node_title: ev.node.title,
      token: ev.usage?.token_count ?? 0,
    };
  }
  const data: Record<string, unknown> = {
    content: ev.content,
    content_type: 'text',
    node_title: ev.node.title,
    node_seq_id: seq,
    node_is_finish: ev.isFinish,
    node_id: ev.node.id,
    node_type: ev.node.type,
    node_execute_uuid: '',
  };
  if (ev.usage) data['usage'] = ev.usage;
  return data;
}

function eventData(ev: StreamEvent, style: Style, debugUrl: string): { event: string; data: unknown } {
  switch (ev.kind) {
    case 'message':
      return { event: 'Message', data: messageData(ev, style) };
    case 'error':
      if (style === 'doc') return { event: 'Error', data: { error_code: ev.code, error_message: ev.message } };
      if (style === 'studio') return { event: 'Error', data: { error_code: ev.code, error_message: ev.message, debug_url: debugUrl } };
      return { event: 'Error', data: { error_code: ev.code, node_execute_uuid: '', error_message: ev.message, debug_url: debugUrl } };
    case 'interrupt': {
      const interruptData: Record<string, unknown> =
        style === 'studio'
          ? { event_id: ev.eventId, type: ev.interruptType, data: ev.data }
          : { data: ev.data, event_id: ev.eventId, type: ev.interruptType };
      if (ev.requiredParameters) interruptData['required_parameters'] = ev.requiredParameters;
      const data: Record<string, unknown> = { interrupt_data: interruptData, node_title: ev.nodeTitle };
      if (style === 'studio') data['debug_url'] = debugUrl;
      return { event: 'Interrupt', data };
    }
    case 'done':
      if (ev.data !== undefined) return { event: 'Done', data: ev.data };
      if (style === 'doc') return { event: 'Done', data: {} };
      if (style === 'studio') return { event: 'Done', data: { debug_url: debugUrl } };
      return { event: 'Done', data: { node_execute_uuid: '', debug_url: debugUrl } };
    case 'raw':
      return { event: ev.event, data: ev.data };
  }
}

export function renderEvent(ev: StreamEvent, ctx: RenderContext): RenderedEvent {
  const style = styleOf(ctx);
  const { event, data } = eventData(ev, style, ctx.debugUrl);
  const text = toJsonText(data);
  // Raw events are fixture reproductions: written exactly as given.
  return { event, data: style === 'cloud' && ev.kind !== 'raw' ? escapeLikeGo(text) : text };
}

export function renderPing(ctx: RenderContext): RenderedEvent {
  const data = styleOf(ctx) === 'doc' ? '{"content":"{}"}' : '{"content":"{}","node_execute_uuid":""}';
  return { event: 'PING', data };
}
