// The Message Query page. Plain DOM, no framework: every text goes in through textContent, never as HTML.
// It talks to the extension by messages only; the extension checks each one (src/webviews/query/protocol.ts).
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const S = JSON.parse(document.getElementById('l10n').textContent);
  const ROW_HEIGHT = 24;
  const PAGE = 200;

  const fmt = (text, ...args) => text.replace(/\{(\d+)\}/g, (m, i) => (args[i] === undefined ? m : String(args[i])));

  /** el('div', { id: 'x', class: 'y', onclick: fn }, child, 'text') */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (name.startsWith('on')) {
        node.addEventListener(name.slice(2), value);
      } else if (name === 'text') {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child !== undefined && child !== null) {
        node.append(child);
      }
    }
    return node;
  }

  const state = {
    partitions: [],
    total: 0,
    order: 'offset',
    descending: false,
    /** position -> row, for the current order */
    rows: new Map(),
    requested: new Set(),
    selected: new Set(),
    cursor: -1,
    anchor: -1,
    running: false,
    detailIndex: -1,
    pendingDetail: -1,
    generation: 0,
  };

  // ---- the query bar --------------------------------------------------------------------------------
  const input = (id, label, attrs) => {
    const field = el('input', Object.assign({ id, type: 'text', spellcheck: 'false', 'aria-label': label }, attrs || {}));
    return { field, wrap: el('label', { class: 'field', for: id }, el('span', { text: label }), field) };
  };

  const rangeKind = el(
    'select',
    { id: 'rangeKind', 'aria-label': S.range },
    el('option', { value: 'last15', text: S.last15 }),
    el('option', { value: 'last60', text: S.last60 }),
    el('option', { value: 'last1440', text: S.last1440 }),
    el('option', { value: 'time', text: S.time }),
    el('option', { value: 'offsets', text: S.offsets }),
    el('option', { value: 'newest', text: S.newest }),
  );
  const timeFrom = input('timeFrom', S.from, { placeholder: '2 hours ago' });
  const timeTo = input('timeTo', S.to);
  const offsetFrom = input('offsetFrom', S.from, { value: '0', inputmode: 'numeric' });
  const offsetTo = input('offsetTo', S.to, { inputmode: 'numeric' });
  const offsetSpans = input('offsetSpans', S.perPartition, { placeholder: S.perPartitionHint });
  const newestCount = input('newestCount', S.count, { value: '100', inputmode: 'numeric' });
  const timeFields = el('div', { class: 'sub', id: 'timeFields', hidden: true }, timeFrom.wrap, timeTo.wrap, el('span', { class: 'hint', text: S.timeHint }));
  const offsetFields = el('div', { class: 'sub', id: 'offsetFields', hidden: true }, offsetFrom.wrap, offsetTo.wrap, el('span', { class: 'hint', text: S.offsetHint }), offsetSpans.wrap);
  const newestFields = el('div', { class: 'sub', id: 'newestFields', hidden: true }, newestCount.wrap);
  const showRangeFields = () => {
    timeFields.hidden = rangeKind.value !== 'time';
    offsetFields.hidden = rangeKind.value !== 'offsets';
    newestFields.hidden = rangeKind.value !== 'newest';
  };
  rangeKind.addEventListener('change', showRangeFields);

  const allPartitions = el('input', { type: 'checkbox', id: 'partAll', checked: true });
  const partitionList = el('div', { class: 'partitions', id: 'partitions', role: 'group', 'aria-label': S.partitions }, el('label', { class: 'check' }, allPartitions, el('span', { text: S.allPartitions })));
  allPartitions.addEventListener('change', () => {
    if (allPartitions.checked) {
      partitionList.querySelectorAll('input[data-partition]').forEach((box) => (box.checked = false));
    }
  });
  function setPartitions(partitions) {
    state.partitions = partitions;
    partitionList.querySelectorAll('label[data-partition]').forEach((n) => n.remove());
    for (const p of partitions) {
      const box = el('input', { type: 'checkbox', 'data-partition': p, id: `part${p}` });
      box.addEventListener('change', () => {
        allPartitions.checked = !partitionList.querySelector('input[data-partition]:checked');
      });
      partitionList.append(el('label', { class: 'check', 'data-partition': p }, box, el('span', { text: String(p) })));
    }
  }
  function choosePartitions(chosen) {
    partitionList.querySelectorAll('input[data-partition]').forEach((box) => (box.checked = chosen.includes(Number(box.dataset.partition))));
    allPartitions.checked = chosen.length === 0;
  }
  const chosenPartitions = () => Array.from(partitionList.querySelectorAll('input[data-partition]:checked'), (box) => Number(box.dataset.partition));

  const filter = input('filter', S.filter, { placeholder: S.filterHint, class: 'wide' });
  filter.wrap.classList.add('filter');
  const budgetRecords = input('budgetRecords', S.records, { value: '1000000', inputmode: 'numeric', class: 'num' });
  const budgetSeconds = input('budgetSeconds', S.seconds, { value: '60', inputmode: 'numeric', class: 'num' });
  const budgetResults = input('budgetResults', S.results, { value: '1000', inputmode: 'numeric', class: 'num' });
  const runButton = el('button', { id: 'run', type: 'submit', text: S.run });
  const cancelButton = el('button', { id: 'cancel', type: 'button', class: 'secondary', disabled: true, text: S.cancel, onclick: () => vscode.postMessage({ type: 'cancel' }) });

  const form = el(
    'form',
    { id: 'bar', class: 'bar' },
    el('div', { class: 'row' }, el('label', { class: 'field', for: 'rangeKind' }, el('span', { text: S.range }), rangeKind), timeFields, offsetFields, newestFields),
    el('div', { class: 'row' }, el('span', { class: 'label', text: S.partitions }), partitionList),
    el('div', { class: 'row' }, filter.wrap),
    el('div', { class: 'row' }, el('span', { class: 'label', text: S.budget }), budgetRecords.wrap, budgetSeconds.wrap, budgetResults.wrap, runButton, cancelButton),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });

  function currentQuery() {
    const kind = rangeKind.value;
    let range;
    if (kind.startsWith('last')) {
      range = { kind: 'last', minutes: Number(kind.slice(4)) };
    } else if (kind === 'time') {
      range = { kind: 'time', from: timeFrom.field.value, to: timeTo.field.value };
    } else if (kind === 'offsets') {
      range = { kind: 'offsets', from: offsetFrom.field.value, to: offsetTo.field.value, perPartition: offsetSpans.field.value };
    } else {
      range = { kind: 'newest', count: newestCount.field.value };
    }
    return {
      range,
      partitions: chosenPartitions(),
      filter: filter.field.value,
      budget: { records: budgetRecords.field.value, seconds: budgetSeconds.field.value, results: budgetResults.field.value },
    };
  }

  function showQuery(query) {
    const r = query.range;
    if (r.kind === 'offsets') {
      rangeKind.value = 'offsets';
      offsetFrom.field.value = r.from;
      offsetTo.field.value = r.to;
      offsetSpans.field.value = r.perPartition || '';
    } else if (r.kind === 'time') {
      rangeKind.value = 'time';
      timeFrom.field.value = r.from;
      timeTo.field.value = r.to;
    } else if (r.kind === 'newest') {
      rangeKind.value = 'newest';
      newestCount.field.value = r.count;
    } else {
      rangeKind.value = `last${r.minutes}`;
    }
    showRangeFields();
    choosePartitions(query.partitions);
    filter.field.value = query.filter;
  }

  function run() {
    clearError();
    // The last completeness line goes at once: it is not about this query.
    summary.textContent = '';
    vscode.postMessage({ type: 'run', query: currentQuery() });
  }

  // ---- messages, progress, summary ------------------------------------------------------------------
  const errorBox = el('div', { id: 'error', class: 'error', role: 'alert', hidden: true });
  const progressBox = el('div', { id: 'progress', class: 'progress' });
  const summary = el('div', { id: 'summary', class: 'summary', role: 'status', 'aria-live': 'polite' });

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = '';
    form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
  }

  function fieldFor(name) {
    const kind = rangeKind.value;
    switch (name) {
      case 'filter':
        return filter.field;
      case 'range.from':
        return kind === 'time' ? timeFrom.field : offsetFrom.field;
      case 'range.to':
        return kind === 'time' ? timeTo.field : offsetTo.field;
      case 'range.count':
        return newestCount.field;
      case 'range.perPartition':
        return offsetSpans.field;
      case 'range':
        return kind === 'time' ? timeFrom.field : kind === 'offsets' ? offsetFrom.field : kind === 'newest' ? newestCount.field : rangeKind;
      case 'partitions':
        return allPartitions;
      case 'budget.records':
        return budgetRecords.field;
      case 'budget.seconds':
        return budgetSeconds.field;
      case 'budget.results':
        return budgetResults.field;
      default:
        return undefined;
    }
  }

  function showError(field, message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    const target = fieldFor(field);
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      target.focus();
    }
  }

  function setRunning(running) {
    state.running = running;
    cancelButton.disabled = !running;
    runButton.textContent = running ? S.running : S.run;
  }

  function showProgress(progress) {
    progressBox.textContent = '';
    for (const p of progress.partitions || []) {
      const span = Math.max(0, p.end - p.start);
      const done = Math.max(0, Math.min(span, p.next - p.start));
      const text = fmt(S.partitionProgress, p.partition, done.toLocaleString(), span.toLocaleString());
      progressBox.append(el('div', { class: 'part' }, el('progress', { max: span || 1, value: span === 0 ? 1 : done, 'aria-label': text }), el('span', { text })));
    }
  }

  // ---- the results table (virtualised: only the rows in view exist) -------------------------------
  const columns = [
    ['partition', S.colPartition, 'num narrow'],
    ['offset', S.colOffset, 'num'],
    ['timestamp', S.colTimestamp, 'time'],
    ['key', S.colKey, 'key'],
    ['value', S.colValue, 'value'],
    ['size', S.colSize, 'num'],
    ['headerCount', S.colHeaders, 'num narrow'],
  ];
  const orderSelect = el(
    'select',
    { id: 'order', 'aria-label': S.sort },
    el('option', { value: 'offset:false', text: S.offsetAsc }),
    el('option', { value: 'offset:true', text: S.offsetDesc }),
    el('option', { value: 'time:false', text: S.timeAsc }),
    el('option', { value: 'time:true', text: S.timeDesc }),
  );
  orderSelect.addEventListener('change', () => {
    const [order, descending] = orderSelect.value.split(':');
    setOrder(order, descending === 'true');
  });
  const counts = el('span', { id: 'counts', class: 'counts' });
  const selection = () => ({ order: state.order, descending: state.descending, positions: state.selected.size > 0 ? Array.from(state.selected) : undefined });
  const toolbar = el(
    'div',
    { class: 'toolbar' },
    el('label', { class: 'field', for: 'order' }, el('span', { text: S.sort }), orderSelect),
    el('button', { id: 'exportJsonl', type: 'button', class: 'secondary', text: S.exportJsonl, onclick: () => vscode.postMessage({ type: 'export', format: 'jsonl', selection: selection() }) }),
    el('button', { id: 'exportCsv', type: 'button', class: 'secondary', text: S.exportCsv, onclick: () => vscode.postMessage({ type: 'export', format: 'csv', selection: selection() }) }),
    el('button', { id: 'resend', type: 'button', class: 'secondary', text: S.resend, onclick: () => vscode.postMessage({ type: 'resend', selection: selection() }) }),
    counts,
  );

  const head = el('div', { class: 'thead', role: 'row' }, ...columns.map(([name, label, cls]) => el('div', { class: `cell ${cls}`, role: 'columnheader', 'data-column': name, text: label })));
  const spacer = el('div', { class: 'spacer' });
  const rowsLayer = el('div', { class: 'rows', role: 'rowgroup' });
  const empty = el('div', { class: 'empty', text: S.noRows });
  const viewport = el('div', { class: 'viewport', id: 'viewport' }, spacer, rowsLayer, empty);
  const table = el('div', { id: 'table', class: 'table', role: 'grid', tabindex: '0', 'aria-label': S.results_label, 'aria-rowcount': '0', title: S.keyboardHelp }, head, viewport);

  function setOrder(order, descending) {
    state.order = order;
    state.descending = descending;
    orderSelect.value = `${order}:${descending}`;
    state.selected.clear();
    state.cursor = -1;
    resetRows();
  }

  function resetRows() {
    state.generation++;
    state.rows.clear();
    state.requested.clear();
    render();
  }

  function setTotal(total) {
    state.total = total;
    spacer.style.height = `${total * ROW_HEIGHT}px`;
    table.setAttribute('aria-rowcount', String(total));
    empty.hidden = total > 0;
    for (const p of Array.from(state.selected)) {
      if (p >= total) {
        state.selected.delete(p);
      }
    }
    updateCounts();
  }

  function updateCounts() {
    counts.textContent = state.selected.size > 0 ? `${fmt(S.rowsCount, state.total.toLocaleString())} · ${fmt(S.selectedCount, state.selected.size.toLocaleString())}` : fmt(S.rowsCount, state.total.toLocaleString());
  }

  function request(position) {
    const page = Math.floor(position / PAGE);
    const key = `${state.generation}:${page}`;
    if (state.requested.has(key)) {
      return;
    }
    state.requested.add(key);
    vscode.postMessage({ type: 'rows', start: page * PAGE, count: PAGE, order: state.order, descending: state.descending });
  }

  const time = (ms) => (ms >= 0 && ms <= 8.64e15 ? new Date(ms).toISOString() : '—');
  const shown = (text) => (text === null ? S.nullValue : text);

  function render() {
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - 2);
    const last = Math.min(state.total, first + Math.ceil(viewport.clientHeight / ROW_HEIGHT) + 5);
    rowsLayer.textContent = '';
    rowsLayer.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    for (let position = first; position < last; position++) {
      const row = state.rows.get(position);
      if (!row) {
        request(position);
      }
      const selected = state.selected.has(position);
      const cells = row
        ? [String(row.partition), String(row.offset), time(row.timestamp), shown(row.key), shown(row.value), String(row.size), String(row.headerCount)]
        : columns.map(() => '');
      const node = el(
        'div',
        {
          class: `tr${selected ? ' selected' : ''}${position === state.cursor ? ' cursor' : ''}`,
          role: 'row',
          'aria-rowindex': position + 1,
          'aria-selected': selected ? 'true' : 'false',
          'data-position': position,
          'data-index': row ? row.index : undefined,
        },
        ...columns.map(([name, , cls], i) => el('div', { class: `cell ${cls}${row && ((name === 'key' && row.keyBinary) || (name === 'value' && row.valueBinary)) ? ' binary' : ''}`, role: 'gridcell', text: cells[i] })),
      );
      rowsLayer.append(node);
    }
    updateCounts();
  }

  viewport.addEventListener('scroll', () => render(), { passive: true });
  window.addEventListener('resize', () => render());

  function scrollIntoView(position) {
    const top = position * ROW_HEIGHT;
    if (top < viewport.scrollTop) {
      viewport.scrollTop = top;
    } else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) {
      viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
    }
  }

  function moveTo(position, { extend = false, toggle = false, show = true } = {}) {
    if (state.total === 0) {
      return;
    }
    position = Math.max(0, Math.min(state.total - 1, position));
    if (toggle) {
      if (state.selected.has(position)) {
        state.selected.delete(position);
      } else {
        state.selected.add(position);
      }
      state.anchor = position;
    } else if (extend && state.anchor >= 0) {
      state.selected.clear();
      const [a, b] = state.anchor < position ? [state.anchor, position] : [position, state.anchor];
      for (let p = a; p <= b; p++) {
        state.selected.add(p);
      }
    } else {
      state.selected.clear();
      state.selected.add(position);
      state.anchor = position;
    }
    state.cursor = position;
    scrollIntoView(position);
    render();
    if (show) {
      showDetailOf(position);
    }
  }

  /** Asks for the record at `position`; a row not loaded yet (after End, Page Down…) is asked for when it arrives. */
  function showDetailOf(position) {
    const row = state.rows.get(position);
    state.pendingDetail = row ? -1 : position;
    if (row) {
      vscode.postMessage({ type: 'detail', index: row.index });
    }
  }

  rowsLayer.addEventListener('click', (event) => {
    const node = event.target.closest('.tr');
    if (!node) {
      return;
    }
    table.focus();
    moveTo(Number(node.dataset.position), { extend: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  });

  table.addEventListener('keydown', (event) => {
    const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
    const at = state.cursor < 0 ? -1 : state.cursor;
    const extend = event.shiftKey;
    const moves = { ArrowDown: at + 1, ArrowUp: Math.max(0, at - 1), PageDown: at + page, PageUp: Math.max(0, at - page), Home: 0, End: state.total - 1 };
    if (event.key in moves) {
      event.preventDefault();
      moveTo(moves[event.key], { extend, show: !extend });
    } else if (event.key === ' ') {
      event.preventDefault();
      if (at >= 0) {
        moveTo(at, { toggle: true, show: false });
      }
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (at >= 0) {
        showDetailOf(at);
      }
    } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      state.selected = new Set(Array.from({ length: state.total }, (_, i) => i));
      render();
    }
  });

  // ---- the detail of one record ---------------------------------------------------------------------
  const detail = el('aside', { id: 'detail', class: 'detail', 'aria-label': S.detail, tabindex: '-1' }, el('p', { class: 'hint', text: S.noDetail }));

  function bytesOf(base64) {
    const binary = atob(base64);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      out[i] = binary.charCodeAt(i);
    }
    return out;
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  function textOf(base64) {
    if (base64 === null) {
      return { text: null };
    }
    const bytes = bytesOf(base64);
    try {
      return { text: utf8.decode(bytes) };
    } catch {
      return { bytes };
    }
  }

  const HEX_LIMIT = 64 * 1024;
  function hexView(bytes) {
    const lines = [];
    const n = Math.min(bytes.length, HEX_LIMIT);
    for (let i = 0; i < n; i += 16) {
      const chunk = bytes.subarray(i, Math.min(i + 16, n));
      const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
      const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
    }
    if (bytes.length > n) {
      lines.push('…');
    }
    return el('pre', { class: 'hex', text: lines.join('\n') });
  }

  /** Pretty JSON with its tokens coloured: spans with text only, built from a tokenizer, never from HTML. */
  function jsonView(text) {
    const pre = el('pre', { class: 'json' });
    const token = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false)|(null)/g;
    let last = 0;
    let match;
    while ((match = token.exec(text)) !== null) {
      if (match.index > last) {
        pre.append(text.slice(last, match.index));
      }
      if (match[1]) {
        pre.append(el('span', { class: match[2] ? 'j-key' : 'j-string', text: match[1] }));
        if (match[2]) {
          pre.append(match[2]);
        }
      } else {
        pre.append(el('span', { class: match[3] ? 'j-number' : match[4] ? 'j-boolean' : 'j-null', text: match[0] }));
      }
      last = token.lastIndex;
    }
    pre.append(text.slice(last));
    return pre;
  }

  function partView(base64) {
    const part = textOf(base64);
    if (part.text === null) {
      return el('pre', { class: 'null', text: S.nullValue });
    }
    if (part.bytes) {
      return el('div', {}, el('p', { class: 'hint', text: S.binaryValue }), hexView(part.bytes));
    }
    return el('pre', { class: 'text', text: part.text });
  }

  function showDetail(record) {
    state.detailIndex = record.index;
    const action = (id, label, message) => el('button', { id, type: 'button', class: 'secondary', text: label, onclick: () => vscode.postMessage(Object.assign({ index: record.index }, message)) });
    let value;
    if (record.valueJson !== null) {
      value = jsonView(record.valueJson);
    } else if (record.valueText !== null) {
      value = el('pre', { class: 'text', text: record.valueText });
    } else {
      value = partView(record.value);
    }
    const headers =
      record.headers.length === 0
        ? el('p', { class: 'hint', text: S.noHeaders })
        : el(
            'table',
            { class: 'headers' },
            el('thead', {}, el('tr', {}, el('th', { text: S.headerName }), el('th', { text: S.headerValue }))),
            el(
              'tbody',
              {},
              ...record.headers.map((h) => {
                const v = textOf(h.value);
                const shownValue = v.text === null && !v.bytes ? S.nullValue : v.bytes ? Array.from(v.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') : v.text;
                return el('tr', {}, el('td', { text: h.name }), el('td', { class: v.bytes ? 'binary' : '', text: shownValue }));
              }),
            ),
          );
    detail.textContent = '';
    detail.append(
      el('h2', { text: `${S.colPartition} ${record.partition} · ${S.colOffset} ${record.offset}` }),
      el('p', { class: 'meta', text: `${time(record.timestamp)} · ${record.size.toLocaleString()} B` }),
      el(
        'div',
        { class: 'actions' },
        action('copyKey', S.copyKey, { type: 'copy', what: 'key' }),
        action('copyValue', S.copyValue, { type: 'copy', what: 'value' }),
        action('copyRecord', S.copyRecord, { type: 'copy', what: 'record' }),
        action('openEditor', S.openEditor, { type: 'openRecord' }),
        action('copyLink', S.copyLink, { type: 'link' }),
      ),
      el('h3', { text: S.colKey }),
      el('div', { id: 'detailKey' }, partView(record.key)),
      el('h3', { text: S.colValue }),
      el('div', { id: 'detailValue' }, value),
      el('h3', { text: S.colHeaders }),
      el('div', { id: 'detailHeaders' }, headers),
    );
  }

  // ---- the page ---------------------------------------------------------------------------------------
  document.body.append(form, errorBox, progressBox, summary, toolbar, el('div', { class: 'main' }, table, detail));
  setTotal(0);

  window.addEventListener('message', (event) => {
    const m = event.data;
    switch (m.type) {
      case 'init':
        setPartitions(m.partitions);
        if (m.preselect !== undefined) {
          choosePartitions([m.preselect]);
        }
        document.body.dataset.ready = 'true';
        break;
      case 'preselect':
        choosePartitions([m.partition]);
        break;
      case 'showQuery':
        showQuery(m.query);
        break;
      case 'invalid':
        // Nothing was started for a refused query; a scan already running goes on.
        showError(m.field, m.message);
        break;
      case 'started':
        clearError();
        setRunning(true);
        summary.textContent = '';
        progressBox.textContent = '';
        state.selected.clear();
        state.cursor = -1;
        setTotal(0);
        resetRows();
        break;
      case 'progress':
        showProgress(m.progress);
        break;
      case 'count':
        setTotal(m.total);
        resetRows();
        break;
      case 'done':
        setRunning(false);
        showProgress(m.progress);
        summary.textContent = m.line;
        summary.dataset.stopped = m.stopped;
        setTotal(m.total);
        resetRows();
        break;
      case 'rows':
        if (m.order !== state.order || m.descending !== state.descending) {
          break;
        }
        if (m.total !== state.total) {
          setTotal(m.total);
        }
        m.rows.forEach((row, i) => state.rows.set(m.start + i, row));
        render();
        if (state.pendingDetail >= 0 && state.rows.has(state.pendingDetail)) {
          showDetailOf(state.pendingDetail);
        }
        break;
      case 'detail':
        showDetail(m.record);
        break;
      case 'reveal':
        setOrder('offset', false);
        moveTo(m.position, { show: false });
        vscode.postMessage({ type: 'detail', index: m.index });
        break;
    }
  });

  showRangeFields();
  vscode.postMessage({ type: 'ready' });
})();
