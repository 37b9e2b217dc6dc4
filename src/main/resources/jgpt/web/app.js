// jgpt's page: streams text from the server's OpenAI-compatible endpoints and shows, for every token, the
// distribution it was drawn from. It uses only the public API: logprobs plus the "top_logits" extension
// (the K largest raw logits of each step, before temperature, top-k and top-p).
'use strict';

const MAX_TOP_LOGITS = 256; // per token; the full vocabulary when it is smaller (then re-temperaturing is exact)
const BARS = 12;            // candidates drawn in the panel

const $ = (id) => document.getElementById(id);

const state = {
  model: null,
  vocab: null,
  topLogits: 1,
  tokens: [],      // {text, logprob, id, topLogits, temperature, topP}
  pinned: null,    // index of the clicked token
  shown: null,     // index in the panel
  abort: null,
  chat: [],        // {role, content}
};

// ------------------------------------------------------------------------------------------------ server

async function init() {
  try {
    const res = await fetch('/v1/models');
    const model = (await res.json()).data[0];
    state.model = model.id;
    state.vocab = model.vocab_size;
    state.topLogits = Math.min(state.vocab, MAX_TOP_LOGITS);
    $('model').textContent = `${model.id} · context ${model.max_model_len} tokens · vocabulary ${state.vocab}`;
    // the prompt needs room too: the server refuses a reply budget that leaves none
    const maxTokens = $('max-tokens');
    maxTokens.max = model.max_model_len - 1;
    maxTokens.value = Math.min(Number(maxTokens.value), Math.floor(model.max_model_len / 2));
  } catch (e) {
    $('model').textContent = 'server not reachable';
    setStatus(`error: ${e.message}`, true);
  }
}

/** Server-Sent Events from a fetch response: yields each `data:` payload parsed as JSON, until [DONE]. */
async function* events(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, {stream: true}).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (!data) continue;
      if (data === '[DONE]') return;
      yield JSON.parse(data);
    }
  }
}

/**
 * POSTs a streaming request and calls onToken for each generated token (from the logprobs entries, which carry
 * the token's id, probability and top logits) and onText for the reply text. Resolves to {finish, usage}.
 */
