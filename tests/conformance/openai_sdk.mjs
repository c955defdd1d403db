// OpenAI API conformance check for a running Maas server, with the official `openai` npm SDK
// (a client nobody on the team wrote), over the generated tiny GGUF model.
//
//   node tests/conformance/openai_sdk.mjs --url http://127.0.0.1:8000 --model tiny-llm --one-slot one-slot
//
// `--model` names a language model with at least 8 sequence slots; `--one-slot` one with a single
// slot and no queue (llm.max_sequences 1, llm.max_queue 0), used to prove that a client abort
// frees its slot. Prints "PASS name" or "FAIL name: why" per check, then "N passed, N failed";
// exits 1 on any failure.

import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { check, expect, runChecks } from './checks.mjs';

const { values: args } = parseArgs({ options: { url: { type: 'string' }, model: { type: 'string' }, 'one-slot': { type: 'string' } } });
if (!args.url || !args.model || !args['one-slot']) {
  console.error('usage: node openai_sdk.mjs --url http://HOST:PORT --model NAME --one-slot NAME');
  process.exit(2);
}
const model = args.model;
const oneSlot = args['one-slot'];
const client = new OpenAI({ baseURL: `${args.url.replace(/\/+$/, '')}/v1`, apiKey: 'not-needed', maxRetries: 0, timeout: 60_000 });

async function expectError(promise, status, mentioned) {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof OpenAI.APIError, `expected an APIError, got ${error}`);
    expect(error.status === status, `status ${error.status}, expected ${status}: ${error.message}`);
    expect(error.message.includes(mentioned), `message does not mention '${mentioned}': ${error.message}`);
    return `${status} ${error.type}: ${error.message.slice(0, 80)}`;
  }
  throw new Error(`the request succeeded; expected ${status}`);
}

const messages = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say something.' }];

async function collectChat(stream) {
  let text = '';
  let usage = null;
  let finish = null;
  let role = null;
  for await (const chunk of stream) {
    expect(chunk.object === 'chat.completion.chunk', `chunk object ${chunk.object}`);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta?.role) role = choice.delta.role;
      if (choice.delta?.content) text += choice.delta.content;
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return { text, usage, finish, role };
}

async function main() {
  let whole;
  await check('chat.completions.create (non-streamed)', async () => {
    whole = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0 });
    expect(whole.object === 'chat.completion', `object ${whole.object}`);
    expect(whole.choices.length === 1, `${whole.choices.length} choices`);
    expect(whole.choices[0].message.role === 'assistant', `role ${whole.choices[0].message.role}`);
    expect(typeof whole.choices[0].message.content === 'string' && whole.choices[0].message.content.length > 0, 'no content');
    expect(whole.choices[0].finish_reason === 'length', `finish_reason ${whole.choices[0].finish_reason}`);
    expect(whole.usage.completion_tokens === 8, `completion_tokens ${whole.usage.completion_tokens}`);
    expect(whole.usage.total_tokens === whole.usage.prompt_tokens + 8, 'total_tokens is not the sum');
    return `${whole.usage.prompt_tokens} prompt tokens`;
  });

  await check('chat.completions.create (streamed, include_usage) equals the non-streamed text', async () => {
    const stream = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0, stream: true, stream_options: { include_usage: true } });
    const r = await collectChat(stream);
    expect(r.role === 'assistant', `first delta role ${r.role}`);
    expect(r.finish === 'length', `finish_reason ${r.finish}`);
    expect(r.usage?.completion_tokens === 8, `usage ${JSON.stringify(r.usage)}`);
    expect(r.text === whole.choices[0].message.content, `streamed ${JSON.stringify(r.text)} != ${JSON.stringify(whole.choices[0].message.content)}`);
  });

  await check('completions.create, streamed and not, agree', async () => {
    const c = await client.completions.create({ model, prompt: 'The capital of France is', max_tokens: 6, temperature: 0 });
    expect(c.object === 'text_completion', `object ${c.object}`);
    expect(c.usage.completion_tokens === 6, `completion_tokens ${c.usage.completion_tokens}`);
    const stream = await client.completions.create({ model, prompt: 'The capital of France is', max_tokens: 6, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text === c.choices[0].text, `streamed ${JSON.stringify(text)} != ${JSON.stringify(c.choices[0].text)}`);
  });

  await check('seeded sampling is deterministic', async () => {
    const ask = () => client.chat.completions.create({ model, messages, max_tokens: 10, temperature: 0.9, top_p: 0.95, seed: 99 });
    const [a, b] = [await ask(), await ask()];
    expect(a.choices[0].message.content === b.choices[0].message.content, 'two answers differ');
  });

  await check('a stop sequence cuts the output before it', async () => {
    const full = (await client.chat.completions.create({ model, messages, max_tokens: 24, temperature: 0 })).choices[0].message.content;
    const stop = full.slice(Math.floor(full.length / 2), Math.floor(full.length / 2) + 3);
    const cut = await client.chat.completions.create({ model, messages, max_tokens: 24, temperature: 0, stop: [stop] });
    expect(cut.choices[0].finish_reason === 'stop', `finish_reason ${cut.choices[0].finish_reason}`);
    expect(cut.choices[0].message.content === full.slice(0, full.indexOf(stop)), `cut ${JSON.stringify(cut.choices[0].message.content)}`);
  });

  await check('8 concurrent streams complete with their own lengths', async () => {
    const runs = await Promise.all([...Array(8).keys()].map(async (i) => {
      const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `stream ${i}` }], max_tokens: 4 + i, temperature: 0, stream: true, stream_options: { include_usage: true } });
      return collectChat(stream);
    }));
    runs.forEach((r, i) => expect(r.usage?.completion_tokens === 4 + i, `stream ${i}: ${JSON.stringify(r.usage)}`));
  });

  await check('models.list shows the language model', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids.includes(model), `ids ${ids}`);
  });

  await check('an aborted stream frees its slot', async () => {
    const controller = new AbortController();
    const stream = await client.completions.create({ model: oneSlot, prompt: 'go on', max_tokens: 400, temperature: 0, stream: true }, { signal: controller.signal });
    for await (const chunk of stream) {
      expect(chunk.object === 'text_completion', `object ${chunk.object}`);
      break; // leaving the loop aborts the request
    }
    controller.abort();
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const r = await client.completions.create({ model: oneSlot, prompt: 'again', max_tokens: 2 });
        expect(r.usage.completion_tokens === 2, `completion_tokens ${r.usage.completion_tokens}`);
        return;
      } catch (error) {
        expect(error.status === 429 && Date.now() < deadline, `slot never freed: ${error.message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  await check('a bad role is a 400', () => expectError(client.chat.completions.create({ model, messages: [{ role: 'wizard', content: 'hi' }] }), 400, 'role'));
  await check('an invalid temperature is a 400', () => expectError(client.chat.completions.create({ model, messages, temperature: 7 }), 400, 'temperature'));
  await check('a prompt longer than the context is a 400 naming both numbers', () =>
    expectError(client.completions.create({ model, prompt: 'word '.repeat(5000), max_tokens: 1 }), 400, 'maximum context length'));
  await check('an unknown model is a 404', () => expectError(client.chat.completions.create({ model: 'no-such-model', messages }), 404, 'no-such-model'));
  await check('the server still serves after the errors', async () => {
    const r = await client.chat.completions.create({ model, messages, max_tokens: 2, temperature: 0 });
    expect(r.usage.completion_tokens === 2, `completion_tokens ${r.usage.completion_tokens}`);
  });

}

await runChecks(main);
