// OpenAI embeddings conformance check for a running Maas server, with the official `openai` npm
// SDK (a client nobody on the team wrote), over the demo repository's minilm-embed pipeline
// (WordPiece → MiniLM → mean pool + L2; scripts/fetch-models.sh).
//
//   node tests/conformance/openai_embeddings.mjs --url http://127.0.0.1:8000
//
// `--model` (default minilm-embed) names the embedding pipeline; `--not-embedding` (default minilm)
// a model the server has that is not an embedding model. Prints "PASS name" or "FAIL name: why" per
// check, then "N passed, N failed"; exits 1 on any failure.

import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { check, expect, runChecks } from './checks.mjs';

const { values: args } = parseArgs({ options: { url: { type: 'string' }, model: { type: 'string' }, 'not-embedding': { type: 'string' } } });
if (!args.url) {
  console.error('usage: node openai_embeddings.mjs --url http://HOST:PORT [--model minilm-embed] [--not-embedding minilm]');
  process.exit(2);
}
const model = args.model ?? 'minilm-embed';
const notEmbedding = args['not-embedding'] ?? 'minilm';

// The bodies the SDK put on the wire, to check which encoding it asked for.
const sent = [];
async function recordingFetch(url, init) {
  if (typeof init?.body === 'string') sent.push(JSON.parse(init.body));
  return fetch(url, init);
}
const client = new OpenAI({ baseURL: `${args.url.replace(/\/+$/, '')}/v1`, apiKey: 'not-needed', maxRetries: 0, timeout: 60_000, fetch: recordingFetch });

async function expectError(promise, errorClass, status, mentioned) {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof errorClass, `expected ${errorClass.name}, got ${error?.constructor?.name}: ${error}`);
    expect(error.status === status, `status ${error.status}, expected ${status}: ${error.message}`);
    expect(error.message.includes(mentioned), `message does not mention '${mentioned}': ${error.message}`);
    return `${status} ${error.type}: ${error.message.slice(0, 80)}`;
  }
  throw new Error(`the request succeeded; expected ${status}`);
}

const sentence = 'This is an example sentence';
// sentence-transformers/all-MiniLM-L6-v2's published embedding of the sentence starts so.
const reference = [0.067657, 0.063496, 0.048713];
const tolerance = 1e-4;

function expectVector(embedding, what) {
  expect(embedding.length === 384, `${what}: ${embedding.length} floats, expected 384`);
  expect(embedding.every((v) => typeof v === 'number' && Number.isFinite(v)), `${what}: not all finite numbers`);
  const norm = Math.sqrt(embedding.reduce((sum, v) => sum + v * v, 0));
  expect(Math.abs(norm - 1) < tolerance, `${what}: L2 norm ${norm}, expected 1`);
}