async function streamCompletion(path, body, onToken, onText) {
  const controller = new AbortController();
  state.abort = controller;
  const res = await fetch(path, {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({...body, stream: true, stream_options: {include_usage: true}, top_logits: state.topLogits}),
    signal: controller.signal,
  });
  if (!res.ok) {
    const err = await res.json().catch(() => null);
    throw new Error(err?.error?.message ?? `HTTP ${res.status}`);
  }
  let finish = null, usage = null;
  for await (const chunk of events(res)) {
    if (chunk.error) throw new Error(chunk.error.message);
    for (const choice of chunk.choices ?? []) {
      const lp = choice.logprobs;
      if (lp?.content) {           // chat: one entry per token
        for (const e of lp.content) onToken({text: e.token, logprob: e.logprob, id: e.id, topLogits: e.top_logits});
      } else if (lp?.tokens) {     // completions: parallel arrays
        lp.tokens.forEach((t, k) => onToken({text: t, logprob: lp.token_logprobs[k], id: null, topLogits: lp.top_logits?.[k]}));
      }
      const text = choice.delta?.content ?? choice.text;
      if (text) onText(text);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  return {finish, usage};
}

function sampling() {
  return {
    model: state.model,
    temperature: Number($('temperature').value),
    top_p: Number($('top-p').value),
    max_tokens: Number($('max-tokens').value),
  };
}

// ------------------------------------------------------------------------------------------------ tokens

/** Makes a token visible: newlines and tabs as symbols (followed by the real line break). */
function visible(text) {
  return text.replace(/\t/g, '⇥').replace(/\n/g, '↵\n');
}

function percent(p) {
  if (p >= 0.001) return `${(p * 100).toFixed(1)}%`;
  if (p >= 0.0001) return `${(p * 100).toFixed(2)}%`;
  return p > 0 ? '<0.01%' : '0%';
}

function addToken(container, token, params) {
  const index = state.tokens.length;
  state.tokens.push({...token, temperature: params.temperature, topP: params.top_p});
  const span = document.createElement('span');
  const p = Math.exp(token.logprob);
  span.className = 'tok';
  span.style.setProperty('--p', p.toFixed(3));
  span.dataset.index = index;
  span.textContent = visible(token.text);
  span.title = `p = ${percent(p)}`;
  container.appendChild(span);
  if (state.pinned === null) showToken(index); // follow the stream until the user picks a token
}

/**
 * The server reports every sampled token, but the text it returns stops before a stop string (e.g. "\nUser:").
 * Tokens past the returned text are kept on screen, faded, so one sees where and why the reply ended.
 */
function markStopText(container, text) {
  let at = 0;
  for (const span of container.querySelectorAll('.tok')) {
    if (at >= text.length) {
      span.classList.add('cut');
      span.title += ' · stop text: generation ended here, not part of the reply';
    }
    at += state.tokens[Number(span.dataset.index)].text.length;
  }
}

function onTokenEvent(event) {
  const span = event.target.closest('.tok');
  if (!span) return;
  const index = Number(span.dataset.index);
  if (event.type === 'click') {
    document.querySelectorAll('.tok.pinned').forEach((s) => s.classList.remove('pinned'));
    span.classList.add('pinned');
    state.pinned = index;
    showToken(index);
  } else if (event.type === 'mouseover') {
    showToken(index);
  }
}

function onTokenLeave(event) {
  if (event.target.closest('.tok') && state.pinned !== null) showToken(state.pinned);
}

// ------------------------------------------------------------------------------------------------ panel

/** softmax(logit / T) over the given logits (T = 0: all mass on the largest, as greedy decoding does). */
function softmax(logits, temperature) {
  if (temperature === 0) return logits.map((_, i) => (i === 0 ? 1 : 0));
  const max = Math.max(...logits);
  const w = logits.map((l) => Math.exp((l - max) / temperature));
  const z = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / z);
}

function entropyBits(p) {
  return -p.reduce((h, x) => (x > 0 ? h + x * Math.log2(x) : h), 0);
}

function showToken(index) {
  const token = state.tokens[index];
  if (!token) return;
  const fresh = state.shown !== index;
  state.shown = index;
  $('panel-empty').classList.add('hidden');
  $('panel-body').classList.remove('hidden');
  $('panel-index').textContent = `#${index + 1}`;
  $('panel-token').textContent = JSON.stringify(token.text);
  const drawnAt = token.temperature === 0 ? 1 : token.temperature;
  if (fresh) {
    $('panel-temp').value = drawnAt;
  }
  const how = token.temperature === 0 ? 'greedy (always the most likely token; shown at temperature 1)'
      : `temperature ${token.temperature}${token.topP < 1 ? `, top-p ${token.topP}` : ''}`;
  $('panel-drawn').textContent = `Drawn with probability ${percent(Math.exp(token.logprob))} — ${how}.`;
  drawBars();
}

function drawBars() {
  const token = state.tokens[state.shown];
  const temperature = Number($('panel-temp').value);
  $('panel-temp-value').textContent = temperature.toFixed(2);
  const bars = $('bars');
  bars.replaceChildren();
  const top = token.topLogits ?? [];
  if (top.length === 0) {
    $('panel-note').textContent = 'The server sent no logits for this token.';
    return;
  }
  const logits = top.map((e) => e.logit);
  const now = softmax(logits, temperature);
  const drawnAt = token.temperature === 0 ? 1 : token.temperature;
  const before = softmax(logits, drawnAt);
  let chosen = top.findIndex((e) => (token.id !== null ? e.id === token.id : e.token === token.text));
  const rows = [...Array(Math.min(BARS, top.length)).keys()];
  if (chosen >= BARS) rows.push(chosen);
  for (const r of rows) {
    const row = document.createElement('div');
    row.className = 'bar-row' + (r === chosen ? ' chosen' : '');
    row.innerHTML = '<span class="rank"></span><span class="label"></span>'
        + '<span class="track"><span class="ghost"></span><span class="fill"></span></span><span class="value"></span>';
    row.querySelector('.rank').textContent = r + 1;
    row.querySelector('.label').textContent = JSON.stringify(top[r].token);
    row.querySelector('.label').title = `id ${top[r].id}, logit ${top[r].logit.toFixed(3)}`;
    row.querySelector('.fill').style.width = `${(now[r] * 100).toFixed(2)}%`;
    row.querySelector('.ghost').style.width = `${(before[r] * 100).toFixed(2)}%`;
    row.querySelector('.value').textContent = percent(now[r]);
    bars.appendChild(row);
  }
  const exact = top.length >= state.vocab;
  const parts = [
    `Bars: softmax(logit / ${temperature.toFixed(2)}); the outline shows temperature ${drawnAt}.`,
    `Entropy ${entropyBits(now).toFixed(2)} bits.`,
    exact ? `Exact: all ${state.vocab} logits of the vocabulary are known.`
          : `Renormalised over the top ${top.length} of ${state.vocab} logits.`,
  ];
  if (chosen < 0) parts.push('The chosen token is not among them.');
  $('panel-note').textContent = parts.join(' ');
}

// ------------------------------------------------------------------------------------------------ modes

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

function busy(on) {
  for (const id of ['generate', 'send']) $(id).disabled = on;
  $('stop-complete').disabled = !on;
}

function summary(count, started, result) {
  const seconds = (performance.now() - started) / 1000;
  let s = `${count} tokens in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} tokens/s)`;
  if (result.finish) s += ` · stopped: ${result.finish === 'length' ? 'token limit' : 'stop text or end of text'}`;
  if (result.usage?.dropped_messages) s += ` · ${result.usage.dropped_messages} old messages dropped to fit the context`;
  return s;
}

async function complete() {
  const prompt = $('prompt').value;
  if (!prompt) { setStatus('Write a prompt first.', true); return; }
  const out = $('output');
  out.replaceChildren();
  const p = document.createElement('span');
  p.className = 'prompt-text';
  p.textContent = prompt;
  out.appendChild(p);
  const params = sampling();
  const started = performance.now();
  let count = 0, text = '';
  busy(true);
  setStatus('generating…');
  try {
    const result = await streamCompletion('/v1/completions', {...params, prompt, logprobs: 5},
        (t) => { addToken(out, t, params); count++; }, (t) => { text += t; });
    markStopText(out, text);
    setStatus(summary(count, started, result));
  } catch (e) {
    setStatus(e.name === 'AbortError' ? `stopped after ${count} tokens` : `error: ${e.message}`, e.name !== 'AbortError');
  } finally {
    busy(false);
  }
}

function chatBubble(role, text) {
  const div = document.createElement('div');
  div.className = `msg ${role}`;
  const who = document.createElement('div');
  who.className = 'who';
  who.textContent = role === 'user' ? 'you' : 'model';
  const body = document.createElement('div');
  body.className = 'body';
  if (text) body.textContent = text;
  div.append(who, body);
  $('messages').appendChild(div);
  return body;
}

async function send() {
  const text = $('chat-text').value.trim();
  if (!text) return;
  $('chat-text').value = '';
  state.chat.push({role: 'user', content: text});
  chatBubble('user', text);
  const body = chatBubble('assistant', '');
  const system = $('system').value.trim();
  const messages = system ? [{role: 'system', content: system}, ...state.chat] : [...state.chat];
  const params = sampling();
  const started = performance.now();
  let count = 0, reply = '';
  busy(true);
  setStatus('the model is replying…');
  try {
    const result = await streamCompletion('/v1/chat/completions', {...params, messages, logprobs: true, top_logprobs: 5},
        (t) => { addToken(body, t, params); count++; }, (t) => { reply += t; });
    markStopText(body, reply);
    state.chat.push({role: 'assistant', content: reply.trim()});
    setStatus(summary(count, started, result));
  } catch (e) {
    state.chat.pop(); // the turn failed: forget it, so the next message is not sent after an unanswered one
    body.parentElement.classList.add('failed');
    setStatus(`error: ${e.message}`, true);
  } finally {
    busy(false);
  }
}

function reset() {
  state.chat = [];
  $('messages').replaceChildren();
  setStatus('conversation forgotten');
}

function switchMode(mode) {
  for (const m of ['complete', 'chat']) {
    $(`mode-${m}`).classList.toggle('hidden', m !== mode);
    $(`tab-${m}`).classList.toggle('active', m === mode);
  }
}

// ------------------------------------------------------------------------------------------------ wiring

for (const [slider, label, digits] of [['temperature', 'temperature-value', 2], ['top-p', 'top-p-value', 2]]) {
  const update = () => { $(label).textContent = Number($(slider).value).toFixed(digits); };
  $(slider).addEventListener('input', update);
  update();
}
$('panel-temp').addEventListener('input', () => { if (state.shown !== null) drawBars(); });
$('generate').addEventListener('click', complete);
$('stop-complete').addEventListener('click', () => state.abort?.abort());
$('prompt').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) complete(); });
$('send').addEventListener('click', send);
$('chat-text').addEventListener('keydown', (e) => { if (e.key === 'Enter') send(); });
$('reset').addEventListener('click', reset);
document.querySelectorAll('.tab').forEach((t) => t.addEventListener('click', () => switchMode(t.dataset.mode)));
for (const id of ['output', 'messages']) {
  $(id).addEventListener('click', onTokenEvent);
  $(id).addEventListener('mouseover', onTokenEvent);
  $(id).addEventListener('mouseout', onTokenLeave);
}
init();
