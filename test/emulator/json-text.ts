// JSON text as Coze's Go servers write it. Two things JSON.stringify cannot do on its own:
//  - int64 fields that Coze Studio writes as bare numbers (19 digits, beyond 2^53): a `bigint`
//    value is written as its exact decimal digits, unquoted;
//  - Go's encoding/json HTML escaping (`&` -> \u0026, `<` -> \u003c, `>` -> \u003e), which the
//    cloud applies to streamed event data (visible in every debug_url).

/** JSON.stringify, except that bigint values are written as unquoted integers. Key order is kept. */
export function toJsonText(value: unknown): string {
  return writeValue(value) ?? 'null';
}

function writeValue(value: unknown): string | undefined {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) {
    return '[' + value.map((item: unknown) => writeValue(item) ?? 'null').join(',') + ']';
  }
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      const text = writeValue(member);
      if (text !== undefined) members.push(JSON.stringify(key) + ':' + text);
    }
    return '{' + members.join(',') + '}';
  }
  // Strings, numbers, booleans, null; undefined and functions yield undefined (member skipped).
  const text: string | undefined = JSON.stringify(value);
  return text;
}

/**
 * Apply Go's default HTML-safe escaping to JSON text. Safe on whole documents because `&`, `<`,
 * `>` and the two line separators can only occur inside JSON strings.
 */
export function escapeLikeGo(jsonText: string): string {
  return jsonText
    .replace(/&/g, '\\u0026')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