async function main() {
  let decoded;
  await check('embeddings.create (SDK default: base64 on the wire, decoded by the SDK) matches the reference', async () => {
    const before = sent.length;
    const r = await client.embeddings.create({ model, input: sentence });
    expect(sent[before]?.encoding_format === 'base64', `the SDK sent encoding_format ${sent[before]?.encoding_format}`);
    expect(r.object === 'list', `object ${r.object}`);
    expect(r.model === model, `model ${r.model}`);
    expect(r.data.length === 1, `${r.data.length} items`);
    expect(r.data[0].object === 'embedding' && r.data[0].index === 0, `item ${JSON.stringify({ object: r.data[0].object, index: r.data[0].index })}`);
    decoded = Array.from(r.data[0].embedding);
    expectVector(decoded, 'embedding');
    reference.forEach((v, i) => expect(Math.abs(decoded[i] - v) <= tolerance, `embedding[${i}] = ${decoded[i]}, expected ${v} ± ${tolerance}`));
    // [CLS] this is an example sentence [SEP]
    expect(r.usage.prompt_tokens === 7, `prompt_tokens ${r.usage.prompt_tokens}, expected 7`);
    expect(r.usage.total_tokens === 7, `total_tokens ${r.usage.total_tokens}, expected 7`);
    return decoded.slice(0, 3).map((v) => v.toFixed(6)).join(', ');
  });

  await check('encoding_format "float" gives the same numbers', async () => {
    const before = sent.length;
    const r = await client.embeddings.create({ model, input: sentence, encoding_format: 'float' });
    expect(sent[before]?.encoding_format === 'float', `the SDK sent encoding_format ${sent[before]?.encoding_format}`);
    const floats = r.data[0].embedding;
    expect(Array.isArray(floats), `embedding is ${typeof floats}, expected an array of numbers`);
    expectVector(floats, 'embedding');
    expect(decoded !== undefined, 'no base64 answer to compare with (the first check failed)');
    const worst = Math.max(...floats.map((v, i) => Math.abs(v - decoded[i])));
    expect(worst <= 1e-6, `differs from the base64 answer by up to ${worst}`);
    expect(r.usage.prompt_tokens === 7, `prompt_tokens ${r.usage.prompt_tokens}`);
  });

  await check('encoding_format "base64" returns a string of 384 little-endian floats', async () => {
    const r = await client.embeddings.create({ model, input: sentence, encoding_format: 'base64' });
    const text = r.data[0].embedding;
    expect(typeof text === 'string', `embedding is ${typeof text}, expected a base64 string`);
    const bytes = Buffer.from(text, 'base64');
    expect(bytes.length === 384 * 4, `${bytes.length} bytes, expected ${384 * 4}`);
    const floats = Array.from({ length: 384 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(floats.every((v, i) => v === decoded[i]), 'differs from what the SDK decoded');
  });

  await check('an array of 3 strings gives 3 items in order, each its own embedding', async () => {
    const inputs = [sentence, 'Pipelines serve whole models from configuration.', 'The weather is lovely today.'];
    const r = await client.embeddings.create({ model, input: inputs });
    expect(r.data.length === 3, `${r.data.length} items`);
    r.data.forEach((item, i) => {
      expect(item.index === i, `item ${i} has index ${item.index}`);
      expectVector(Array.from(item.embedding), `item ${i}`);
    });
    const first = Array.from(r.data[0].embedding);
    const worst = Math.max(...first.map((v, i) => Math.abs(v - decoded[i])));
    expect(worst <= tolerance, `item 0 differs from the single sentence's embedding by up to ${worst}`);
    const cosine = (a, b) => a.reduce((sum, v, i) => sum + v * b[i], 0);
    const c12 = cosine(Array.from(r.data[1].embedding), Array.from(r.data[2].embedding));
    expect(c12 < 0.99, `items 1 and 2 are nearly identical (cosine ${c12})`);
    expect(r.usage.prompt_tokens > 7 * 2, `prompt_tokens ${r.usage.prompt_tokens} for three strings`);
    return `prompt_tokens ${r.usage.prompt_tokens}`;
  });

  await check('models.list shows the embedding model', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids.includes(model), `ids ${ids}`);
  });

  await check('a model that is not an embedding model raises BadRequestError (400)', () =>
    expectError(client.embeddings.create({ model: notEmbedding, input: sentence }), OpenAI.BadRequestError, 400, 'is not an embedding model'));
  await check('an empty string raises BadRequestError (400)', () =>
    expectError(client.embeddings.create({ model, input: '' }), OpenAI.BadRequestError, 400, 'empty string'));
  await check('dimensions other than 384 raise BadRequestError (400)', () =>
    expectError(client.embeddings.create({ model, input: sentence, dimensions: 128 }), OpenAI.BadRequestError, 400, '384'));
  await check('an unknown model raises NotFoundError (404)', () =>
    expectError(client.embeddings.create({ model: 'no-such-model', input: sentence }), OpenAI.NotFoundError, 404, 'no-such-model'));
  await check('the server still serves after the errors', async () => {
    const r = await client.embeddings.create({ model, input: sentence });
    expect(Array.from(r.data[0].embedding).every((v, i) => v === decoded[i]), 'the embedding changed');
  });

}

await runChecks(main);
