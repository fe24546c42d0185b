// PROTOCOL.md's examples, checked from the extension's side against
// protocol/schema.json — the schema generated from the Go types, which the
// extension's types (src/shared/protocol.gen.ts) are generated from too.
// (protocol/doc_test.go checks the same examples from the Go side.)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { PROTOCOL } from "../src/shared/messages";
import { checkExamples, type ProtocolSchema, validate } from "./schema";

// dist/test/protocol.test.mjs → the repository's protocol/ folder.
const dir = fileURLToPath(new URL("../../../protocol/", import.meta.url));
const schema = JSON.parse(readFileSync(dir + "schema.json", "utf8")) as ProtocolSchema;
const doc = readFileSync(dir + "PROTOCOL.md", "utf8");

describe("PROTOCOL.md against the schema", () => {
  it("every example is a valid request or response of its action", () => {
    const { errors, actions, checked } = checkExamples(schema, doc);
    assert.deepEqual(errors, []);
    assert.ok(checked >= 2 * Object.keys(schema["x-actions"]).length, `only ${checked} examples`);
    assert.deepEqual([...actions].sort(), Object.keys(schema["x-actions"]).sort(), "every action has a request example");
  });

  it("the schema is the protocol version the extension speaks", () => {
    assert.equal(schema["x-protocol"], PROTOCOL);
  });

  // The checker is not one that passes anything: made-up wrong examples, each
  // put into the document in place of a right one, are caught.
  const wrong: { name: string; from: string; to: string; error: RegExp }[] = [
    { name: "an unknown strength", from: `"strength": "exact"}`, to: `"strength": "strong"}`, error: /"strong" is not one of exact, weak/ },
    { name: "a type match never sends", from: `"strength": "exact", "type": "hotp"`, to: `"strength": "exact", "type": "steam"`, error: /\.type: "steam" is not one of totp, hotp/ },
    { name: "digits as a string", from: `"code": "492039", "digits": 6`, to: `"code": "492039", "digits": "6"`, error: /digits: must be of type integer, not string/ },
    { name: "a code answer without its code", from: `"type": "totp", "code": "492039", `, to: `"type": "totp", `, error: /\(code result\): "code" is missing/ },
    { name: "a save request without uri", from: `"uri": "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",\n "name"`, to: `"name"`, error: /\(save request\): "uri" is missing/ },
    { name: "a misspelt field", from: `{"id": "12", "action": "undo", "token"`, to: `{"id": "12", "action": "undo", "tokn"`, error: /"tokn" is not a field/ },
    { name: "an unknown error code", from: `"error": {"code": "not_found"`, to: `"error": {"code": "no_such_thing"`, error: /"no_such_thing" is not one of bad_request/ },
    { name: "another protocol version", from: `{"id": "1", "ok": true, "protocol": 1,`, to: `{"id": "1", "ok": true, "protocol": 2,`, error: /protocol: must be 1/ },
  ];
  for (const w of wrong) {
    it(`catches ${w.name}`, () => {
      assert.ok(doc.includes(w.from), `PROTOCOL.md no longer holds ${JSON.stringify(w.from)}`);
      const { errors } = checkExamples(schema, doc.replace(w.from, w.to));
      assert.ok(
        errors.some((e) => w.error.test(e)),
        `errors: ${JSON.stringify(errors)}`,
      );
    });
  }

  it("the validator checks nested objects and arrays", () => {
    const hello = schema["x-actions"].hello!.result;
    assert.deepEqual(validate(schema, hello, { version: "1", protocol: 1, stores: [{ id: "pass", kind: "pass", ok: true }] }), []);
    assert.deepEqual(validate(schema, hello, { version: "1", protocol: 1, stores: [{ id: "pass", kind: "gopass", ok: "yes" }] }), [
      `$.stores[0].kind: "gopass" is not one of pass, keyring`,
      "$.stores[0].ok: must be of type boolean, not string",
    ]);
  });
});
