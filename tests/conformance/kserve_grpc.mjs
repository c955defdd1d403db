// KServe v2 gRPC conformance check for a running Maas server, with a client nobody on the team
// wrote: @grpc/grpc-js, loading src/Maas.Grpc.Protocol/inference.proto at run time (no codegen).
//
//   node tests/conformance/kserve_grpc.mjs --grpc 127.0.0.1:8001 --rest http://127.0.0.1:8000
//
// Drives every RPC of inference.GRPCInferenceService over the demo repository
// (scripts/fetch-models.sh: small-cnn, minilm, resnet18, silero-vad) and compares every output,
// bit for bit, with the same request sent to the KServe v2 REST route of the same server.
// Prints "PASS name" or "FAIL name: why" per check, then "N passed, N failed"; exits 1 on any failure.

import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import * as t from './kserve_tensors.mjs';
import { check, expect, runChecks } from './checks.mjs';

const { values: args } = parseArgs({ options: { grpc: { type: 'string' }, rest: { type: 'string' } } });
if (!args.grpc || !args.rest) {
  console.error('usage: node kserve_grpc.mjs --grpc HOST:PORT --rest http://HOST:PORT');
  process.exit(2);
}
const rest = args.rest.replace(/\/+$/, '');
const DEADLINE_MS = 60_000;
// "This is an example sentence" in MiniLM's WordPiece vocabulary, and the published first values
// of its all-MiniLM-L6-v2 embedding (mean-pooled, L2-normalised last_hidden_state).
const SENTENCE_IDS = [101, 2023, 2003, 2019, 2742, 6251, 102];
const SENTENCE_EMBEDDING_HEAD = [0.067657, 0.063496, 0.048713];

// keepCase: the proto's snake_case names, as on the wire. longs: Number is safe because every
// int64 here (shapes, token ids, sample rate) is far below 2^53. arrays: empty repeated fields
// decode as [] so "no raw_output_contents" reads as length 0.
const protoPath = fileURLToPath(new URL('../../src/Maas.Grpc.Protocol/inference.proto', import.meta.url));
const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: Number, enums: String, defaults: false, arrays: true, oneofs: true });
const { GRPCInferenceService } = grpc.loadPackageDefinition(definition).inference;
const client = new GRPCInferenceService(args.grpc, grpc.credentials.createInsecure());

// --- Transport ---------------------------------------------------------------------------------
function call(method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + DEADLINE_MS }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** The error of a unary call whose request is the given bytes, sent as they are (no protobuf encoding); null on success. */
function unaryBytes(path, bytes) {
  const asIs = (b) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, asIs, asIs, bytes, { deadline: Date.now() + DEADLINE_MS }, (error) => resolve(error ?? null));
  });
}

/** The gRPC error a call ends with; fails when it succeeds. */
async function callError(method, request) {
  try {
    await call(method, request);
  } catch (error) {
    return error;
  }
  throw new Error(`${method} succeeded, expected an error`);
}

