// The code and style inside every HTML report. The script reads the JSON data element, builds the page with DOM
// calls only (every text from the data goes in through textContent, never as markup) and shows one page of
// principals at a time, so 10,000 roles and 30,000 findings stay responsive. Kept as plain browser JavaScript in
// a string: the page must not load anything, and the CSP admits exactly this text by its hash.

export const HTML_STYLE = `
:root{--critical:#b3001b;--high:#d9480f;--medium:#b08900;--low:#1c64b4;--info:#6b7280;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:20px 0 8px}h3{font-size:15px;margin:0}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:110px}
.card b{display:block;font-size:20px}
button.card{cursor:pointer;font:inherit;text-align:left}
button.card[aria-pressed=false]{opacity:.45}
.sev{display:inline-block;min-width:64px;padding:1px 6px;border-radius:10px;color:#fff;font-size:12px;text-align:center}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;margin:8px 0}
.filters{position:sticky;top:0;z-index:1;background:#f6f8fa;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:8px 0;border-bottom:1px solid var(--line)}
.filters label{white-space:nowrap}
input[type=search]{min-width:260px;padding:4px 6px}
select{padding:3px}
.group{background:#fff;border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:10px 12px}
.group h3{word-break:break-all}
.finding{border-top:1px solid #eaeef2;padding:6px 0}
.finding:first-of-type{border-top:0}
.finding .head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.rule{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.suppressed{opacity:.7}
details{margin:4px 0 0 0}
summary{cursor:pointer;color:var(--low)}
pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;padding:6px;overflow:auto;max-height:320px;font-size:12px;margin:4px 0}
table{border-collapse:collapse;background:#fff;margin:4px 0}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num{text-align:right}
.pager{display:flex;gap:8px;align-items:center;margin:8px 0}
svg.path-graph{background:#fff;border:1px solid #eaeef2;border-radius:4px;max-width:100%;height:auto}
svg.path-graph text{font:11px ui-monospace,monospace}
svg.path-graph .edge-label{fill:var(--muted)}
`;

