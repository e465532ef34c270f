// Browser tests of backprop playground. run.sh builds the binary, starts
// nothing itself, and runs this file with Node's test runner:
//
//   BACKPROP_BIN=/path/to/backprop CHROMIUM=/usr/bin/chromium node --test playground.test.mjs
//
// The tests start `backprop playground --addr 127.0.0.1:0`, drive the
// page in headless Chromium, and check its numbers against `backprop
// train --json` and `backprop explain --trace --json` run on the same
// settings, weights and batch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.BACKPROP_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(here, 'artifacts');

let server;
let serverLog = '';
let base; // the page's URL, as the command printed it
let context;
let page;
let tmp;
const requests = [];
const pageErrors = [];

// firstLine resolves with the first line a stream writes.
function firstLine(stream, ms) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no line within ${ms} ms; stderr: ${serverLog}`)), ms);
    stream.on('data', (chunk) => {
      buf += chunk;
      const k = buf.indexOf('\n');
      if (k >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, k));
      }
    });
  });
}

before(async () => {
  assert.ok(BIN, 'set BACKPROP_BIN to a backprop binary built from the tree (run.sh does)');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-e2e-'));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = spawn(BIN, ['playground', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (d) => (serverLog += d));
  base = (await firstLine(server.stdout, 10000)).trim();
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  page = context.pages()[0] || (await context.newPage());
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
});

after(async () => {
  if (context) await context.close();
  if (server) {
    const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, `the server exited with ${code} on SIGINT; stderr: ${serverLog}`);
    assert.match(serverLog, /backprop playground: stopped/);
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// open loads the page with the settings of query and waits for the engine.
async function open(query) {
  await page.goto('about:blank');
  await page.goto(base + '#' + query);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
}

// backprop runs the command line and returns its stdout.
function backprop(args) {
  return execFileSync(BIN, args, { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function tab(name) {
  await page.click(`.tab[data-tab="${name}"]`);
}

// download clicks a download button and saves the file in tmp.
async function download(button, name) {
  await tab('share');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const file = path.join(tmp, name);
  await dl.saveAs(file);
  return file;
}

const value = (selector) => page.$eval(selector, (el) => el.dataset.value);

// sixDigits writes v as the command line and the page print costs.
const sixDigits = (v) => String(Number(v.toPrecision(6)));

function close(got, want, rel, what) {
  const tol = rel * Math.max(1, Math.abs(want));
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got}, want ${want} within ${tol}`);
}

test('the page loads offline from the server alone', async () => {
  await open('');
  for (const u of requests) {
    assert.ok(u.startsWith(base) || u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank',
      `request to ${u} leaves the server`);
  }
  assert.deepEqual(pageErrors, []);
  assert.equal(await page.textContent('#epoch'), '0');
  // Every hidden unit and the output has a heat map, every feature too.
  assert.equal(await page.locator('.node').count(), 7 + 4 + 2 + 1);
  assert.equal(await page.locator('path.link.hit').count(), 2 * 4 + 4 * 2 + 2 * 1);
});

// The costs after some epochs on the page and in `backprop train`, for a
// set the command line generates by name and for one it reads from the
// page's data file.
for (const [name, query, epochs] of [
  ['moons, mini-batches, Adam', 'data=moons&layers=5,3&act=tanh&out=sigmoid&opt=adam&lr=0.01&batch=16&seed=3', 6],
  ['xor with x1·x2, momentum and L2', 'data=xor&f=x1,x2,x1x2&layers=4&act=relu&opt=momentum&lr=0.1&reg=l2&rate=0.01&batch=20&seed=2&init=he', 5],
]) {
  test(`costs match backprop train: ${name}`, async () => {
    await open(query);
    await tab('backward');
    for (let k = 0; k < epochs; k++) await page.click('#step-epoch');
    assert.equal(await page.textContent('#epoch'), String(epochs));
    const pageTrain = Number(await value('#train-loss'));
    const pageTest = Number(await value('#test-loss'));

    await tab('share');
    const cmd = await page.inputValue('#cli');
    assert.match(cmd, new RegExp(`--epochs ${epochs} `));
    const args = cmd.split(/\s+/).slice(1);
    if (args.includes('playground-data.csv')) await download('#dl-data', 'playground-data.csv');
    const res = JSON.parse(backprop([...args, '--json']));
    assert.equal(res.epochs, epochs);
    // The page runs the portable Go kernels and the command line the
    // assembly ones, so the last bits may differ; the printed digits not.
    assert.equal(await page.textContent('#train-loss'), sixDigits(res.train_cost));
    assert.equal(await page.textContent('#test-loss'), sixDigits(res.test_cost));
    close(pageTrain, res.train_cost, 1e-9, 'training cost');
    close(pageTest, res.test_cost, 1e-9, 'test cost');
  });
}