async function restJson(path, body) {
  const response = await fetch(`${rest}${path}`, body && { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  expect(response.ok, `REST ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}

// --- Requests ----------------------------------------------------------------------------------
// Each case is one request in a protocol-neutral form: inputs as {name, datatype, shape, data}.
const tokens = (values) => ({ datatype: 'INT64', shape: [1, values.length], data: values });
const cases = [
  { label: 'small-cnn', model: 'small-cnn', inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 1, 28, 28], data: t.floats(2 * 784, 1) }] },
  {
    label: 'minilm', model: 'minilm', inputs: [
      { name: 'input_ids', ...tokens(SENTENCE_IDS) },
      { name: 'attention_mask', ...tokens(SENTENCE_IDS.map(() => 1)) },
      { name: 'token_type_ids', ...tokens(SENTENCE_IDS.map(() => 0)) },
    ],
  },
  { label: 'resnet18', model: 'resnet18', inputs: [{ name: 'Input247', datatype: 'FP32', shape: [1, 3, 224, 224], data: t.floats(3 * 224 * 224, 2) }] },
  {
    label: 'silero-vad', model: 'silero-vad', inputs: [
      { name: 'input', datatype: 'FP32', shape: [1, 512], data: t.floats(512, 3).map((v) => Math.fround(v - 0.5)) },
      { name: 'state', datatype: 'FP32', shape: [2, 1, 128], data: new Array(256).fill(0) },
      { name: 'sr', datatype: 'INT64', shape: [], data: [16000] }, // a scalar: shape [] holds one element
    ],
  },
];
// Requested outputs: only those come back, in the order asked.
cases.push({ ...cases[1], label: 'minilm, outputs [924]', outputs: ['924'] });

function grpcRequest(c, raw, id) {
  const request = {
    model_name: c.model,
    id,
    inputs: c.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape, ...(raw ? {} : { contents: t.typedContents(i.datatype, i.data) }) })),
    outputs: (c.outputs ?? []).map((name) => ({ name })),
  };
  if (raw) request.raw_input_contents = c.inputs.map((i) => t.rawBytes(i.datatype, i.data));
  return request;
}

function restRequest(c) {
  const body = { inputs: c.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape, data: i.data })) };
  if (c.outputs) body.outputs = c.outputs.map((name) => ({ name }));
  return body;
}

/**
 * The REST answer with each output's JSON number texts kept: JSON.parse would turn them into
 * doubles and hide whether the server wrote float32's shortest round-trip form. The writer emits
 * compact JSON with flat "data" arrays, one per output in order, so a pattern finds them.
 */
async function restInfer(c) {
  const text = await restJson(`/v2/models/${c.model}/infer`, restRequest(c));
  const answer = JSON.parse(text);
  const texts = [...text.matchAll(/"data":\[([^\]]*)\]/g)].map((m) => (m[1] === '' ? [] : m[1].split(',')));
  expect(texts.length === answer.outputs.length, `REST answer has ${answer.outputs.length} outputs but ${texts.length} data arrays`);
  return answer.outputs.map((o, k) => ({ ...o, texts: texts[k], bits: t.bitsFromJsonTexts(texts[k]) }));
}

// --- Comparisons -------------------------------------------------------------------------------
function compareOutputs(restOutputs, response, raw) {
  const outputs = response.outputs;
  expect(outputs.length === restOutputs.length, `${outputs.length} outputs, REST gave ${restOutputs.length}`);
  if (raw) {
    expect(response.raw_output_contents.length === outputs.length, `raw request answered with ${response.raw_output_contents.length} raw_output_contents for ${outputs.length} outputs`);
  } else {
    expect(response.raw_output_contents.length === 0, 'typed request answered with raw_output_contents');
  }
  outputs.forEach((o, k) => {
    const want = restOutputs[k];
    expect(o.name === want.name && o.datatype === want.datatype, `output ${k} is ${o.name} ${o.datatype}, REST gave ${want.name} ${want.datatype}`);
    expect(o.datatype === 'FP32', `output ${o.name} is ${o.datatype}; this client compares FP32 outputs`);
    expect(JSON.stringify(o.shape) === JSON.stringify(want.shape), `output ${o.name} shape [${o.shape}], REST gave [${want.shape}]`);
    expect(raw ? o.contents === undefined : o.contents !== undefined, `output ${o.name} ${raw ? 'has typed contents next to raw' : 'has no typed contents'}`);
    const bits = raw ? t.bitsFromRaw(response.raw_output_contents[k]) : t.bitsFromTyped(o.contents);
    const difference = t.bitsDiffer(want.bits, bits);
    expect(difference === null, `output ${o.name}: ${difference}`);
  });
  return `${outputs.map((o) => `${o.name} [${o.shape}]`).join(', ')} equal REST bit for bit`;
}

function sentenceEmbeddingHead(response, raw) {
  const k = response.outputs.findIndex((o) => o.name === 'last_hidden_state');
  expect(k >= 0, 'no last_hidden_state output');
  const bits = raw ? t.bitsFromRaw(response.raw_output_contents[k]) : t.bitsFromTyped(response.outputs[k].contents);
  const hidden = Array.from(bits, t.asFloat);
  const width = 384;
  const rows = hidden.length / width;
  const mean = Array.from({ length: width }, (_, d) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += hidden[r * width + d]; // attention mask is all ones
    return sum / rows;
  });
  const norm = Math.hypot(...mean);
  return mean.slice(0, 3).map((v) => v / norm);
}

// --- Checks ------------------------------------------------------------------------------------
async function main() {
  await check('ServerLive', async () => {
    const r = await call('ServerLive', {});
    expect(r.live === true, `live is ${r.live}`);
  });
  await check('ServerReady', async () => {
    const r = await call('ServerReady', {});
    expect(r.ready === true, `ready is ${r.ready}`);
  });
  await check('ServerMetadata equals GET /v2', async () => {
    const r = await call('ServerMetadata', {});
    const want = JSON.parse(await restJson('/v2'));
    const got = { name: r.name, version: r.version, extensions: r.extensions };
    expect(JSON.stringify(got) === JSON.stringify(want), `${JSON.stringify(got)} vs REST ${JSON.stringify(want)}`);
    return JSON.stringify(got);
  });

  for (const model of ['small-cnn', 'minilm', 'resnet18', 'silero-vad']) {
    await check(`ModelReady ${model} (default version and version 1)`, async () => {
      expect((await call('ModelReady', { name: model })).ready === true, 'default version not ready');
      expect((await call('ModelReady', { name: model, version: '1' })).ready === true, 'version 1 not ready');
    });
    await check(`ModelMetadata ${model} equals GET /v2/models/${model}`, async () => {
      const r = await call('ModelMetadata', { name: model, version: '1' });
      const tensor = (x) => ({ name: x.name, datatype: x.datatype, shape: x.shape });
      const got = { name: r.name, versions: r.versions, platform: r.platform, inputs: r.inputs.map(tensor), outputs: r.outputs.map(tensor) };
      const want = JSON.parse(await restJson(`/v2/models/${model}`));
      const norm = { name: want.name, versions: want.versions, platform: want.platform, inputs: want.inputs.map(tensor), outputs: want.outputs.map(tensor) };
      expect(JSON.stringify(got) === JSON.stringify(norm), `${JSON.stringify(got)}\n  vs REST ${JSON.stringify(norm)}`);
      return `${r.platform}, inputs ${r.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape}]`).join(', ')}`;
    });
  }

  // Unary inference, typed and raw, against REST.
  const answers = new Map(); // label -> { rest, typed, raw }, reused by the stream checks
  for (const c of cases) {
    let restOutputs;
    await check(`REST /v2 infer ${c.label}: FP32 written in shortest round-trip form`, async () => {
      restOutputs = await restInfer(c);
      let count = 0;
      for (const o of restOutputs) {
        for (const text of o.texts) {
          const problem = t.shortestFloat32Problem(text);
          expect(problem === null, `output ${o.name}: ${problem}`);
          count++;
        }
      }
      return `${count} numbers`;
    });
    if (!restOutputs) continue;
    answers.set(c.label, { rest: restOutputs });
    for (const raw of [false, true]) {
      await check(`ModelInfer ${c.label}, ${raw ? 'raw_input_contents -> raw_output_contents' : 'typed contents -> typed contents'}`, async () => {
        const id = `${c.label}-${raw ? 'raw' : 'typed'}`;
        const r = await call('ModelInfer', grpcRequest(c, raw, id));
        expect(r.model_name === c.model && r.model_version === '1' && r.id === id, `model_name ${r.model_name}, model_version ${r.model_version}, id ${r.id}`);
        answers.get(c.label)[raw ? 'raw' : 'typed'] = r; // kept even if the comparison fails: later checks judge it on their own
        return compareOutputs(restOutputs, r, raw);
      });
    }
  }

  await check('MiniLM sentence embedding (gRPC typed and raw) matches the published values', async () => {
    const got = ['typed', 'raw'].map((kind) => {
      const response = answers.get('minilm')?.[kind];
      expect(response, `no ${kind} minilm answer`);
      return sentenceEmbeddingHead(response, kind === 'raw');
    });
    for (const head of got) {
      head.forEach((v, d) => expect(Math.abs(v - SENTENCE_EMBEDDING_HEAD[d]) <= 1e-4, `embedding starts ${head.map((x) => x.toFixed(6))}, published ${SENTENCE_EMBEDDING_HEAD}`));
    }
    return `starts ${got[0].map((v) => v.toFixed(6)).join(', ')}`;
  });

  await streamChecks(answers);
  await errorChecks(answers);

  client.close();
}

