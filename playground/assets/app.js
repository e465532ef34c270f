// backprop playground: the page's script. It draws and forwards clicks;
// every number comes from the engine, backprop's Go code compiled to
// WebAssembly (engine.wasm), through the object backpropEngine.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  // Grid side of the heat maps: each unit's output on G × G points.
  const G = 50;
  const LR_CHOICES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 1.2, 3, 10];
  const RATE_CHOICES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const OUTPUT_TITLES = { sigmoid: 'sigmoid, cross-entropy', tanh: 'tanh, squared error', linear: 'linear, squared error' };
  const COLOURS = { neg: [245, 147, 34], mid: [232, 234, 235], pos: [8, 119, 189] };

  let E = null; // the engine's methods
  let C = null; // the catalog of choices
  let info = null; // the current setup
  let S = null; // its settings
  let status = null;
  let curve = [];
  let grid = null; // Float32Array of every map, see Engine.Grid
  let params = null; // {W, b}
  let walk = null;
  let walkPos = 0;
  let linkMode = 'W';
  let playing = false;
  let epochsPerFrame = 1;
  const nodes = []; // nodes[l][i]: the element of unit i of layer l (l = 0: selected features)
  const featureNodes = []; // all features' elements, in catalog order
  let links = []; // links[l][i][j]: {vis, hit}
  let colheads = [];

  // ---- The engine -------------------------------------------------------

  // call runs an engine method and returns its result, parsed when it is
  // JSON. A result {"error": …} becomes an exception.
  function call(name, ...args) {
    const r = E[name](...args);
    if (typeof r !== 'string') return r;
    const v = JSON.parse(r);
    if (v && typeof v === 'object' && v.error) throw new Error(v.error);
    return v;
  }

  window.onBackpropReady = () => {
    E = window.backpropEngine;
    try {
      boot();
    } catch (e) {
      showError(e.message);
    }
  };

  function load() {
    const go = new Go();
    WebAssembly.instantiateStreaming(fetch('engine.wasm'), go.importObject)
      .then((r) => go.run(r.instance))
      .catch((e) => {
        $('loading').textContent = 'The engine could not start: ' + e.message;
      });
  }

  function boot() {
    C = call('catalog');
    buildControls();
    const query = location.hash.replace(/^#/, '');
    $('loading').hidden = true;
    $('main').hidden = false;
    $('lower').hidden = false;
    setup(query, true);
    document.body.dataset.ready = '1';
  }

  // setup builds a new engine for the settings of query, at epoch 0.
  function setup(query, first) {
    stop();
    let r;
    try {
      r = call('setup', query);
      hideError();
    } catch (e) {
      showError(e.message);
      if (info && !first) {
        // Keep the current setup, and put back the link and the controls
        // the user changed.
        history.replaceState(null, '', '#' + info.query);
        syncControls();
        return;
      }
      r = call('setup', '');
    }
    info = r;
    S = r.settings;
    status = r.status;
    curve = r.curve.slice();
    walk = null;
    walkPos = 0;
    history.replaceState(null, '', '#' + r.query);
    syncControls();
    layoutNet();
    refresh();
    drawTables();
  }

  // apply sets some settings and starts again from epoch 0.
  function apply(changes, newData) {
    const s = Object.assign({}, S, changes);
    const p = new URLSearchParams();
    p.set('data', s.data);
    if (!newData) {
      p.set('m', s.m);
      p.set('noise', s.noise);
      p.set('dseed', s.dseed);
    }
    p.set('task', s.task);
    p.set('test', s.test);
    p.set('batch', s.batch);
    p.set('f', s.f.join(','));
    p.set('layers', s.layers.join(','));
    for (const k of ['act', 'out', 'init', 'opt', 'lr', 'reg', 'rate', 'seed']) p.set(k, s[k]);
    setup(p.toString().replace(/%2C/g, ','));
  }

  // ---- Controls ---------------------------------------------------------

  function fill(select, values, label) {
    select.innerHTML = '';
    for (const v of values) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = label ? label(v) : v;
      select.append(o);
    }
  }

  // choose selects v in select, adding it when a link carries a value the
  // list does not offer.
  function choose(select, v) {
    const s = String(v);
    if (![...select.options].some((o) => o.value === s)) {
      const o = document.createElement('option');
      o.value = o.textContent = s;
      select.append(o);
    }
    select.value = s;
  }

  function buildControls() {
    fill($('lr'), LR_CHOICES);
    fill($('rate'), RATE_CHOICES);
    fill($('opt'), C.optimizers, (v) => ({ sgd: 'SGD', momentum: 'Momentum', rmsprop: 'RMSprop', adam: 'Adam' })[v] || v);
    fill($('act'), C.activations, (v) => ({ relu: 'ReLU', tanh: 'Tanh', sigmoid: 'Sigmoid', linear: 'Linear' })[v] || v);
    fill($('out'), C.outputs, (v) => OUTPUT_TITLES[v] || v);
    fill($('reg'), C.regularizes, (v) => ({ none: 'None', l1: 'L1', l2: 'L2' })[v] || v);
    fill($('init'), C.inits, (v) => ({ xavier: 'Xavier', he: 'He', lecun: 'LeCun', normal: 'N(0, 0.01²)' })[v] || v);

    const num = (v) => Number(v);
    $('lr').onchange = (e) => apply({ lr: num(e.target.value) });
    $('rate').onchange = (e) => apply({ rate: num(e.target.value) });
    $('opt').onchange = (e) => apply({ opt: e.target.value });
    $('act').onchange = (e) => apply({ act: e.target.value });
    $('out').onchange = (e) => apply({ out: e.target.value });
    $('reg').onchange = (e) => apply({ reg: e.target.value });
    $('init').onchange = (e) => apply({ init: e.target.value });
    $('seed').onchange = (e) => apply({ seed: Math.max(0, Math.floor(num(e.target.value)) || 0) });

    const slider = (id, key, show) => {
      const el = $(id);
      el.oninput = () => ($(id + '-out').textContent = show(num(el.value)));
      el.onchange = () => apply({ [key]: num(el.value) });
    };
    slider('test', 'test', (v) => Math.round(v * 100) + '%');
    slider('noise', 'noise', (v) => v.toFixed(2));
    slider('samples', 'm', (v) => String(v));
    slider('batch', 'batch', (v) => (v === 0 ? 'full' : String(v)));
    $('regenerate').onclick = () => apply({ dseed: S.dseed + 1 });

    $('upload').onchange = async (e) => {
      const file = e.target.files[0];
      if (!file) return;
      try {
        const text = await file.text();
        call('upload', file.name, text, $('task').value);
        apply({ data: 'upload', task: $('task').value, out: $('task').value === 'regression' ? 'linear' : 'sigmoid' }, true);
      } catch (err) {
        showError(err.message);
      }
      e.target.value = '';
    };

    buildSets();

    $('reset').onclick = () => setup(info.query);
    $('play').onclick = () => (playing ? stop() : play());
    $('step-batch').onclick = () => { stop(); trainCall('batch', 1); };
    $('step-epoch').onclick = () => { stop(); trainCall('epoch', 1); };
    $('add-layer').onclick = () => {
      if (S.layers.length < C.limits.hidden) apply({ layers: [...S.layers, 2] });
    };
    $('remove-layer').onclick = () => {
      if (S.layers.length > 0) apply({ layers: S.layers.slice(0, -1) });
    };
    $('mode-w').onclick = () => setLinkMode('W');
    $('mode-dw').onclick = () => setLinkMode('dW');
    $('show-test').onchange = drawOutput;
    $('discrete').onchange = () => { drawNet(); drawOutput(); };

    for (const t of document.querySelectorAll('.tab')) {
      t.onclick = () => {
        for (const u of document.querySelectorAll('.tab')) u.classList.toggle('on', u === t);
        for (const p of document.querySelectorAll('.panel')) p.classList.toggle('on', p.id === 'tab-' + t.dataset.tab);
        if (t.dataset.tab === 'backward') updateWalk();
        else clearHighlight();
        if (t.dataset.tab === 'share') drawShare();
        drawOutput();
      };
    }
    $('walk-first').onclick = () => walkTo(0);
    $('walk-prev').onclick = () => walkTo(walkPos - 1);
    $('walk-next').onclick = () => walkTo(walkPos + 1);
    $('walk-last').onclick = () => walk && walkTo(walk.steps.length - 1);
    $('walk-follow').onchange = () => updateWalk();

    $('copy-url').onclick = () => copy($('share-url'));
    $('copy-cli').onclick = () => copy($('cli'));
    $('dl-json').onclick = () => download(call('exportModel', 'json'), 'playground-model.json', 'application/json');
    $('dl-st').onclick = () => download(call('exportModel', 'safetensors'), 'playground-model.safetensors', 'application/octet-stream');
    $('dl-data').onclick = () => { const r = call('exportData'); download(r.csv, r.name, 'text/csv'); };
    $('dl-batch').onclick = () => { const r = call('exportBatch'); download(r.csv, r.name, 'text/csv'); };

    document.addEventListener('keydown', (e) => {
      // Inputs take their own keys, and a focused button its own space.
      if (e.target.closest('input, select, textarea, button')) return;
      if (e.key === ' ') { e.preventDefault(); playing ? stop() : play(); }
      if (walkVisible() && e.key === 'ArrowRight') walkTo(walkPos + 1);
      if (walkVisible() && e.key === 'ArrowLeft') walkTo(walkPos - 1);
    });
    $('editor-input').addEventListener('keydown', editorKey);
    document.addEventListener('mousedown', (e) => {
      if (!$('editor').hidden && !e.target.closest('#editor')) $('editor').hidden = true;
    });
    window.addEventListener('resize', () => { layoutNet(); drawNet(); });
    // A link pasted into the same tab changes only the fragment.
    window.addEventListener('hashchange', () => {
      const query = location.hash.replace(/^#/, '');
      if (info && query !== info.query) setup(query);
    });
  }

  function buildSets() {
    const box = $('sets');
    box.innerHTML = '';
    const groups = [['Classification', false], ['Regression', true]];
    for (const [title, regression] of groups) {
      const h = document.createElement('div');
      h.className = 'group';
      h.textContent = title;
      box.append(h);
      for (const set of C.sets.filter((s) => s.regression === regression)) {
        const b = document.createElement('button');
        b.className = 'set';
        b.dataset.set = set.name;
        b.title = set.title + ': ' + set.help;
        const c = document.createElement('canvas');
        c.width = c.height = 44;
        b.append(c, document.createTextNode(set.title));
        b.onclick = () => {
          const changes = { data: set.name };
          const wasRegression = info && info.regression;
          if (set.regression !== wasRegression) changes.out = set.regression ? 'linear' : 'sigmoid';
          apply(changes, true);
        };
        box.append(b);
        try {
          const p = call('preview', set.name);
          drawThumb(c, p.points, p.domain, set.regression);
        } catch (e) {
          showError(e.message);
        }
      }
    }
  }

  function drawThumb(canvas, pts, d, regression) {
    const ctx = canvas.getContext('2d');
    const n = canvas.width;
    ctx.fillStyle = '#f4f5f6';
    ctx.fillRect(0, 0, n, n);
    const ymax = maxAbs(pts.y) || 1;
    for (let k = 0; k < pts.x1.length; k++) {
      const t = regression ? pts.y[k] / ymax : 2 * pts.y[k] - 1;
      ctx.fillStyle = rgb(colour(t));
      ctx.fillRect(((pts.x1[k] + d) / (2 * d)) * n - 1, ((d - pts.x2[k]) / (2 * d)) * n - 1, 2, 2);
    }
  }

  function syncControls() {
    choose($('lr'), S.lr);
    choose($('rate'), S.rate);
    $('opt').value = S.opt;
    $('act').value = S.act;
    $('out').value = S.out;
    $('reg').value = S.reg;
    $('init').value = S.init;
    $('seed').value = S.seed;
    $('rate').disabled = S.reg === 'none';
    const upload = S.data === 'upload';
    for (const [id, v, show] of [
      ['test', S.test, (v) => Math.round(v * 100) + '%'],
      ['noise', S.noise, (v) => v.toFixed(2)],
      ['samples', S.m, String],
      ['batch', S.batch, (v) => (v === 0 ? 'full' : String(v))],
    ]) {
      const el = $(id);
      if (Number(el.max) < v) el.max = v;
      el.value = v;
      $(id + '-out').textContent = show(v);
    }
    $('noise').disabled = $('samples').disabled = $('regenerate').disabled = upload;
    for (const b of document.querySelectorAll('.set')) b.classList.toggle('on', b.dataset.set === S.data);
    if (upload) $('task').value = S.task;
    const n = S.layers.length;
    $('layer-count').textContent = n + (n === 1 ? ' hidden layer' : ' hidden layers');
    const set = C.sets.find((s) => s.name === S.data);
    const parts = [];
    parts.push(upload ? 'Uploaded file ' + (info.upload || '') + '.' : set.help + '.');
    parts.push(`${info.train.x1.length} training and ${info.test.x1.length} test examples; ` +
      (info.batches === 1 ? 'one full batch per epoch.' : `${info.batches} batches of up to ${info.batch_size} per epoch.`));
    if (!upload) parts.push(`Data seed ${S.dseed}.`);
    $('data-note').textContent = parts.join(' ');
    $('colour-note').textContent = info.regression
      ? 'Colours show the output and the targets: orange is negative, blue positive.'
      : 'Colours show the output and the labels: orange is class 0, blue is class 1; the boundary is where the output crosses 0.5.';
  }

  // ---- Training ---------------------------------------------------------

  function trainCall(kind, n) {
    let r;
    try {
      r = call('train', kind, n);
    } catch (e) {
      stop();
      showError(e.message);
      return 0;
    }
    status = r.status;
    curve.length = r.curve_from;
    curve.push(...r.curve);
    if (status.error) {
      stop();
      showError('Training stopped: ' + status.error + '\nChange the settings or press ⟲ to start again.');
    }
    refresh();
    return 1;
  }

  function play() {
    if (status && status.error) return;
    playing = true;
    $('play').textContent = '⏸';
    $('play').title = 'Pause training (space)';
    requestAnimationFrame(frame);
  }

  function stop() {
    playing = false;
    $('play').textContent = '▶';
    $('play').title = 'Play training, epochs in a row (space)';
  }

  // frame trains some epochs per animation frame, about 25 ms of work,
  // so small networks do not crawl and large ones stay responsive.
  function frame() {
    if (!playing) return;
    const t0 = performance.now();
    if (!trainCall('epoch', epochsPerFrame)) return;
    const dt = performance.now() - t0;
    epochsPerFrame = Math.max(1, Math.min(200, Math.round(epochsPerFrame * (dt > 0 ? Math.min(2, 25 / dt) : 2))));
    requestAnimationFrame(frame);
  }

  // refresh redraws everything that depends on the weights.
  function refresh() {
    try {
      grid = call('grid', G);
      params = call('params');
      if (walkVisible() || linkMode === 'dW') updateWalk();
    } catch (e) {
      showError(e.message);
      return;
    }
    drawNet();
    drawOutput();
    drawCurve();
    drawStatus();
    if ($('tab-share').classList.contains('on')) drawShare();
  }

  function drawStatus() {
    $('epoch').textContent = status.epochs.toLocaleString('en');
    const b = status.batch > 0 ? ` · batch ${status.batch} of ${status.batches}` : '';
    $('iter').textContent = status.iterations.toLocaleString('en') + (status.iterations === 1 ? ' update' : ' updates') + b;
    setNumber($('train-loss'), status.train);
    setNumber($('test-loss'), status.test);
    const acc = (v) => (v === null || v === undefined ? '' : 'accuracy ' + (100 * v).toFixed(1) + '%');
    $('train-acc').textContent = acc(status.train_accuracy);
    $('test-acc').textContent = acc(status.test_accuracy);
  }

  // setNumber shows v with 6 significant digits, as the command line
  // prints costs, and keeps every digit in data-value.
  function setNumber(el, v) {
    el.textContent = v === null || v === undefined ? '–' : fmt(v);
    el.dataset.value = v === null || v === undefined ? '' : String(v);
  }

  function fmt(v) {
    if (v === null || v === undefined) return '–';
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(6)));
    return v.toPrecision(6).replace(/\.?0+e/, 'e');
  }

  // ---- Colours ----------------------------------------------------------

  // colour maps t in [−1, 1] to orange (−1), grey (0) and blue (+1).
  function colour(t) {
    if (!(t === t)) t = 0;
    t = Math.max(-1, Math.min(1, t));
    const to = t < 0 ? COLOURS.neg : COLOURS.pos;
    const a = Math.abs(t);
    return [0, 1, 2].map((k) => Math.round(COLOURS.mid[k] + (to[k] - COLOURS.mid[k]) * a));
  }
  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;

  function maxAbs(a) {
    let m = 0;
    for (const v of a) m = Math.max(m, Math.abs(v));
    return m;
  }

  // mapOf returns the g² values of map k of the grid.
  const mapOf = (k) => grid.subarray(k * G * G, (k + 1) * G * G);

  // scaleOf returns the function from a unit's values to [−1, 1] for its
  // colours: tanh as it is, sigmoid and the classification output around
  // 0.5, other units by their largest value on the plane.
  function scaleOf(l, values) {
    const L = info.sizes.length - 1;
    if (l === L) {
      if (info.regression) {
        const m = maxAbs(info.train.y) || 1;
        return (v) => v / m;
      }
      if ($('discrete').checked) return (v) => (v > 0.5 ? 1 : -1);
      return (v) => 2 * v - 1;
    }
    const g = l === 0 ? 'feature' : info.activations[l - 1];
    if (g === 'tanh') return (v) => v;
    if (g === 'sigmoid') return (v) => 2 * v - 1;
    const m = maxAbs(values) || 1;
    return (v) => v / m;
  }

  function paintMap(canvas, values, scale) {
    if (canvas.width !== G) canvas.width = canvas.height = G;
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(G, G);
    for (let k = 0; k < values.length; k++) {
      const c = colour(scale(values[k]));
      img.data[4 * k] = c[0];
      img.data[4 * k + 1] = c[1];
      img.data[4 * k + 2] = c[2];
      img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  // ---- The network diagram ---------------------------------------------

  const NODE = 38;
  const GAP = 14;
  const TOP = 46;

  function layoutNet() {
    const box = $('net');
    for (const el of [...box.querySelectorAll('.node, .colhead')]) el.remove();
    const svg = $('links');
    svg.innerHTML = '';
    nodes.length = 0;
    featureNodes.length = 0;
    colheads = [];
    if (!info) return;
    const sizes = info.sizes;
    const L = sizes.length - 1;
    const width = box.clientWidth || 600;
    const left = 80;
    const right = 20;
    const cols = L + 1;
    const x = (c) => left + (c * (width - left - right - NODE)) / Math.max(1, cols - 1);
    const tallest = Math.max(C.features.length, ...sizes.slice(1));
    const y = (count, i) => TOP + ((tallest - count) * (NODE + GAP)) / 2 + i * (NODE + GAP);
    box.style.height = TOP + tallest * (NODE + GAP) + 10 + 'px';

    // Layer 0: every feature, the selected ones as the network's inputs.
    nodes[0] = [];
    C.features.forEach((f, k) => {
      const on = S.f.includes(f.name);
      const el = node(x(0), y(C.features.length, k), 'feature' + (on ? '' : ' off'));
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = pretty(f.label);
      el.append(name);
      el.dataset.feature = f.name;
      el.onclick = () => {
        const f2 = on ? S.f.filter((n) => n !== f.name) : [...S.f, f.name];
        if (f2.length) apply({ f: f2 });
      };
      hover(el, () => `${pretty(f.label)}: ${on ? 'an input of the network, row ' + (S.f.indexOf(f.name) + 1) + ' of X' : 'not used'}\nClick to ${on ? 'remove it' : 'use it as an input'}.`);
      featureNodes.push(el);
      if (on) nodes[0].push(el);
    });
    colheads.push(colhead(x(0) + NODE / 2, 'X = A[0]', null));

    for (let l = 1; l <= L; l++) {
      nodes[l] = [];
      const n = sizes[l];
      for (let i = 0; i < n; i++) {
        const out = l === L;
        const el = node(x(l), out ? y(1, 0) : y(n, i), out ? 'output' : 'unit');
        const bias = document.createElement('div');
        bias.className = 'bias';
        el.append(bias);
        el.dataset.layer = l;
        el.dataset.unit = i;
        hover(el, () => unitTip(l, i));
        el.onclick = (e) => edit(e, 'b', l, i, 0);
        nodes[l].push(el);
      }
      if (l < L) {
        colheads.push(colhead(x(l) + NODE / 2, `layer ${l}: ${n} ${n === 1 ? 'unit' : 'units'}`, l));
      } else {
        colheads.push(colhead(x(l) + NODE / 2, `layer ${L}: output`, null));
      }
    }

    // Links, drawn below the nodes.
    links = [];
    for (let l = 1; l <= L; l++) {
      links[l] = [];
      for (let i = 0; i < sizes[l]; i++) {
        links[l][i] = [];
        for (let j = 0; j < sizes[l - 1]; j++) {
          const a = nodes[l - 1][j];
          const b = nodes[l][i];
          const x1 = parseFloat(a.style.left) + NODE;
          const y1 = parseFloat(a.style.top) + NODE / 2;
          const x2 = parseFloat(b.style.left);
          const y2 = parseFloat(b.style.top) + b.offsetHeight / 2;
          const mx = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
          const vis = svgPath(d, 'link');
          const hit = svgPath(d, 'link hit');
          hit.dataset.l = l;
          hit.dataset.i = i;
          hit.dataset.j = j;
          hover(hit, () => linkTip(l, i, j));
          hit.onclick = (e) => edit(e, 'W', l, i, j);
          svg.append(vis, hit);
          links[l][i][j] = { vis, hit };
        }
      }
    }
  }

  function node(x, y, cls) {
    const el = document.createElement('div');
    el.className = 'node ' + cls;
    el.style.left = x + 'px';
    el.style.top = y + 'px';
    el.append(document.createElement('canvas'));
    $('net').append(el);
    return el;
  }

  function colhead(x, text, l) {
    const el = document.createElement('div');
    el.className = 'colhead';
    el.style.left = x + 'px';
    el.textContent = text;
    if (l !== null) {
      const units = document.createElement('div');
      units.className = 'units';
      const plus = miniButton('+', 'Add a unit to layer ' + l, () => {
        if (S.layers[l - 1] < C.limits.units) apply({ layers: S.layers.map((n, k) => (k === l - 1 ? n + 1 : n)) });
      });
      const minus = miniButton('−', 'Remove a unit from layer ' + l, () => {
        if (S.layers[l - 1] > 1) apply({ layers: S.layers.map((n, k) => (k === l - 1 ? n - 1 : n)) });
      });
      units.append(plus, minus);
      el.append(units);
    }
    $('net').append(el);
    return el;
  }

  function miniButton(text, title, onclick) {
    const b = document.createElement('button');
    b.className = 'mini';
    b.textContent = text;
    b.title = title;
    b.onclick = onclick;
    return b;
  }

  function svgPath(d, cls) {
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', d);
    p.setAttribute('class', cls);
    return p;
  }

  function drawNet() {
    if (!grid || !info) return;
    const sizes = info.sizes;
    const L = sizes.length - 1;
    // The features' maps come first, then every unit's.
    C.features.forEach((f, k) => {
      const v = mapOf(k);
      paintMap(featureNodes[k].querySelector('canvas'), v, scaleOf(0, v));
    });
    let k = C.features.length;
    for (let l = 1; l <= L; l++) {
      for (let i = 0; i < sizes[l]; i++, k++) {
        const v = mapOf(k);
        paintMap(nodes[l][i].querySelector('canvas'), v, scaleOf(l, v));
        nodes[l][i].querySelector('.bias').style.background = rgb(colour(Math.tanh(params.b[l][i][0])));
      }
    }
    // Links: width and colour by the weight, or by the gradient.
    const dW = linkMode === 'dW' && walk ? gradients() : null;
    let scale = 1;
    if (dW) {
      scale = 0;
      for (let l = 1; l <= L; l++) for (const row of dW[l]) for (const v of row) scale = Math.max(scale, Math.abs(v));
      scale = scale || 1;
    }
    for (let l = 1; l <= L; l++) {
      for (let i = 0; i < sizes[l]; i++) {
        for (let j = 0; j < sizes[l - 1]; j++) {
          const v = dW ? dW[l][i][j] : params.W[l][i][j];
          const a = dW ? Math.abs(v) / scale : Math.min(1, Math.abs(v) / 2);
          const p = links[l][i][j].vis;
          p.style.stroke = rgb(colour(v < 0 ? -1 : 1));
          p.style.strokeWidth = (0.6 + 7 * a).toFixed(2) + 'px';
          p.style.opacity = (0.35 + 0.65 * a).toFixed(2);
        }
      }
    }
  }

  // gradients returns dW[l] of the walk as lists of rows, index 0 empty.
  function gradients() {
    const out = [];
    for (const s of walk.steps) {
      if (s.name.startsWith('dW[')) out[s.layer] = rows(s);
    }
    return out;
  }

  function rows(step) {
    const out = [];
    for (let i = 0; i < step.rows; i++) out.push(step.values.slice(i * step.cols, (i + 1) * step.cols));
    return out;
  }

  function stepNamed(name) {
    return walk ? walk.steps.find((s) => s.name === name) : null;
  }

  function inputName(l, j) {
    if (l === 1) {
      const f = C.features.find((f) => f.name === S.f[j]);
      return f ? pretty(f.label) : 'x' + (j + 1);
    }
    return `unit ${j} of layer ${l - 1}`;
  }

  function linkTip(l, i, j) {
    let t = `W[${l}] row ${i}, column ${j} = ${fmt(params.W[l][i][j])}\nfrom ${inputName(l, j)} to unit ${i} of layer ${l}`;
    const g = stepNamed(`dW[${l}]`);
    if (g) t += `\ndW[${l}] = ${fmt(g.values[i * g.cols + j])} on the next batch`;
    return t + '\nClick to edit the weight.';
  }

  function unitTip(l, i) {
    const L = info.sizes.length - 1;
    const g = info.activations[l - 1];
    let t = `${l === L ? 'Output unit' : `Unit ${i} of layer ${l}`}: A[${l}] = ${g}(Z[${l}])\nb[${l}] row ${i} = ${fmt(params.b[l][i][0])}`;
    const db = stepNamed(`db[${l}]`);
    if (db) t += `\ndb[${l}] = ${fmt(db.values[i])} on the next batch`;
    return t + '\nThe square shows its output over the input plane.\nClick to edit the bias.';
  }

  function setLinkMode(mode) {
    linkMode = mode;
    $('mode-w').classList.toggle('on', mode === 'W');
    $('mode-dw').classList.toggle('on', mode === 'dW');
    if (mode === 'dW') updateWalk();
    drawNet();
  }

  // ---- Hover and edit ---------------------------------------------------

  function hover(el, text) {
    el.addEventListener('mousemove', (e) => {
      const tip = $('tip');
      tip.textContent = text();
      tip.hidden = false;
      tip.style.left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
      tip.style.top = e.clientY + 14 + 'px';
    });
    el.addEventListener('mouseleave', () => ($('tip').hidden = true));
  }

  let editing = null;

  function edit(e, name, l, i, j) {
    e.stopPropagation();
    const value = name === 'W' ? params.W[l][i][j] : params.b[l][i][0];
    editing = { name, l, i, j };
    const ed = $('editor');
    $('editor-label').textContent = name === 'W' ? `W[${l}] row ${i}, column ${j}` : `b[${l}] row ${i}`;
    const input = $('editor-input');
    input.value = String(value);
    ed.hidden = false;
    $('tip').hidden = true;
    ed.style.left = Math.min(e.clientX + 8, window.innerWidth - 180) + 'px';
    ed.style.top = e.clientY + 8 + 'px';
    input.focus();
    input.select();
  }

  function editorKey(e) {
    if (e.key === 'Escape') {
      $('editor').hidden = true;
      return;
    }
    if (e.key !== 'Enter' || !editing) return;
    const v = Number(e.target.value.trim());
    try {
      if (e.target.value.trim() === '' || !Number.isFinite(v)) throw new Error(`${e.target.value} is not a number`);
      const r = call('setParam', editing.name, editing.l, editing.i, editing.j, v);
      status = r.status;
      $('editor').hidden = true;
      hideError();
      refreshCurve();
      refresh();
    } catch (err) {
      showError(err.message);
    }
  }

  function refreshCurve() {
    const r = call('status');
    curve = r.curve.slice();
  }

  // ---- Output and curves -----------------------------------------------

  function drawOutput() {
    if (!grid || !info) return;
    const canvas = $('output');
    const ctx = canvas.getContext('2d');
    const n = canvas.width;
    const L = info.sizes.length - 1;
    const k = C.features.length + info.sizes.slice(1, L).reduce((a, b) => a + b, 0);
    const off = document.createElement('canvas');
    const v = mapOf(k);
    paintMap(off, v, scaleOf(L, v));
    ctx.imageSmoothingEnabled = !$('discrete').checked;
    ctx.drawImage(off, 0, 0, n, n);

    const d = info.domain;
    const px = (x) => ((x + d) / (2 * d)) * n;
    const py = (y) => ((d - y) / (2 * d)) * n;
    const ymax = maxAbs(info.train.y) || 1;
    const tone = (y) => rgb(colour(info.regression ? y / ymax : 2 * y - 1));
    const dot = (x, y, fill, stroke, r) => {
      ctx.beginPath();
      ctx.arc(px(x), py(y), r, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = stroke;
      ctx.stroke();
    };
    const tr = info.train;
    for (let k = 0; k < tr.x1.length; k++) dot(tr.x1[k], tr.x2[k], tone(tr.y[k]), '#fff', 3);
    if ($('show-test').checked) {
      const te = info.test;
      for (let k = 0; k < te.x1.length; k++) dot(te.x1[k], te.x2[k], tone(te.y[k]), '#000', 3);
    }
    // The batch of the walk, when the backward pass is on show.
    if (walk && walkVisible()) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#d9a900';
      for (const [x, y] of walk.points) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 6, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    // Axes: ticks at −d, 0 and d.
    ctx.fillStyle = 'rgba(0,0,0,.55)';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText(String(-d), 3, n - 4);
    ctx.fillText(String(d), n - 14, n - 4);
    ctx.fillText('x1 →', n / 2 - 10, n - 4);
    ctx.fillText(String(d), 3, 11);
    ctx.save();
    ctx.translate(10, n / 2 + 12);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('x2 →', 0, 0);
    ctx.restore();
  }

  function drawCurve() {
    const canvas = $('curve');
    const dpr = window.devicePixelRatio || 1;
    const w = 300;
    const h = 90;
    if (canvas.width !== w * dpr) {
      canvas.width = w * dpr;
      canvas.height = h * dpr;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#e3e5e7';
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    if (curve.length < 1) return;
    const xmax = Math.max(1, curve[curve.length - 1].epoch);
    let ymax = 0;
    for (const p of curve) ymax = Math.max(ymax, p.train ?? 0, p.test ?? 0);
    ymax = ymax || 1;
    const line = (key, colour) => {
      ctx.beginPath();
      let started = false;
      for (const p of curve) {
        const v = p[key];
        if (v === null || v === undefined) continue;
        const X = 4 + (p.epoch / xmax) * (w - 8);
        const Y = h - 4 - (v / ymax) * (h - 16);
        if (started) ctx.lineTo(X, Y);
        else ctx.moveTo(X, Y);
        started = true;
      }
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    };
    line('train', '#999');
    line('test', '#111');
    ctx.fillStyle = '#666';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText(fmt(ymax), 4, 10);
    ctx.fillText('epoch ' + fmt(Number(xmax.toFixed(2))), w - 70, h - 6);
  }

  // ---- The backward pass ------------------------------------------------

  function walkVisible() {
    return $('tab-backward').classList.contains('on') && !$('lower').hidden;
  }

  function updateWalk() {
    if (!info) return;
    if (walk && !$('walk-follow').checked && walkVisible()) return;
    try {
      walk = call('walk');
    } catch (e) {
      walk = null;
      $('walk-eq').textContent = e.message;
      return;
    }
    walkPos = Math.min(walkPos, walk.steps.length - 1);
    drawWalk();
  }

  function walkTo(k) {
    if (!walk) updateWalk();
    if (!walk) return;
    walkPos = Math.max(0, Math.min(walk.steps.length - 1, k));
    drawWalk();
  }

  const PHASES = {
    forward: 'Forward propagation',
    cost: 'Cost',
    backward: 'Backward propagation',
  };

  function drawWalk() {
    if (!walk) return;
    const chips = $('walk-steps');
    chips.innerHTML = '';
    walk.steps.forEach((s, k) => {
      const b = document.createElement('button');
      b.className = 'chip ' + s.phase + (k === walkPos ? ' on' : '');
      b.textContent = s.name;
      b.title = s.equation;
      b.onclick = () => walkTo(k);
      chips.append(b);
    });
    const s = walk.steps[walkPos];
    $('walk-pos').textContent = `step ${walkPos + 1} of ${walk.steps.length} · batch of m = ${walk.m} examples · J = ${fmt(walk.cost)}`;
    $('walk-phase').textContent = PHASES[s.phase] + (s.layer ? ', layer ' + s.layer : '');
    $('walk-eq').textContent = s.equation;
    $('walk-note').textContent = [...(s.notes || []), walk.note || ''].filter(Boolean).join(' ');
    $('walk-matrix').replaceChildren(matrixTable(s));
    $('walk-text').textContent = walk.text;
    highlight(s);
    drawGrads();
    if (linkMode === 'dW') drawNet();
  }

  // matrixTable shows a step's matrix: every row, and the first 12
  // columns of a batch. Each cell keeps its full value in data-value.
  function matrixTable(s) {
    const t = document.createElement('table');
    t.className = 'm';
    t.dataset.name = s.name;
    const maxCols = 12;
    const batch = /^(d?[ZA])\[/.test(s.name);
    const head = document.createElement('tr');
    head.append(cell('th', s.name + (s.rows > 1 || s.cols > 1 ? ` (${s.rows}, ${s.cols})` : '')));
    const shown = Math.min(s.cols, maxCols);
    for (let j = 0; j < shown; j++) {
      // A batch's columns are training examples, numbered from 1.
      let label = 'col ' + j;
      if (batch) label = 'ex ' + (walk.batch[j] + 1);
      else if (s.cols === 1) label = '';
      head.append(cell('th', label));
    }
    if (s.cols > shown) head.append(cell('th', `… ${s.cols - shown} more`));
    t.append(head);
    for (let i = 0; i < s.rows; i++) {
      const tr = document.createElement('tr');
      tr.append(cell('th', s.rows === 1 && s.cols === 1 ? '' : 'row ' + i));
      for (let j = 0; j < shown; j++) {
        const v = s.values[i * s.cols + j];
        const td = cell('td', fmt(v));
        td.className = 'cell';
        td.dataset.value = String(v);
        td.dataset.i = i;
        td.dataset.j = j;
        td.style.background = rgb(colour(0.5 * Math.tanh(v)));
        tr.append(td);
      }
      if (s.cols > shown) tr.append(cell('td', '…'));
      t.append(tr);
    }
    return t;
  }

  function cell(tag, text) {
    const c = document.createElement(tag);
    c.textContent = text;
    return c;
  }

  function clearHighlight() {
    for (const el of document.querySelectorAll('.hl')) el.classList.remove('hl');
  }

  // highlight lights up the units and links a step computes with.
  function highlight(s) {
    clearHighlight();
    if (!walkVisible()) return;
    const L = info.sizes.length - 1;
    const l = s.phase === 'cost' ? L : s.layer;
    const lightUnits = (k) => (nodes[k] || []).forEach((el) => el.classList.add('hl'));
    const lightLinks = (k) => (links[k] || []).forEach((row) => row.forEach((p) => p.vis.classList.add('hl')));
    const head = (k) => colheads[k] && colheads[k].classList.add('hl');
    const name = s.name.replace(/\[.*/, '');
    if (name === 'Z') { lightLinks(l); lightUnits(l); lightUnits(l - 1); }
    else if (name === 'A' || name === 'J' || name === 'dZ' || name === 'db') lightUnits(l);
    else if (name === 'dW') { lightLinks(l); lightUnits(l); }
    else if (name === 'dA' && s.phase === 'backward') {
      // dA[l] is W[l+1]ᵀ·dZ[l+1], unless it is the output's own dA[L].
      if (l === L) lightUnits(L);
      else { lightLinks(l + 1); lightUnits(l); }
    }
    head(l);
  }

  function drawGrads() {
    const box = $('grads');
    box.innerHTML = '';
    const L = info.sizes.length - 1;
    for (let l = L; l >= 1; l--) {
      const card = document.createElement('div');
      card.className = 'grad';
      const h = document.createElement('h4');
      h.textContent = `Layer ${l}`;
      card.append(h);
      const dZ = stepNamed(`dZ[${l}]`);
      if (dZ) {
        const cap = document.createElement('div');
        cap.className = 'sub';
        cap.textContent = `dZ[${l}] (${dZ.rows}, ${dZ.cols}): one column per example`;
        const c = document.createElement('canvas');
        c.className = 'strip';
        c.width = dZ.cols;
        c.height = dZ.rows;
        c.style.width = Math.min(360, dZ.cols * 8) + 'px';
        c.style.height = dZ.rows * 8 + 'px';
        const m = maxAbs(dZ.values) || 1;
        const ctx = c.getContext('2d');
        for (let i = 0; i < dZ.rows; i++) {
          for (let j = 0; j < dZ.cols; j++) {
            ctx.fillStyle = rgb(colour(dZ.values[i * dZ.cols + j] / m));
            ctx.fillRect(j, i, 1, 1);
          }
        }
        c.title = `dZ[${l}]: largest |value| ${fmt(m)}`;
        card.append(cap, c);
      }
      for (const n of [`dW[${l}]`, `db[${l}]`]) {
        const s = stepNamed(n);
        if (s) card.append(matrixTable(s));
      }
      box.append(card);
    }
  }

  // ---- Tables -----------------------------------------------------------

  function drawTables() {
    $('equations').textContent = info.equations;
    const sum = info.summary;
    const t = $('shapes');
    t.innerHTML = '';
    const m = info.batch_size;
    const head = document.createElement('tr');
    for (const h of ['layer l', 'units n[l]', 'g[l]', 'W[l], dW[l]', 'b[l], db[l]', 'Z[l], A[l], dZ[l]', 'dA[l]', 'parameters']) head.append(cell('th', h));
    t.append(head);
    const row0 = document.createElement('tr');
    for (const v of ['0 (input)', String(info.sizes[0]), '', '', '', `X = A[0]: (${info.sizes[0]}, ${m})`, '', '']) row0.append(cell('td', v));
    t.append(row0);
    for (const ls of sum.layers) {
      const tr = document.createElement('tr');
      const shape = (s) => (s ? `(${s[0]}, ${s[1]})` : '—');
      const vals = [String(ls.l), String(ls.units), ls.activation, shape(ls.W), shape(ls.b), shape(ls.Z), shape(ls.dA), String(ls.params)];
      vals.forEach((v, k) => {
        const c = cell('td', v);
        if (k === 7) c.className = 'num';
        tr.append(c);
      });
      t.append(tr);
    }
    $('param-count').textContent = `${sum.params.toLocaleString('en')} parameters: ${sum.weights} weights and ${sum.biases} biases, each with one derivative per update. m = ${m}, the batch size.`;
    $('param-count').dataset.value = sum.params;
  }

  function drawShare() {
    $('share-url').value = location.href;
    const n0 = info.feature_labels.length;
    $('feature-note').textContent = `its ${n0} ${n0 === 1 ? 'input is' : 'inputs are'} ${info.feature_labels.join(', ')}, in this order (n[0] = ${n0}).` +
      (n0 === 2 && info.feature_labels[0] === 'x1' && info.feature_labels[1] === 'x2' ? '' : ' Compute these columns from your points before predicting, as the data file does.');
    try {
      const c = call('command', Math.max(1, status.epochs));
      $('cli').value = c.command;
      let note = c.needs_file
        ? `Download the data with feature columns as ${c.data_file} first: this setup is not one the command line generates by name. `
        : 'The command line generates the same data from its name. ';
      note += `It trains in float64 as the page does, so after ${Math.max(1, status.epochs)} epochs it prints the page's costs. `;
      if (c.note) note += c.note;
      $('cli-note').textContent = note;
    } catch (e) {
      $('cli-note').textContent = e.message;
    }
  }

  // ---- Helpers -----------------------------------------------------------

  // pretty writes a feature's file label, such as x1^2, as the page shows it.
  function pretty(label) {
    return label.replace(/\^2/g, '²').replace(/\*/g, '·');
  }

  function download(content, name, type) {
    const blob = new Blob([content], { type });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  function copy(input) {
    input.select();
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(() => document.execCommand('copy'));
    else document.execCommand('copy');
  }

  function showError(msg) {
    const el = $('error');
    el.textContent = msg;
    el.hidden = false;
  }

  function hideError() {
    $('error').hidden = true;
  }

  load();
})();
