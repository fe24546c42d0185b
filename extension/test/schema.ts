// A tiny validator over protocol/schema.json, for the tests: the keywords the
// generator writes ($ref, type, enum, const, properties, required, items,
// maxLength) and nothing else. Strict: a field the schema does not name is
// an error, so a misspelt field in an example is caught.

export interface Schema {
  $ref?: string;
  type?: "object" | "array" | "string" | "boolean" | "integer" | "number";
  enum?: string[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  maxLength?: number;
}

export interface ProtocolSchema {
  $defs: Record<string, Schema>;
  "x-actions": Record<string, { params: Schema; result: Schema }>;
  "x-protocol": number;
}

function resolve(root: ProtocolSchema, s: Schema): Schema {
  while (s.$ref) {
    const name = s.$ref.replace(/^#\/\$defs\//, "");
    const def = root.$defs[name];
    if (!def) throw new Error(`schema: no definition ${s.$ref}`);
    s = def;
  }
  return s;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The errors of value against s, each with its path; [] when it is valid. */
export function validate(root: ProtocolSchema, s: Schema, value: unknown, path = "$", ignore: string[] = []): string[] {
  s = resolve(root, s);
  const errors: string[] = [];
  if (s.const !== undefined && value !== s.const) errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (s.type) {
    const t = typeOf(value);
    if (t !== s.type && !(s.type === "number" && t === "integer")) {
      errors.push(`${path}: must be of type ${s.type}, not ${t}`);
      return errors;
    }
  }
  if (s.enum && !s.enum.includes(value as string)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.join(", ")}`);
  if (s.maxLength !== undefined && typeof value === "string" && value.length > s.maxLength) errors.push(`${path}: longer than ${s.maxLength}`);
  if (s.items && Array.isArray(value)) value.forEach((v, i) => errors.push(...validate(root, s.items!, v, `${path}[${i}]`)));
  if (s.type === "object") {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) errors.push(`${path}: "${r}" is missing`);
    for (const [k, v] of Object.entries(obj)) {
      if (ignore.includes(k)) continue;
      const p = s.properties?.[k];
      if (!p) errors.push(`${path}: "${k}" is not a field of this object`);
      else errors.push(...validate(root, p, v, `${path}.${k}`));
    }
  }
  return errors;
}

/** Every ```json block of a markdown text, parsed. */
export function jsonExamples(markdown: string): unknown[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
}

/**
 * Checks PROTOCOL.md's examples in order: a request against its action's
 * params, a success response against the result of the request before it, an
 * error response against ErrorBody. Returns the errors, and the actions that
 * had a request example.
 */
export function checkExamples(root: ProtocolSchema, markdown: string): { errors: string[]; actions: Set<string>; checked: number } {
  const errors: string[] = [];
  const actions = new Set<string>();
  let last = "";
  let checked = 0;
  jsonExamples(markdown).forEach((ex, i) => {
    const where = `example ${i + 1}`;
    const obj = ex as Record<string, unknown>;
    checked++;
    if (!("ok" in obj)) {
      const env = validate(root, { $ref: "#/$defs/Request" }, obj, where, Object.keys(obj).filter((k) => k !== "id" && k !== "action"));
      errors.push(...env);
      const action = String(obj.action);
      const spec = root["x-actions"][action];
      if (!spec) return;
      actions.add(action);
      last = action;
      const params = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== "id" && k !== "action"));
      errors.push(...validate(root, spec.params, params, `${where} (${action} request)`));
      return;
    }
    const extra = Object.keys(obj).filter((k) => !["id", "ok", "protocol", "error"].includes(k));
    errors.push(...validate(root, { $ref: "#/$defs/Response" }, obj, where, extra));
    if (obj.ok === false) {
      if (extra.length) errors.push(`${where}: an error response with result fields ${extra.join(", ")}`);
      if (!("error" in obj)) errors.push(`${where}: an error response without "error"`);
      return;
    }
    if ("error" in obj) errors.push(`${where}: a success response with "error"`);
    const spec = root["x-actions"][last];
    if (!spec) {
      errors.push(`${where}: a success response before any request`);
      return;
    }
    const resultSchema = resolve(root, spec.result);
    const result = Object.fromEntries(Object.entries(obj).filter(([k]) => !["id", "ok", "error"].includes(k) && (k !== "protocol" || resultSchema.properties?.protocol)));
    errors.push(...validate(root, spec.result, result, `${where} (${last} result)`));
  });
  return { errors, actions, checked };
}
