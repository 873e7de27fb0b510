// Fedify (https://fedify.dev, @fedify/fedify) as an independent oracle for tests/oracles.
// Reads one JSON command on stdin, writes one JSON answer on stdout. Commands:
//   sign-request   {method, url, headers, body, privateKeyPem, keyId, spec}  -> {headers}
//   verify-request {method, url, headers, body, documents}                  -> {verified, reason}
//   sign-object    {document, privateKeyPem, keyId, created, documents}      -> {document}
//   verify-object  {document, documents}                                     -> {verified}
// `documents` maps URLs to the JSON documents Fedify's loader may fetch (keys, actors); any
// other URL fails, so nothing leaves this machine. Contexts come from Fedify's preloaded copies.
import { createPrivateKey } from "node:crypto";
import { signObject, signRequest, verifyObject, verifyRequestDetailed } from "@fedify/fedify";
import * as vocab from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";

function readStdin() {
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
  });
}

function documentLoaderFor(documents) {
  return async (url) => {
    const document = documents[url] ?? documents[url.split("#")[0]];
    if (document === undefined) throw new Error(`oracle: no document for ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
}

async function importPrivateKey(pem) {
  const key = createPrivateKey(pem);
  const algorithm = key.asymmetricKeyType === "ed25519"
    ? { name: "Ed25519" }
    : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const der = key.export({ format: "der", type: "pkcs8" });
  return crypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]);
}

function toRequest({ method, url, headers, body }) {
  const init = { method, headers };
  if (body !== null && body !== undefined) init.body = Buffer.from(body, "base64");
  return new Request(url, init);
}

const commands = {
  async "sign-request"(input) {
    const key = await importPrivateKey(input.privateKeyPem);
    const options = input.spec === "rfc9421" ? { spec: "rfc9421" } : { spec: "draft-cavage-http-signatures-12" };
    const signed = await signRequest(toRequest(input), key, new URL(input.keyId), options);
    return { headers: [...signed.headers] };
  },
  async "verify-request"(input) {
    const loader = documentLoaderFor(input.documents);
    const result = await verifyRequestDetailed(toRequest(input), { documentLoader: loader });
    return { verified: result.verified, reason: result.verified ? null : result.reason.type };
  },
  async "sign-object"(input) {
    const loader = documentLoaderFor(input.documents);
    const cls = vocab[input.document.type];
    const object = await cls.fromJsonLd(input.document, { documentLoader: loader });
    const key = await importPrivateKey(input.privateKeyPem);
    const options = { documentLoader: loader };
    if (input.created) options.created = Temporal.Instant.from(input.created);
    const signed = await signObject(object, key, new URL(input.keyId), options);
    return { document: await signed.toJsonLd({ format: "compact" }) };
  },
  async "verify-object"(input) {
    const loader = documentLoaderFor(input.documents);
    const cls = vocab[input.document.type];
    const verified = await verifyObject(cls, input.document, { documentLoader: loader });
    return { verified: verified !== null };
  },
};

const input = await readStdin();
process.stdout.write(JSON.stringify(await commands[input.command](input)));