/** Runs requests over one ModelStreamInfer call; resolves with every answer once the server ends the stream. */
function stream(requests) {
  return new Promise((resolve, reject) => {
    const answers = [];
    const duplex = client.ModelStreamInfer({ deadline: Date.now() + DEADLINE_MS });
    duplex.on('data', (answer) => answers.push(answer));
    duplex.on('error', reject);
    duplex.on('status', (status) => (status.code === grpc.status.OK ? resolve(answers) : reject(new Error(`stream ended with ${status.code} ${status.details}`))));
    for (const request of requests) duplex.write(request);
    duplex.end();
  });
}

async function streamChecks(answers) {
  const byLabel = Object.fromEntries(cases.map((c) => [c.label, c]));
  const badLength = grpcRequest(byLabel['small-cnn'], true, 'bad-length');
  badLength.raw_input_contents = [Buffer.alloc(100)];
  // The slow resnet18 request goes first: the quick ones behind it must still be answered after it.
  const plan = [
    { request: grpcRequest(byLabel.resnet18, true, 's0'), label: 'resnet18', raw: true },
    { request: grpcRequest(byLabel['small-cnn'], false, 's1'), label: 'small-cnn', raw: false },
    { request: grpcRequest(byLabel.minilm, true, 's2'), label: 'minilm', raw: true },
    { request: { ...grpcRequest(byLabel['small-cnn'], false, 's3'), model_name: 'no-such-model' }, error: "Unknown model 'no-such-model'" },
    { request: grpcRequest(byLabel['silero-vad'], false, 's4'), label: 'silero-vad', raw: false },
    { request: badLength, error: 'is 100 bytes' },
    { request: grpcRequest(byLabel['small-cnn'], true, 's6'), label: 'small-cnn', raw: true },
  ];
  await check(`ModelStreamInfer: ${plan.length} requests answered in order, failures as error_message, the stream goes on`, async () => {
    const got = await stream(plan.map((p) => p.request));
    expect(got.length === plan.length, `${got.length} answers to ${plan.length} requests`);
    plan.forEach((p, k) => {
      const answer = got[k];
      const id = answer.infer_response?.id;
      expect(id === p.request.id, `answer ${k} has id ${id}, expected ${p.request.id} (answers out of order)`);
      if (p.error) {
        expect(answer.error_message.includes(p.error), `answer ${k} error_message ${JSON.stringify(answer.error_message)} lacks ${JSON.stringify(p.error)}`);
        return;
      }
      expect(!answer.error_message, `answer ${k} failed: ${answer.error_message}`);
      const rest = answers.get(p.label)?.rest;
      expect(rest, `no REST answer for ${p.label}`);
      compareOutputs(rest, answer.infer_response, p.raw);
    });
    return got.map((a) => (a.error_message ? `${a.infer_response.id}: error` : `${a.infer_response.id}: ok`)).join(', ');
  });
}