export const HTML_CLIENT_SCRIPT = `(function () {
'use strict';
var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
var PAGE_SIZE = 50;
var data = JSON.parse(document.getElementById('leash-data').textContent);
var app = document.getElementById('app');
app.textContent = '';

// Text from the data shows as typed: control characters, invisible marks and direction overrides (a role named
// admin<U+202E>gnp.exe reads adminexe.png) become visible \\u{...} escapes. A pre keeps its own line breaks.
var HIDDEN = /[\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/g;
function visible(text, keepLines) {
  return String(text).replace(HIDDEN, function (c) {
    return keepLines && (c === '\\n' || c === '\\t') ? c : '\\\\u{' + c.charCodeAt(0).toString(16) + '}';
  });
}
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) for (var key in attrs) {
    if (attrs[key] === undefined || attrs[key] === null) continue;
    if (key === 'text') node.textContent = visible(attrs[key], tag === 'pre');
    else if (key === 'className') node.className = attrs[key];
    else node.setAttribute(key, attrs[key]);
  }
  (children || []).forEach(function (child) {
    if (child === null || child === undefined) return;
    node.appendChild(typeof child === 'string' ? document.createTextNode(visible(child)) : child);
  });
  return node;
}
function sevBadge(severity) { return el('span', { className: 'sev sev-' + severity, text: severity }); }
function num(n) { return Number(n).toLocaleString('en-US'); }
function link(href, text) {
  // Only web links to documentation; anything else stays text.
  return /^https?:\\/\\//.test(href || '') ? el('a', { href: href, rel: 'noreferrer noopener', target: '_blank', text: text }) : el('span', { text: text });
}
function table(head, rows, numeric) {
  return el('table', null, [
    el('thead', null, [el('tr', null, head.map(function (h) { return el('th', { text: h }); }))]),
    el('tbody', null, rows.map(function (row) {
      return el('tr', null, row.map(function (cell, i) {
        return cell instanceof Node ? el('td', null, [cell]) : el('td', { className: numeric && numeric[i] ? 'num' : null, text: String(cell) });
      }));
    })),
  ]);
}
function list(items) { return el('ul', null, items.map(function (t) { return el('li', { text: t }); })); }
function fold(title, body, open) {
  var d = el('details', open ? { open: '' } : null, [el('summary', { text: title })]);
  d.appendChild(body);
  return d;
}
function pager(state, total, render) {
  var pages = Math.max(1, Math.ceil(total / state.size));
  if (state.page >= pages) state.page = pages - 1;
  var prev = el('button', { type: 'button', 'data-role': 'prev', text: '‹ previous' });
  var next = el('button', { type: 'button', 'data-role': 'next', text: 'next ›' });
  prev.disabled = state.page === 0;
  next.disabled = state.page >= pages - 1;
  prev.addEventListener('click', function () { state.page--; render(); });
  next.addEventListener('click', function () { state.page++; render(); });
  return el('div', { className: 'pager' }, [prev, el('span', { 'data-role': 'page', text: 'page ' + (state.page + 1) + ' of ' + pages }), next]);
}

// ---- reachability paths: edges {from, to, via} laid out in columns by distance from the first node ----
function pathGraph(edges) {
  var nodes = [], index = Object.create(null);
  function add(name) { if (!(name in index)) { index[name] = nodes.length; nodes.push({ name: name, depth: 0 }); } return index[name]; }
  edges.forEach(function (e) { add(e.from); add(e.to); });
  var depth = nodes.map(function () { return Infinity; });
  var targets = {};
  edges.forEach(function (e) { targets[index[e.to]] = true; });
  var queue = [];
  nodes.forEach(function (n, i) { if (!targets[i]) { depth[i] = 0; queue.push(i); } });
  if (queue.length === 0) { depth[0] = 0; queue.push(0); }
  while (queue.length) {
    var at = queue.shift();
    edges.forEach(function (e) {
      if (index[e.from] === at && depth[index[e.to]] === Infinity) { depth[index[e.to]] = depth[at] + 1; queue.push(index[e.to]); }
    });
  }
  var columns = [];
  nodes.forEach(function (n, i) { var d = depth[i] === Infinity ? 0 : depth[i]; (columns[d] = columns[d] || []).push(i); n.depth = d; });
  var W = 230, H = 46, GAP = 90, pos = [];
  columns.forEach(function (col, c) { col.forEach(function (i, r) { pos[i] = { x: 10 + c * (W + GAP), y: 10 + r * (H + 30) }; }); });
  var width = 20 + columns.length * (W + GAP) - GAP, height = 20 + Math.max.apply(null, columns.map(function (c) { return c.length; })) * (H + 30) - 30;
  var NS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = visible(text);
    return node;
  }
  var svg = s('svg', { class: 'path-graph', viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img' });
  var defs = s('defs', {});
  var marker = s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
  marker.appendChild(s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' }));
  defs.appendChild(marker); svg.appendChild(defs);
  svg.appendChild(s('title', {}, edges.map(function (e) { return e.from + ' → ' + e.to + (e.via ? ' (' + e.via + ')' : ''); }).join('\\n')));
  edges.forEach(function (e) {
    var a = pos[index[e.from]], b = pos[index[e.to]];
    var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    if (b.x <= a.x) { x1 = a.x + W / 2; y1 = a.y + H; x2 = b.x + W / 2; y2 = b.y; }
    svg.appendChild(s('line', { x1: x1, y1: y1, x2: x2, y2: y2, stroke: '#57606a', 'marker-end': 'url(#arrow)' }));
    if (e.via) svg.appendChild(s('text', { class: 'edge-label', x: (x1 + x2) / 2 - 40, y: (y1 + y2) / 2 - 4 }, e.via.length > 26 ? e.via.slice(0, 25) + '…' : e.via));
  });
  nodes.forEach(function (n, i) {
    var p = pos[i];
    var g = s('g', { 'data-node': n.name });
    g.appendChild(s('title', {}, n.name));
    g.appendChild(s('rect', { x: p.x, y: p.y, width: W, height: H, rx: 6, fill: '#f6f8fa', stroke: '#8c959f' }));
    var short = n.name.replace(/^arn:[^:]+:iam::([^:]*):/, '$1 ');
    g.appendChild(s('text', { x: p.x + 8, y: p.y + 19 }, short.length > 34 ? short.slice(0, 33) + '…' : short));
    if (short.length > 34) g.appendChild(s('text', { x: p.x + 8, y: p.y + 35 }, '…' + short.slice(-32)));
    svg.appendChild(g);
  });
  return svg;
}

// ---- audit report ----
function renderAudit() {
  var rules = {};
  data.rules.forEach(function (r) { rules[r.id] = r; });
  var findings = data.findings;
  var subjects = Object.create(null); // a subject named __proto__ or toString is a subject like any other
  var bySubject = [];
  findings.forEach(function (f, i) {
    var g = subjects[f.subject];
    if (!g) { g = subjects[f.subject] = { subject: f.subject, account: f.accountId, items: [] }; bySubject.push(g); }
    g.items.push(i);
  });
  var rank = function (s) { return SEVERITIES.indexOf(s); };
  bySubject.forEach(function (g) {
    g.items.sort(function (a, b) { return rank(findings[a].severity) - rank(findings[b].severity); });
    g.worst = rank(findings[g.items[0]].severity);
  });
  bySubject.sort(function (a, b) { return a.worst - b.worst || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0); });

  var s = data.summary;
  app.appendChild(el('h1', { text: data.tool.name + ': ' + s.headline }));
  app.appendChild(el('p', { className: 'muted', text: data.tool.name + ' ' + data.tool.version + (data.generatedAt ? ' · ' + data.generatedAt : '') + ' · ' + num(s.accounts) + ' account(s), ' + num(s.principals) + ' principal(s), ' + num(s.findings) + ' finding(s), ' + num(s.suppressed) + ' suppressed' }));
  if (data.notAudited.length) {
    app.appendChild(el('div', { className: 'warn', 'data-role': 'partial' }, [
      el('strong', { text: 'Partial audit: ' + data.notAudited.length + ' account(s) could not be read; their findings are missing.' }),
      list(data.notAudited.map(function (n) { return n.accountId + (n.accountName ? ' (' + n.accountName + ')' : '') + ': ' + n.reason; })),
    ]));
  }
  var state = { severities: {}, rule: '', account: '', text: '', suppressed: true, page: 0, size: PAGE_SIZE };
  SEVERITIES.forEach(function (sev) { state.severities[sev] = true; });
  var cards = el('div', { className: 'cards', 'data-role': 'severity-cards' });
  SEVERITIES.forEach(function (sev) {
    var button = el('button', { type: 'button', className: 'card', 'data-severity': sev, 'aria-pressed': 'true', title: 'show or hide ' + sev + ' findings' }, [el('b', { text: num(s.bySeverity[sev]) }), sevBadge(sev)]);
    button.addEventListener('click', function () {
      state.severities[sev] = !state.severities[sev];
      button.setAttribute('aria-pressed', String(state.severities[sev]));
      var box = document.querySelector('input[data-severity="' + sev + '"]');
      if (box) box.checked = state.severities[sev];
      state.page = 0; render();
    });
    cards.appendChild(button);
  });
  app.appendChild(cards);

  var context = [];
  data.accounts.forEach(function (a) {
    var name = a.accountId + (a.accountName ? ' (' + a.accountName + ')' : '') + (a.source ? ' from ' + a.source : '');
    if (a.caveats.length) context.push(fold('Caveats of ' + name + ' (' + a.caveats.length + ')', list(a.caveats), true));
    if (a.problems.length) context.push(fold('Input problems of ' + name + ' (' + a.problems.length + '): analysed without these', list(a.problems.map(function (p) { return p.where + ': ' + p.message; })), false));
  });
  if (data.expiredSuppressions.length) {
    context.push(fold('Expired suppressions (' + data.expiredSuppressions.length + '): they no longer apply', list(data.expiredSuppressions.map(function (e) { return e.ruleId + ' ' + (e.principalArn || e.logicalId || '') + ' expired ' + e.expires + ' (' + e.matched + ' finding(s)): ' + e.reason; })), false));
  }
  if (context.length) app.appendChild(el('section', { 'data-role': 'context' }, [el('h2', { text: 'What the findings cannot speak for' })].concat(context)));

  // Filters
  var ruleCounts = {};
  findings.forEach(function (f) { ruleCounts[f.ruleId] = (ruleCounts[f.ruleId] || 0) + 1; });
  var ruleSelect = el('select', { 'data-role': 'rule', 'aria-label': 'rule' }, [el('option', { value: '', text: 'every rule' })].concat(
    Object.keys(ruleCounts).sort().map(function (id) { return el('option', { value: id, text: id + ' (' + ruleCounts[id] + ')' }); })));
  ruleSelect.addEventListener('change', function () { state.rule = ruleSelect.value; state.page = 0; render(); });
  var accountSelect = el('select', { 'data-role': 'account', 'aria-label': 'account' }, [el('option', { value: '', text: 'every account' })].concat(
    data.accounts.map(function (a) { return el('option', { value: a.accountId, text: a.accountId + (a.accountName ? ' ' + a.accountName : '') }); })));
  accountSelect.addEventListener('change', function () { state.account = accountSelect.value; state.page = 0; render(); });
  var search = el('input', { type: 'search', 'data-role': 'principal', placeholder: 'principal, ARN or template contains…', 'aria-label': 'principal' });
  var timer = null;
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { state.text = search.value.trim().toLowerCase(); state.page = 0; render(); }, 150); });
  var suppressedBox = el('input', { type: 'checkbox', 'data-role': 'suppressed' });
  suppressedBox.checked = true;
  suppressedBox.addEventListener('change', function () { state.suppressed = suppressedBox.checked; state.page = 0; render(); });
  var filters = el('div', { className: 'filters', 'data-role': 'filters' }, SEVERITIES.map(function (sev) {
    var box = el('input', { type: 'checkbox', 'data-severity': sev });
    box.checked = true;
    box.addEventListener('change', function () {
      state.severities[sev] = box.checked;
      document.querySelector('button[data-severity="' + sev + '"]').setAttribute('aria-pressed', String(box.checked));
      state.page = 0; render();
    });
    return el('label', null, [box, ' ', sevBadge(sev)]);
  }).concat([ruleSelect, data.accounts.length > 1 ? accountSelect : null, search, el('label', null, [suppressedBox, ' suppressed'])]));
  app.appendChild(el('h2', { text: 'Findings by principal' }));
  app.appendChild(filters);
  var status = el('p', { 'data-role': 'status', className: 'muted' });
  var results = el('div', { 'data-role': 'results' });
  app.appendChild(status);
  app.appendChild(results);

  function matches(f) {
    return state.severities[f.severity] && (!state.rule || f.ruleId === state.rule) && (!state.account || f.accountId === state.account) && (state.suppressed || !f.suppressed);
  }
  function render() {
    var groups = [], shown = 0;
    bySubject.forEach(function (g) {
      if (state.text && g.subject.toLowerCase().indexOf(state.text) === -1) return;
      var items = g.items.filter(function (i) { return matches(findings[i]); });
      if (items.length) { groups.push({ group: g, items: items }); shown += items.length; }
    });
    status.textContent = num(shown) + ' of ' + num(findings.length) + ' finding(s) in ' + num(groups.length) + ' principal(s) match';
    results.textContent = '';
    var top = pager(state, groups.length, render);
    results.appendChild(top);
    groups.slice(state.page * state.size, (state.page + 1) * state.size).forEach(function (entry) {
      var g = entry.group;
      var section = el('section', { className: 'group', 'data-subject': g.subject }, [
        el('h3', null, [sevBadge(findings[entry.items[0]].severity), ' ', g.subject]),
        el('div', { className: 'muted', text: entry.items.length + ' finding(s)' + (g.account ? ' · account ' + g.account : '') }),
      ]);
      entry.items.forEach(function (i) { section.appendChild(findingView(findings[i])); });
      results.appendChild(section);
    });
    if (groups.length > state.size) results.appendChild(pager(state, groups.length, render));
  }
  function findingView(f) {
    var rule = rules[f.ruleId] || {};
    var node = el('div', { className: 'finding' + (f.suppressed ? ' suppressed' : ''), 'data-rule': f.ruleId, 'data-severity': f.severity }, [
      el('div', { className: 'head' }, [sevBadge(f.severity), link(f.docsUrl || rule.docsUrl, f.ruleId), el('strong', { text: f.title })]),
      el('div', { className: 'message', text: f.message }),
    ]);
    if (f.location) node.appendChild(el('div', { className: 'muted', text: f.location.file + (f.location.logicalId ? ' · ' + f.location.logicalId : '') + (f.location.cdkPath ? ' · ' + f.location.cdkPath : '') }));
    if (f.suppressed) node.appendChild(el('div', { className: 'muted', text: 'suppressed until ' + f.suppressed.expires + ': ' + f.suppressed.reason }));
    if (f.paths && f.paths.length) {
      var graph = el('div', { 'data-role': 'path' }, [el('div', { className: 'muted', text: 'How: ' + f.paths.length + ' step(s)' })]);
      graph.appendChild(pathGraph(f.paths));
      node.appendChild(graph);
    }
    var count = f.evidence.length;
    var details = f.detailsRef !== undefined ? data.shared[f.detailsRef] : undefined;
    var more = el('details', { 'data-role': 'evidence' }, [el('summary', { text: 'Evidence: ' + count + ' statement(s)' + (f.remediation ? ', remediation' : '') + (details ? ', details' : '') })]);
    more.addEventListener('toggle', function once() {
      more.removeEventListener('toggle', once);
      f.evidence.forEach(function (e) {
        more.appendChild(el('div', null, [
          el('div', { text: e.policyKind + ' ' + e.policy + (e.statementIndex !== undefined ? ' · Statement[' + e.statementIndex + ']' : '') + (e.sid ? ' · Sid ' + e.sid : '') + (e.note ? ' · ' + e.note : '') }),
          e.statementRef !== undefined ? el('pre', { text: JSON.stringify(data.shared[e.statementRef], null, 2) }) : null,
        ]));
      });
      if (f.remediation) more.appendChild(el('p', null, [el('strong', { text: 'Fix: ' }), f.remediation]));
      if (details) more.appendChild(el('pre', { 'data-role': 'details', text: JSON.stringify(details, null, 2) }));
    });
    node.appendChild(more);
    return node;
  }
  render();
}

// ---- guardrail coverage (leash generate) ----
function renderCoverage() {
  var c = data.coverage;
  var pct = function (a, b) { return b === 0 ? '-' : (100 * a / b).toFixed(1) + '%'; };
  var t = c.totals;
  app.appendChild(el('h1', { text: 'Guardrail coverage' }));
  app.appendChild(el('p', { className: 'muted', text: data.tool.name + ' ' + data.tool.version + ' · AWS action catalog ' + c.dataVersion }));
  app.appendChild(el('div', { className: 'cards', 'data-role': 'coverage-cards' }, [
    el('div', { className: 'card' }, [el('b', { text: num(t.destructive) }), 'destructive actions']),
    el('div', { className: 'card' }, [el('b', { text: pct(t.protectedForEveryone, t.destructive) }), 'protected for everyone']),
    el('div', { className: 'card' }, [el('b', { text: pct(t.tagAwareProtectedForEveryone, t.tagAware) }), 'of tag-aware protected']),
    el('div', { className: 'card' }, [el('b', { text: pct(t.protectedForAgents, t.destructive) }), 'protected for agents']),
    el('div', { className: 'card' }, [el('b', { text: num(t.destructive - t.protectedForEveryone) }), 'not protected for everyone']),
  ]));
  var head = ['scope', 'destructive', 'protected (everyone)', 'tag-aware protected', 'protected (agents)', 'agents, boundary alone'];
  var row = function (scope, x) { return [scope, num(x.destructive), num(x.protectedForEveryone) + ' (' + pct(x.protectedForEveryone, x.destructive) + ')', x.tagAwareProtectedForEveryone + '/' + x.tagAware + ' (' + pct(x.tagAwareProtectedForEveryone, x.tagAware) + ')', num(x.protectedForAgents) + ' (' + pct(x.protectedForAgents, x.destructive) + ')', num(x.protectedForAgentsByBoundary) + ' (' + pct(x.protectedForAgentsByBoundary, x.destructive) + ')']; };
  app.appendChild(el('h2', { text: 'Summary' }));
  app.appendChild(table(head, [row('all destructive actions', t)].concat(Object.keys(c.byClass).map(function (k) { return row('class ' + k, c.byClass[k]); }))));
  app.appendChild(el('h2', { text: 'Caveats' }));
  app.appendChild(list(c.caveats));
  app.appendChild(el('h2', { text: 'Policy sizes' }));
  app.appendChild(table(['policy', 'characters', 'limit', 'used'], c.policySizes.map(function (p) { return [p.name, num(p.characters), num(p.limit), pct(p.characters, p.limit)]; }), [false, true, true, true]));
  if (c.dropped.length) {
    app.appendChild(el('h2', { text: 'Dropped for size (' + c.dropped.length + ')' }));
    app.appendChild(table(['policy type', 'statement', 'pattern', 'tier', 'actions'], c.dropped.map(function (d) { return [d.policyType, d.statement, d.pattern, d.tier, d.actions.join(', ')]; })));
  }
  app.appendChild(el('h2', { text: 'Actions and what stops them' }));
  var state = { text: '', which: 'unprotected', page: 0, size: 100 };
  var which = el('select', { 'data-role': 'which', 'aria-label': 'which actions' }, [
    el('option', { value: 'unprotected', text: 'not protected for everyone' }),
    el('option', { value: 'agents', text: 'not protected for agents' }),
    el('option', { value: 'all', text: 'every destructive action' }),
  ]);
  which.addEventListener('change', function () { state.which = which.value; state.page = 0; render(); });
  var search = el('input', { type: 'search', 'data-role': 'action', placeholder: 'action or service contains…', 'aria-label': 'action' });
  search.addEventListener('input', function () { state.text = search.value.trim().toLowerCase(); state.page = 0; render(); });
  app.appendChild(el('div', { className: 'filters' }, [which, search]));
  var status = el('p', { className: 'muted', 'data-role': 'status' });
  var results = el('div', { 'data-role': 'results' });
  app.appendChild(status); app.appendChild(results);
  function render() {
    var rows = c.actions.filter(function (a) {
      if (state.which === 'unprotected' && a.protectedForEveryone) return false;
      if (state.which === 'agents' && a.protectedForAgents) return false;
      return !state.text || a.action.toLowerCase().indexOf(state.text) !== -1;
    });
    status.textContent = num(rows.length) + ' action(s)';
    results.textContent = '';
    results.appendChild(pager(state, rows.length, render));
    results.appendChild(table(['action', 'classes', 'tag support', 'enforcement', 'everyone', 'agents', 'why'],
      rows.slice(state.page * state.size, (state.page + 1) * state.size).map(function (a) {
        return [a.action, a.classes.join(', '), a.tagSupport, a.enforcement.join(', '), a.protectedForEveryone ? 'protected' : 'NOT protected', a.protectedForAgents ? 'protected' : 'NOT protected', a.reason];
      })));
  }
  render();
}

try {
  if (data.kind === 'coverage') renderCoverage(); else renderAudit();
  document.body.setAttribute('data-ready', 'true');
} catch (err) {
  app.textContent = 'This report could not be shown: ' + (err && err.message ? err.message : String(err));
  document.body.setAttribute('data-ready', 'error');
}
})();
`;
