// The live view of the asynkit demo: reads GET /actuator/asynkit twice a second and draws it.
// Plain browser JavaScript, no library. Every value from the server goes into the page as text
// (textContent), never as markup.
'use strict';

(() => {
  const ENDPOINT = 'actuator/asynkit'; // relative: works under a servlet context path too
  const POLL_MS = 500;
  const RETRY_MS = 2000;
  const WINDOW_MS = 60_000;
  const MAX_ROWS = 15;
  const MAX_RESULTS = 4;
  const STREAM_LINES_SHOWN = 4;
  const STATES = ['runnable', 'running', 'blocked'];
  const BANDS = ['HIGH', 'NORMAL', 'LOW'];
  const EXPOSE = 'management.endpoints.web.exposure.include=health,info,metrics,asynkit';

  const $ = (id) => document.getElementById(id);
  const samples = []; // {t, runnable, running, blocked}, the last WINDOW_MS
  let previous = null; // {t, dispatches} of the previous answer, for the dispatch rate
  let polls = 0;
  let paused = false;
  let timer = 0;

  // ---- formatting -------------------------------------------------------------------------------

  /** Milliseconds of an ISO-8601 duration as Java's Duration.toString() writes it (PT1M3.5S), or NaN. */
  function durationMs(iso) {
    const m = /^PT(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?$/.exec(iso || '');
    if (!m) return NaN;
    return ((+(m[1] || 0)) * 3600 + (+(m[2] || 0)) * 60 + (+(m[3] || 0))) * 1000;
  }

  function formatMs(ms) {
    if (!Number.isFinite(ms)) return '–';
    if (ms === 0) return '0';
    if (ms < 1) return Math.round(ms * 1000) + ' µs';
    if (ms < 10) return ms.toFixed(2) + ' ms';
    if (ms < 100) return ms.toFixed(1) + ' ms';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60_000) return (ms / 1000).toFixed(2) + ' s';
    const s = Math.round(ms / 1000);
    return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }

  const formatInt = (n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '–');
  const formatPriority = (p) => (Number.isFinite(p) ? (Number.isInteger(p) ? String(p) : p.toFixed(2)) : '–');
  const bandOf = (p) => (p < 0 ? 'HIGH' : p > 0 ? 'LOW' : 'NORMAL');

  function setText(id, value) {
    const el = typeof id === 'string' ? $(id) : id;
    const text = String(value);
    if (el && el.textContent !== text) el.textContent = text;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- polling ----------------------------------------------------------------------------------

  class EndpointError extends Error {
    constructor(status, statusText) {
      super('GET /' + ENDPOINT + ' answered ' + status + (statusText ? ' ' + statusText : ''));
      this.status = status;
    }
  }

  async function poll() {
    timer = 0;
    if (paused) return;
    let delay = POLL_MS;
    const started = performance.now();
    try {
      const response = await fetch(ENDPOINT, {
        headers: { Accept: 'application/json' },
        cache: 'no-store',
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new EndpointError(response.status, response.statusText);
      let view;
      try {
        view = await response.json();
      } catch (e) {
        throw new Error('The answer of /' + ENDPOINT + ' is not JSON (' + e.message + ').');
      }
      if (!view || !view.loop || !view.counts) {
        throw new Error('The answer of /' + ENDPOINT + ' has no "loop" or "counts": is it the asynkit endpoint?');
      }
      render(view);
      polls++;
      document.body.dataset.polls = String(polls);
      if (polls === 3) pressRequestedButtons();
      document.body.dataset.status = 'live';
      setText('status-text', 'live · every ' + POLL_MS + ' ms · ' + new Date().toLocaleTimeString('en-GB'));
    } catch (e) {
      showError(e);
      delay = RETRY_MS;
    }
    if (!paused) timer = setTimeout(poll, Math.max(0, delay - (performance.now() - started)));
  }

  function showError(e) {
    document.body.dataset.status = 'error';
    setText('status-text', 'not live');
    let title;
    let text;
    if (e instanceof EndpointError && e.status === 404) {
      title = 'The asynkit Actuator endpoint is not exposed.';
      text = [e.message + '. Set ', { code: EXPOSE }, ' in application.properties (or add asynkit to the list you'
        + ' have), check that ', { code: 'asynkit.enabled' }, ' is not false, and restart the application.'];
    } else if (e instanceof EndpointError && (e.status === 401 || e.status === 403)) {
      title = 'Spring Security protects the asynkit endpoint.';
      text = [e.message + '. Permit it for this page with a rule for ', { code: 'EndpointRequest.to("asynkit")' },
        ', or sign in.'];
    } else if (e instanceof EndpointError) {
      title = 'The asynkit endpoint failed.';
      text = e.message + '. Retrying every ' + RETRY_MS / 1000 + ' s.';
    } else if (e && (e.name === 'TypeError' || e.name === 'TimeoutError' || e.name === 'AbortError')) {
      title = 'The application does not answer.';
      text = 'Is it still running? (' + e.message + ') Retrying every ' + RETRY_MS / 1000 + ' s.';
    } else {
      title = 'Unexpected answer.';
      text = (e && e.message) || String(e);
    }
    showBanner('error', title, text);
  }

  /** text: a string, or an array of strings and {code: '...'} parts. */
  function showBanner(kind, title, text) {
    const banner = $('banner');
    banner.className = 'banner' + (kind === 'warn' ? ' warn' : '');
    setText('banner-title', title);
    const parts = (Array.isArray(text) ? text : [text])
      .map((part) => (typeof part === 'string' ? document.createTextNode(part) : el('code', null, part.code)));
    $('banner-text').replaceChildren(...parts);
    banner.hidden = false;
  }

  function hideBanner() {
    $('banner').hidden = true;
  }

  $('pause').addEventListener('click', () => {
    paused = !paused;
    setText('pause', paused ? 'Resume' : 'Pause');
    if (paused) {
      clearTimeout(timer);
      timer = 0;
      document.body.dataset.status = 'paused';
      setText('status-text', 'paused');
    } else {
      poll();
    }
  });

  // ---- rendering --------------------------------------------------------------------------------

  function render(view) {
    const loop = view.loop;
    const counts = view.counts;
    const lists = {
      runnable: Array.isArray(view.runnable) ? view.runnable : [],
      running: Array.isArray(view.running) ? view.running : [],
      blocked: Array.isArray(view.blocked) ? view.blocked : [],
    };

    setText('loop-name', loop.name);
    setText('loop-mode', loop.mode);
    setText('loop-policy', loop.policy);
    setText('loop-carriers', loop.carriers + (loop.spareCarriers ? ' + ' + loop.spareCarriers + ' spare' : ''));
    setText('loop-boost-after', loop.boostAfter ? loop.boostAfter : 'off');
    setText('boost-after-text', loop.boostAfter ? loop.boostAfter : '(boosting is off)');

    if (loop.mode === 'degraded') {
      showBanner('warn', 'The loop runs degraded.', ['The JVM lacks ',
        { code: '--add-opens java.base/java.lang=ALL-UNNAMED' }, ': the JDK\'s own scheduler runs the tasks,'
        + ' priorities do nothing and no task is ever seen runnable. Start the application with that flag'
        + ' (java -jar demo-app.jar carries it in its manifest).']);
    } else {
      hideBanner();
    }

    for (const s of STATES) setText('n-' + s, formatInt(counts[s]));
    setText('c-started', formatInt(counts.tasksStarted));
    setText('c-completed', formatInt(counts.tasksCompleted));
    setText('c-dispatches', formatInt(counts.dispatches));
    setText('c-queue', formatInt(counts.queueLength));
    setText('c-callbacks', formatInt(counts.callbacks));
    setText('c-compensations', formatInt(counts.compensations));

    const now = Date.now();
    if (previous && now > previous.t && counts.dispatches >= previous.dispatches) {
      const rate = ((counts.dispatches - previous.dispatches) * 1000) / (now - previous.t);
      setText('c-rate', '(' + formatInt(Math.round(rate)) + '/s)');
    }
    previous = { t: now, dispatches: counts.dispatches };

    samples.push({ t: now, runnable: counts.runnable, running: counts.running, blocked: counts.blocked });
    while (samples.length && samples[0].t < now - WINDOW_MS) samples.shift();
    drawChart();

    renderBands(lists, view.truncated);
    renderTasks(lists);
    renderBoosting(view.boosting);
  }

  function renderBands(lists, truncated) {
    const table = {};
    for (const b of BANDS) table[b] = { runnable: 0, running: 0, blocked: 0 };
    for (const s of STATES) {
      for (const task of lists[s]) table[bandOf(task.effectivePriority)][s]++;
    }
    const biggest = {};
    for (const s of STATES) biggest[s] = Math.max(1, ...BANDS.map((b) => table[b][s]));

    for (const row of $('bands').tBodies[0].rows) {
      const band = row.dataset.band;
      STATES.forEach((s, i) => {
        const cell = row.cells[i + 1];
        if (!cell.firstChild) {
          cell.dataset.state = s;
          cell.append(el('span', 'n'), el('span', 'bar'));
          cell.lastChild.append(el('i'));
        }
        const n = table[band][s];
        const num = cell.firstChild;
        setText(num, n);
        num.classList.toggle('zero', n === 0);
        cell.lastChild.firstChild.style.width = ((100 * n) / biggest[s]).toFixed(1) + '%';
      });
    }
    setText('bands-note', truncated
      ? 'The lists are cut at asynkit.actuator.max-tasks: these counts cover the listed tasks only.'
      : '');
  }

  /** Up to max tasks, shared round-robin between the lists, so that no state is crowded out. */
  function pick(lists, max) {
    const taken = STATES.map(() => 0);
    let left = max;
    let progress = true;
    while (left > 0 && progress) {
      progress = false;
      STATES.forEach((s, i) => {
        if (left > 0 && taken[i] < lists[s].length) {
          taken[i]++;
          left--;
          progress = true;
        }
      });
    }
    return STATES.flatMap((s, i) => lists[s].slice(0, taken[i]));
  }

  // Where a blocked task waits: the task it drives (an @Eager call), or the first frame of the application's
  // own code on its stack (waitingAt, present when the endpoint includes stacks).
  function whereItWaits(task) {
    if (task.waitingFor) return 'drives #' + task.waitingFor.id + ' ' + task.waitingFor.name;
    const at = task.waitingAt;
    if (!at) return null;
    const cls = at.className.substring(at.className.lastIndexOf('.') + 1);
    return 'waits at ' + cls + '.' + at.methodName + (at.lineNumber > 0 ? ':' + at.lineNumber : '');
  }

  function renderTasks(lists) {
    const tbody = $('task-rows');
    const shown = pick(lists, MAX_ROWS);
    const total = STATES.reduce((n, s) => n + lists[s].length, 0);
    const rows = shown.map((task) => {
      const tr = el('tr');
      const state = el('td');
      state.append(el('span', 'state ' + task.state, task.state));
      const name = el('td', 'name', task.name);
      name.title = task.name;
      if (task.adopted) name.append(el('span', 'adopted', 'adopted'));
      const where = whereItWaits(task);
      if (where) name.append(el('div', 'waits', where));
      const effective = el('td', 'num');
      const value = el('span', null, formatPriority(task.effectivePriority));
      if (task.effectivePriority !== task.priority) {
        value.className = 'inherited';
        value.title = 'inherited through a PriorityLock';
      }
      const band = bandOf(task.effectivePriority);
      effective.append(value, el('span', 'band ' + band, band));
      tr.append(state, name, el('td', 'num', String(task.id)), el('td', 'num', formatPriority(task.priority)),
        effective, el('td', 'num', formatMs(durationMs(task.timeInState))),
        el('td', 'num', formatInt(task.dispatches)));
      return tr;
    });
    if (rows.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', null, 'No task is runnable, running or blocked right now: press a button under “Try it”.');
      td.colSpan = 7;
      tr.append(td);
      rows.push(tr);
    }
    tbody.replaceChildren(...rows);
    setText('tasks-note', total > shown.length
      ? 'Showing ' + shown.length + ' of ' + total + ' listed tasks (' + STATES.map((s) => lists[s].length + ' ' + s).join(', ') + ').'
      : total + ' listed task' + (total === 1 ? '' : 's') + '.');
  }

  function renderBoosting(boosting) {
    if (!boosting) return;
    setText('boosts-total', formatInt(boosting.boosts));
    setText('longest-wait', formatMs(durationMs(boosting.longestWait)));
    const byBand = {};
    for (const b of boosting.bands || []) byBand[b.band] = b;
    for (const row of $('wait-rows').rows) {
      const b = byBand[row.dataset.band] || {};
      setText(row.cells[1], formatInt(b.dispatches));
      setText(row.cells[2], formatInt(b.boosts));
      setText(row.cells[3], formatMs(durationMs(b.meanWait)));
      setText(row.cells[4], formatMs(durationMs(b.maxWait)));
    }
  }

  // ---- the chart: stacked bars, one per answer, over the last minute ---------------------------

  function drawChart() {
    const canvas = $('chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const left = 30;
    const top = 6;
    const bottom = height - 2;
    const plotWidth = width - left;
    const plotHeight = bottom - top;
    const peak = Math.max(4, ...samples.map((s) => s.runnable + s.running + s.blocked));
    const scale = niceCeiling(peak);
    const css = getComputedStyle(document.documentElement);
    const colour = (name) => css.getPropertyValue('--' + name).trim();

    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const v of [0, scale / 2, scale]) {
      const y = Math.round(bottom - (v / scale) * plotHeight) + 0.5;
      g.strokeStyle = v === 0 ? '#c9d1de' : '#eef1f5';
      g.beginPath();
      g.moveTo(left, y);
      g.lineTo(width, y);
      g.stroke();
      g.fillStyle = '#5f6b7d';
      g.fillText(String(v), left - 6, Math.min(Math.max(y, top + 5), bottom - 5));
    }

    const now = samples.length ? samples[samples.length - 1].t : Date.now();
    const slot = plotWidth / (WINDOW_MS / POLL_MS);
    const barWidth = Math.max(1, slot - 1);
    const order = [['running', colour('running')], ['runnable', colour('runnable')], ['blocked', colour('blocked')]];
    for (const s of samples) {
      const x = width - ((now - s.t) / WINDOW_MS) * plotWidth - barWidth;
      if (x < left) continue;
      let y = bottom;
      for (const [state, fill] of order) {
        const h = (s[state] / scale) * plotHeight;
        if (h <= 0) continue;
        g.fillStyle = fill;
        g.fillRect(x, y - h, barWidth, h);
        y -= h;
      }
    }
  }

  function niceCeiling(n) {
    const magnitude = 10 ** Math.floor(Math.log10(n));
    for (const step of [1, 2, 4, 5, 10]) {
      if (step * magnitude >= n) return step * magnitude;
    }
    return 10 * magnitude;
  }

  window.addEventListener('resize', drawChart);

  // ---- "Try it": demo requests ------------------------------------------------------------------

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error('GET /' + url + ' answered ' + response.status);
    return response.json();
  }

  function addResult(what) {
    const card = el('div', 'result');
    card.append(el('span', 'what', what), el('span', 'text', '…'));
    const results = $('results');
    results.prepend(card);
    while (results.children.length > MAX_RESULTS) results.lastChild.remove();
    return card;
  }

  const ranAs = (where) => (where && where.task
    ? 'ran as ' + where.task + ' at priority ' + formatPriority(where.priority) + ' (' + bandOf(where.priority) + ')'
    : 'ran outside the loop');

  const actions = {
    async quote(card) {
      const t0 = performance.now();
      const quote = await getJson('api/quote');
      setText(card.querySelector('.text'), 'price ' + quote.price + ' in ' + formatMs(performance.now() - t0)
        + ' round trip; ' + ranAs(quote.where) + '.');
    },

    async reports(card) {
      const t0 = performance.now();
      const times = [];
      const reports = await Promise.all(Array.from({ length: 10 }, async () => {
        const t = performance.now();
        const report = await getJson('api/report');
        times.push(performance.now() - t);
        return report;
      }));
      setText(card.querySelector('.text'), '10 × ' + reports[0].workMs + ' ms of CPU, yielding every slice: all done in '
        + formatMs(performance.now() - t0) + ' (each ' + formatMs(Math.min(...times)) + ' to '
        + formatMs(Math.max(...times)) + '); ' + ranAs(reports[0].where) + '.');
    },

    async aggregate(card) {
      const result = await getJson('api/aggregate');
      const verdict = result.tookMs >= result.sumMs
        ? 'this time it took as long as their sum: the server is busy.'
        : result.tookMs <= result.slowestMs * 1.5
          ? 'it took about as long as the slowest call, not their sum.'
          : 'they overlapped: it took less than their sum.';
      setText(card.querySelector('.text'), result.parts.length + ' downstream calls started eagerly: ' + verdict);
      const cmp = el('div', 'cmp');
      const longest = Math.max(result.tookMs, result.sumMs, 1);
      for (const [label, value, cls] of [['took', result.tookMs, 'took'], ['slowest', result.slowestMs, ''], ['sum', result.sumMs, '']]) {
        const track = el('span', 'track');
        const fill = el('i', cls);
        fill.style.width = ((100 * value) / longest).toFixed(1) + '%';
        track.append(fill);
        cmp.append(el('span', null, label), track, el('span', 'v', value + ' ms'));
      }
      card.append(cmp);
    },

    async stream(card) {
      const t0 = performance.now();
      const response = await fetch('api/stream?lines=12&delayMs=250', { cache: 'no-store' });
      if (!response.ok || !response.body) throw new Error('GET /api/stream answered ' + response.status);
      const list = el('ul', 'lines');
      card.append(list);
      const text = card.querySelector('.text');
      setText(text, 'lines arrive as the generator produces them:');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let count = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (!line) continue;
          let item;
          try {
            item = JSON.parse(line);
          } catch {
            item = { line: '?', of: '?', task: line };
          }
          count++;
          list.prepend(el('li', null, '+' + formatMs(performance.now() - t0) + '  line ' + item.line + '/' + item.of
            + '  produced by task ' + item.task));
          while (list.children.length > STREAM_LINES_SHOWN) list.lastChild.remove();
        }
      }
      setText(text, count + ' lines in ' + formatMs(performance.now() - t0) + ', each written as soon as it was produced;'
        + ' the last ones:');
    },
  };

  for (const button of document.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', async () => {
      const action = button.dataset.action;
      const card = addResult(button.textContent);
      button.disabled = true;
      try {
        await actions[action](card);
      } catch (e) {
        card.classList.add('failed');
        setText(card.querySelector('.text'), (e && e.message) || String(e));
      } finally {
        button.disabled = false;
      }
    });
  }

  /** ?try=aggregate,stream presses those buttons once the page is live (for demos, tests and screenshots). */
  function pressRequestedButtons() {
    const wanted = new URLSearchParams(location.search).get('try');
    for (const action of (wanted || '').split(',')) {
      if (Object.hasOwn(actions, action)) document.querySelector('button[data-action="' + action + '"]').click();
    }
  }

  poll();
})();