async function errorChecks(answers) {
  const small = cases[0];
  const expectStatus = async (method, request, code, fragment) => {
    const error = await callError(method, request);
    expect(error.code === code, `status ${error.code} (${error.details}), expected ${code}`);
    expect(error.details.includes(fragment), `message ${JSON.stringify(error.details)} lacks ${JSON.stringify(fragment)}`);
    return `${grpc.status[code]}: ${error.details}`;
  };
  const { NOT_FOUND, INVALID_ARGUMENT } = grpc.status;

  await check('ModelInfer unknown model -> NOT_FOUND', () =>
    expectStatus('ModelInfer', { ...grpcRequest(small, false, 'e1'), model_name: 'no-such-model' }, NOT_FOUND, "Unknown model 'no-such-model'"));
  await check('ModelInfer unknown version -> NOT_FOUND', () =>
    expectStatus('ModelInfer', { ...grpcRequest(small, false, 'e2'), model_version: '9' }, NOT_FOUND, 'has no version 9'));
  await check('ModelReady unknown model, ModelMetadata unknown version -> NOT_FOUND', async () => {
    const ready = await expectStatus('ModelReady', { name: 'no-such-model' }, NOT_FOUND, "Unknown model 'no-such-model'");
    const metadata = await expectStatus('ModelMetadata', { name: 'small-cnn', version: '9' }, NOT_FOUND, 'has no version 9');
    return `${ready} / ${metadata}`;
  });
  await check('ModelInfer raw contents shorter than the shape -> INVALID_ARGUMENT', () => {
    const request = grpcRequest(small, true, 'e3');
    request.raw_input_contents = [request.raw_input_contents[0].subarray(0, 3000)];
    // [2,1,28,28] FP32 is 1568 floats: 6272 bytes.
    return expectStatus('ModelInfer', request, INVALID_ARGUMENT, "raw_input_contents for input 'input' is 3000 bytes, but FP32 [2,1,28,28] needs 6272");
  });
  await check('ModelInfer typed data in the wrong field -> INVALID_ARGUMENT', () => {
    const request = grpcRequest(small, false, 'e4');
    request.inputs[0].contents = { fp64_contents: small.inputs[0].data };
    return expectStatus('ModelInfer', request, INVALID_ARGUMENT, 'belongs in contents.fp32_contents');
  });
  await check('an RPC outside our proto (Triton\'s RepositoryIndex) -> UNIMPLEMENTED', async () => {
    const error = await unaryBytes('/inference.GRPCInferenceService/RepositoryIndex', Buffer.alloc(0));
    expect(error?.code === grpc.status.UNIMPLEMENTED, `got ${error?.code} (${error?.details})`);
    return `${grpc.status[error.code]}: ${error.details}`;
  });
  await check('ModelInfer with bytes that are not a protobuf message -> INVALID_ARGUMENT', async () => {
    const error = await unaryBytes('/inference.GRPCInferenceService/ModelInfer', Buffer.from([0xff, 0xff, 0xff]));
    expect(error?.code === INVALID_ARGUMENT, `got ${error?.code} (${error?.details})`);
    expect(error.details.includes('not a valid ModelInferRequest'), `message ${JSON.stringify(error.details)}`);
    return error.details.slice(0, 60) + '...';
  });
  // Cancelled after the first answer (requests queued) and at once (requests still uploading):
  // the client sees CANCELLED, and the server must log no error and keep serving.
  for (const when of ['after the first answer', 'while the requests upload']) {
    await check(`ModelStreamInfer cancelled by the client ${when}`, async () => {
      const resnet = cases.find((c) => c.model === 'resnet18'); // slow enough that requests are still queued
      const code = await new Promise((resolve) => {
        const duplex = client.ModelStreamInfer({ deadline: Date.now() + DEADLINE_MS });
        duplex.on('data', () => duplex.cancel());
        duplex.on('error', (error) => resolve(error.code));
        duplex.on('status', (status) => resolve(status.code));
        for (let i = 0; i < 8; i++) duplex.write(grpcRequest(resnet, true, `cancel-${i}`));
        if (when === 'while the requests upload') setImmediate(() => duplex.cancel());
        duplex.end();
      });
      expect(code === grpc.status.CANCELLED, `stream ended with ${code}, expected CANCELLED`);
    });
  }
  await check('the server still serves after the errors', async () => {
    expect((await call('ServerLive', {})).live === true, 'not live');
    const r = await call('ModelInfer', grpcRequest(small, true, 'after'));
    const rest = answers.get('small-cnn')?.rest;
    expect(rest, 'no REST answer for small-cnn');
    return compareOutputs(rest, r, true);
  });
}

await runChecks(main);