test('the backward walk shows the dW of backprop explain --trace', async () => {
  await open('data=flower&layers=4,3&act=tanh&opt=sgd&lr=0.5&batch=8&reg=l2&rate=0.1&seed=5');
  for (let k = 0; k < 3; k++) await page.click('#step-batch');
  await tab('backward');

  // Walk from the first quantity to the last with the Next button.
  await page.click('#walk-first');
  const total = await page.locator('#walk-steps .chip').count();
  const names = [];
  const dW = {};
  for (let k = 0; k < total; k++) {
    const name = await page.textContent('#walk-steps .chip.on');
    names.push(name);
    const eq = await page.textContent('#walk-eq');
    assert.ok(eq.startsWith(name.replace(/\[.*/, '')), `step ${name} shows the equation ${eq}`);
    if (name.startsWith('dW[')) {
      // Each dW step lights up the links into its layer.
      assert.ok((await page.locator('path.link.hl').count()) > 0, `${name} highlights no link`);
      dW[name] = await page.$$eval('#walk-matrix td.cell', (tds) => tds.map((td) => ({ i: +td.dataset.i, j: +td.dataset.j, v: +td.dataset.value })));
    }
    if (k === 6) await page.screenshot({ path: path.join(ARTIFACTS, 'walk.png'), fullPage: true });
    await page.click('#walk-next');
  }
  assert.deepEqual(names, ['Z[1]', 'A[1]', 'Z[2]', 'A[2]', 'Z[3]', 'A[3]', 'J', 'dZ[3]', 'dW[3]', 'db[3]',
    'dA[2]', 'dZ[2]', 'dW[2]', 'db[2]', 'dA[1]', 'dZ[1]', 'dW[1]', 'db[1]', 'dA[0]']);

  // The same pass on the same weights and batch in the command line.
  const model = await download('#dl-json', 'playground-model.json');
  const batch = await download('#dl-batch', 'playground-batch.csv');
  const trace = JSON.parse(backprop(['explain', '--trace', '--json', '--model', model, '--data', batch, '--l2', '0.1']));
  assert.equal(trace.m, 8);
  for (const layer of trace.layers) {
    const shown = dW[`dW[${layer.l}]`];
    assert.equal(shown.length, layer.dW.length * layer.dW[0].length, `dW[${layer.l}] shows every entry`);
    for (const { i, j, v } of shown) close(v, layer.dW[i][j], 1e-12, `dW[${layer.l}][${i}][${j}]`);
  }
  // And the equations tab is explain's text for this network.
  await tab('equations');
  const eqs = await page.textContent('#equations');
  const cli = backprop(['explain', '--layers', '2,4,3,1', '--activations', 'tanh,tanh,sigmoid', '--loss', 'bce', '--examples', '8', '--l2', '0.1']);
  assert.equal(eqs.trim(), cli.trim());
});

test('the exported model loads in predict and explain', async () => {
  await open('data=circles&f=x1,x2,x1sq,x2sq&layers=3&opt=adam&lr=0.03&batch=10&seed=1');
  for (let k = 0; k < 10; k++) await page.click('#step-epoch');
  await tab('share');
  assert.match(await page.textContent('#feature-note'), /x1, x2, x1\^2, x2\^2.*n\[0\] = 4/);
  const model = await download('#dl-st', 'playground-model.safetensors');
  const dataFile = await download('#dl-data', 'playground-data.csv');
  const preds = JSON.parse(backprop(['predict', '--model', model, '--json', dataFile]));
  const labels = fs.readFileSync(dataFile, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').at(-1)));
  assert.equal(preds.length, labels.length);
  let correct = 0;
  preds.forEach((p, k) => (correct += p.class === labels[k] ? 1 : 0));
  // The page's accuracies on the two parts, weighted by their sizes.
  const acc = await page.evaluate(() => [document.getElementById('train-acc').textContent, document.getElementById('test-acc').textContent]);
  const [trainAcc, testAcc] = acc.map((s) => Number(s.match(/([\d.]+)%/)[1]) / 100);
  const expected = trainAcc * 240 + testAcc * 60;
  assert.ok(Math.abs(correct - expected) <= 1.5, `predict classifies ${correct} of 300 correctly, the page ${expected}`);
  const summary = backprop(['explain', '--model', model]);
  assert.match(summary, /dW\[2\]/);
});

test('the URL holds the settings and edits change the weights', async () => {
  await open('');
  await page.selectOption('#act', 'relu');
  await page.click('#add-layer');
  await page.click('.node.feature >> nth=2'); // x1²
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /act=relu/);
  assert.match(hash, /layers=4,2,2/);
  assert.match(hash, /f=x1,x2,x1sq/);
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.inputValue('#act'), 'relu');
  assert.equal(await page.textContent('#layer-count'), '3 hidden layers');
  assert.equal(await page.getAttribute('#param-count', 'data-value'), String(3 * 4 + 4 + 4 * 2 + 2 + 2 * 2 + 2 + 2 + 1));

  // Click a link, type a weight, and read it back from its tooltip.
  const link = page.locator('path.link.hit[data-l="2"][data-i="1"][data-j="3"]');
  await link.click({ force: true });
  await page.fill('#editor-input', '1.25');
  await page.press('#editor-input', 'Enter');
  assert.equal(await page.isVisible('#editor'), false);
  await link.hover({ force: true });
  assert.match(await page.textContent('#tip'), /W\[2\] row 1, column 3 = 1\.25/);

  await page.click('#step-epoch');
  await tab('backward');
  await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png'), fullPage: true });

  // A link pasted into the same tab changes only the fragment.
  await page.evaluate(() => (location.hash = 'data=moons&layers=3'));
  await page.waitForFunction(() => document.getElementById('layer-count').textContent === '1 hidden layer');
  assert.equal(await page.textContent('#epoch'), '0');
  assert.match(await page.evaluate(() => location.hash), /^#data=moons&m=300&noise=0\.2&dseed=3&/);
  assert.deepEqual(pageErrors, []);
});

test('an uploaded CSV becomes the data', async () => {
  await open('');
  const lines = ['x1,x2,label'];
  for (let k = 0; k < 60; k++) {
    const x1 = Math.cos(k) * 2;
    const x2 = Math.sin(1.7 * k) * 2;
    lines.push(`${x1},${x2},${x1 + x2 > 0 ? 1 : 0}`);
  }
  const file = path.join(tmp, 'points.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  await page.setInputFiles('#upload', file);
  await page.waitForFunction(() => location.hash.includes('data=upload'));
  assert.match(await page.textContent('#data-note'), /points\.csv.*48 training and 12 test examples/);
  for (let k = 0; k < 20; k++) await page.click('#step-epoch');
  assert.equal(await page.textContent('#epoch'), '20');

  const bad = path.join(tmp, 'bad.csv');
  fs.writeFileSync(bad, '1,2,3,0\n4,5,6,1\n');
  await page.setInputFiles('#upload', bad);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /3 feature columns/);
});
