/**
 * What the real APIs accept, checked on every request the local test server receives: a request
 * whose tools, tool calls, tool results, image parts or response format lost or renamed a field
 * gets the 400 the provider would send, naming the field, so a test of the adapters cannot pass
 * on a request the provider would refuse.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function checkOpenAIChat(body: Obj): string | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: expected a non-empty array';
  const called = new Set<string>();
  for (const [i, m] of messages.entries()) {
    const at = `messages[${i}]`;
    if (!isObj(m)) return `${at}: expected an object`;
    switch (m.role) {
      case 'system':
      case 'developer':
        if (typeof m.content !== 'string') return `${at}.content: expected a string`;
        break;
      case 'user':
        if (typeof m.content === 'string') break;
        if (!Array.isArray(m.content)) return `${at}.content: expected a string or an array of parts`;
        for (const [j, p] of m.content.entries()) {
          if (!isObj(p)) return `${at}.content[${j}]: expected an object`;
          if (p.type === 'text' && typeof p.text === 'string') continue;
          if (p.type === 'image_url' && isObj(p.image_url) && typeof p.image_url.url === 'string') continue;
          return `${at}.content[${j}]: expected {type: text, text} or {type: image_url, image_url: {url}}`;
        }
        break;
      case 'assistant':
        if (m.content !== null && typeof m.content !== 'string') return `${at}.content: expected a string or null`;
        if (m.tool_calls !== undefined) {
          if (!Array.isArray(m.tool_calls)) return `${at}.tool_calls: expected an array`;
          for (const [j, c] of m.tool_calls.entries()) {
            if (
              !isObj(c) ||
              typeof c.id !== 'string' ||
              c.type !== 'function' ||
              !isObj(c.function) ||
              typeof c.function.name !== 'string' ||
              typeof c.function.arguments !== 'string'
            ) {
              return `${at}.tool_calls[${j}]: expected {id, type: function, function: {name, arguments: string}}`;
            }
            called.add(c.id);
          }
        } else if (m.content === null) return `${at}.content: null needs tool_calls`;
        break;
      case 'tool':
        if (typeof m.tool_call_id !== 'string') return `${at}.tool_call_id: required`;
        if (!called.has(m.tool_call_id)) return `${at}.tool_call_id: no preceding tool call with id ${m.tool_call_id}`;
        if (typeof m.content !== 'string') return `${at}.content: expected a string`;
        break;
      default:
        return `${at}.role: invalid role ${JSON.stringify(m.role)}`;
    }
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return 'tools: expected an array';
    for (const [i, t] of body.tools.entries()) {
      if (
        !isObj(t) ||
        t.type !== 'function' ||
        !isObj(t.function) ||
        typeof t.function.name !== 'string' ||
        !isObj(t.function.parameters)
      ) {
        return `tools[${i}]: expected {type: function, function: {name, parameters}}`;
      }
    }
  }
  const choice = body.tool_choice;
  if (choice !== undefined && !['auto', 'none', 'required'].includes(choice as string)) {
    if (
      !isObj(choice) ||
      choice.type !== 'function' ||
      !isObj(choice.function) ||
      typeof choice.function.name !== 'string'
    )
      return 'tool_choice: invalid';
  }
  const format = body.response_format;
  if (format !== undefined) {
    if (!isObj(format)) return 'response_format: expected an object';
    if (format.type === 'json_schema') {
      if (
        !isObj(format.json_schema) ||
        typeof format.json_schema.name !== 'string' ||
        !isObj(format.json_schema.schema)
      )
        return 'response_format.json_schema: expected {name, schema}';
    } else if (format.type !== 'json_object' && format.type !== 'text') return 'response_format.type: invalid';
  }
  return undefined;
}

export function checkAnthropicMessages(body: Obj): string | undefined {
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: expected a non-empty array';
  let lastToolUses = new Set<string>();
  for (const [i, m] of messages.entries()) {
    const at = `messages.${i}`;
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant')) return `${at}.role: expected user or assistant`;
    const blocks = typeof m.content === 'string' ? [] : m.content;
    if (!Array.isArray(blocks)) return `${at}.content: expected a string or a list of blocks`;
    const uses = new Set<string>();
    for (const [j, b] of blocks.entries()) {
      const bat = `${at}.content.${j}`;
      if (!isObj(b)) return `${bat}: expected an object`;
      switch (b.type) {
        case 'text':
          if (typeof b.text !== 'string') return `${bat}.text: Field required`;
          break;
        case 'image': {
          const src = b.source;
          const ok =
            isObj(src) &&
            ((src.type === 'base64' && typeof src.media_type === 'string' && typeof src.data === 'string') ||
              (src.type === 'url' && typeof src.url === 'string'));
          if (!ok || m.role !== 'user') return `${bat}.source: expected a base64 or url image source in a user turn`;
          break;
        }
        case 'tool_use':
          if (m.role !== 'assistant' || typeof b.id !== 'string' || typeof b.name !== 'string' || !isObj(b.input))
            return `${bat}: expected {id, name, input: object} in an assistant turn`;
          uses.add(b.id);
          break;
        case 'tool_result':
          if (m.role !== 'user' || typeof b.tool_use_id !== 'string')
            return `${bat}: expected {tool_use_id} in a user turn`;
          if (!lastToolUses.has(b.tool_use_id))
            return `${bat}.tool_use_id: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
          break;
        default:
          return `${bat}.type: unsupported block type ${JSON.stringify(b.type)}`;
      }
    }
    lastToolUses = uses;
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return 'tools: expected a list';
    for (const [i, t] of body.tools.entries())
      if (!isObj(t) || typeof t.name !== 'string' || !isObj(t.input_schema))
        return `tools.${i}: expected {name, input_schema}`;
  }
  const choice = body.tool_choice;
  if (choice !== undefined) {
    if (!isObj(choice) || !['auto', 'any', 'tool', 'none'].includes(choice.type as string))
      return 'tool_choice.type: expected auto, any, tool or none';
    if (choice.type === 'tool' && typeof choice.name !== 'string') return 'tool_choice.name: Field required';
  }
  return undefined;
}
