/**
 * A JSON Schema checker for the subset /openapi.json emits (what zod's toJSONSchema writes, plus
 * local `$ref`s): enough to check real replies against their documented schema. A keyword it
 * does not know fails the check, so the subset cannot grow unnoticed.
 */
type Schema = Record<string, any>;

/** Keywords that only annotate or bound values the tests do not probe. */
const IGNORED = new Set([
  ...['description', 'title', 'default', 'format', 'propertyNames'],
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  ...['minLength', 'maxLength', 'pattern', 'minItems', 'maxItems'],
]);
const CHECKED = new Set([
  ...['type', 'properties', 'required', 'additionalProperties', 'items'],
  ...['enum', 'const', 'anyOf', '$ref'],
]);

function typeOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['number', 'integer'] : ['number'];
  return [typeof value];
}

/** The problems of `value` against `schema` (empty: it conforms); `root` resolves `#/...` references. */
export function schemaErrors(schema: Schema, value: unknown, root: Schema, at = '$'): string[] {
  const unknown = Object.keys(schema).filter((k) => !IGNORED.has(k) && !CHECKED.has(k));
  if (unknown.length) return [`${at}: unsupported keywords ${unknown.join(', ')}`];
  if (schema.$ref) {
    const target = String(schema.$ref)
      .replace(/^#\//, '')
      .split('/')
      .reduce((s: any, part) => s?.[part], root);
    return target ? schemaErrors(target, value, root, at) : [`${at}: unresolved ${schema.$ref}`];
  }
  if (schema.anyOf) {
    const each = (schema.anyOf as Schema[]).map((s) => schemaErrors(s, value, root, at));
    if (each.every((e) => e.length)) return [`${at}: matches no alternative (${each.map((e) => e[0]).join(' | ')})`];
  }
  const types = schema.type === undefined ? null : [schema.type].flat();
  const shown = JSON.stringify(value)?.slice(0, 60);
  if (types && !typeOf(value).some((t) => types.includes(t))) return [`${at}: ${shown} is not ${types.join('|')}`];
  if ('const' in schema && value !== schema.const) return [`${at}: not ${JSON.stringify(schema.const)}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${shown} not in ${schema.enum.join(', ')}`];
  const errors: string[] = [];
  if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) => errors.push(...schemaErrors(schema.items, v, root, `${at}[${i}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props: Record<string, Schema> = schema.properties ?? {};
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${at}: missing ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...schemaErrors(props[key], v, root, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: undocumented ${key}`);
      else if (schema.additionalProperties) {
        errors.push(...schemaErrors(schema.additionalProperties, v, root, `${at}.${key}`));
      }
    }
  }
  return errors;
}
