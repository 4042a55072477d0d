"""The live page's one inline script (see :func:`rhetoric.outputs.html.live_page`).

Kept apart as a constant so a server can put its sha256 in a Content-Security-Policy
(``script-src 'sha256-...'``) instead of allowing inline scripts in general. It is
ASCII only, so its hash is the same however the page is encoded.

What the script must get right, mirroring :mod:`rhetoric.outputs.html`:

- comment text reaches the DOM through ``textContent``/text nodes only, never as
  markup; classes are built from sanitized technique ids;
- hit offsets are Python code points: the text is split with ``Array.from`` (one
  element per code point) before slicing, so emoji do not shift the spans;
- the same segmentation, color priority, classes, data attributes and tooltip as
  the report, so both pages read the same.
"""

LIVE_SCRIPT = r"""
"use strict";
(function () {
  var RANK = {info: 0, warning: 1, error: 2};
  var byId = function (id) { return document.getElementById(id); };
  var form = byId("live-form"), input = byId("live-text"), auto = byId("live-auto");
  var token = byId("live-token"), statusLine = byId("live-status"), result = byId("live-result");
  var palette = (document.querySelector("main").getAttribute("data-palette") || "").split(" ");
  var rules = null, rulesLoading = null, sequence = 0, inflight = null, timer = null;

  function techClass(value) {
    var name = String(value).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
    return name || "other";
  }
  function colorClass(value) {
    var name = techClass(value);
    return palette.indexOf(name) >= 0 ? name : "other";
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function setStatus(text, failed) {
    statusLine.textContent = text;
    statusLine.classList.toggle("failed", Boolean(failed));
  }
  function headers(json) {
    var result = {"Accept": "application/json"};
    if (json) { result["Content-Type"] = "application/json"; }
    if (token.value.trim()) { result["Authorization"] = "Bearer " + token.value.trim(); }
    return result;
  }
  function problem(response, body) {
    if (body && body.error && body.error.message) { return String(body.error.message); }
    return "HTTP " + response.status;
  }

  // Cut [0, length) at every span boundary; each piece lists the spans covering it.
  function segments(length, spans) {
    var starts = {}, ends = {}, bounds = [0, length];
    spans.forEach(function (span, index) {
      var start = Math.max(0, span[0]), end = Math.min(length, span[1]);
      if (!(start < end)) { return; }
      (starts[start] = starts[start] || []).push(index);
      (ends[end] = ends[end] || []).push(index);
      bounds.push(start, end);
    });
    bounds = bounds.filter(function (v, i, all) { return all.indexOf(v) === i; });
    bounds.sort(function (a, b) { return a - b; });
    var open = new Set(), pieces = [];
    for (var i = 0; i + 1 < bounds.length; i++) {
      (ends[bounds[i]] || []).forEach(function (index) { open.delete(index); });
      (starts[bounds[i]] || []).forEach(function (index) { open.add(index); });
      var covering = Array.from(open).sort(function (a, b) { return a - b; });
      pieces.push({start: bounds[i], end: bounds[i + 1], hits: covering});
    }
    return pieces;
  }
  // Which of several covering hits colors a piece: most severe, then shortest.
  function priority(a, b) {
    return (RANK[b.severity] || 0) - (RANK[a.severity] || 0) ||
      (a.end - a.start) - (b.end - b.start) || a.start - b.start ||
      (a.technique < b.technique ? -1 : a.technique > b.technique ? 1 : 0);
  }
  function tip(hit) {
    var rule = rules ? rules.get(String(hit.rule)) : null;
    var why = rule && rule.why ? "Why: " + rule.why : "";
    var head = hit.technique + " \u00b7 " + hit.rule + " (" + hit.severity + ", " +
      Number(hit.confidence).toFixed(2) + ")";
    return [head, hit.message, why].filter(Boolean).join("\n");
  }
  function unique(values) {
    return values.filter(function (v, i, all) { return all.indexOf(v) === i; });
  }
  function mark(text, covering) {
    var ordered = covering.slice().sort(function (a, b) { return priority(a.hit, b.hit); });
    var hits = ordered.map(function (item) { return item.hit; });
    var techniques = unique(hits.map(function (h) { return String(h.technique); }));
    var node = el("mark", "hit", text);
    techniques.forEach(function (t) { node.classList.add("tech-" + techClass(t)); });
    node.classList.add("c-" + colorClass(techniques[0]));
    if (techniques.length > 1) {
      node.classList.add("c2-" + colorClass(techniques[1]), "overlap");
    }
    var severity = hits.reduce(function (worst, h) {
      return (RANK[h.severity] || 0) > (RANK[worst] || 0) ? h.severity : worst;
    }, hits[0].severity);
    node.tabIndex = 0;
    node.dataset.technique = techniques.join(" ");
    node.dataset.rule = unique(hits.map(function (h) { return String(h.rule); })).join(" ");
    node.dataset.severity = String(severity);
    node.dataset.tip = hits.map(tip).join("\n\n");
    node.setAttribute("aria-describedby", ordered.map(function (item) {
      return "live-h" + item.index;
    }).join(" "));
    return node;
  }
  function findings(hits) {
    var list = el("ol", "findings");
    hits.forEach(function (hit, index) {
      var item = el("li");
      item.id = "live-h" + index;
      item.dataset.rule = String(hit.rule);
      item.dataset.technique = String(hit.technique);
      item.append(el("span", "sample c-" + colorClass(hit.technique), hit.text), " ",
        el("code", null, hit.technique), " \u00b7 ", el("code", null, hit.rule), " \u00b7 ",
        el("span", "sev-" + techClass(hit.severity), hit.severity), " \u00b7 ",
        el("span", "meta", Number(hit.confidence).toFixed(2) + " at " + hit.start +
          "\u2013" + hit.end),
        el("p", "msg", hit.message));
      var rule = rules ? rules.get(String(hit.rule)) : null;
      if (rule && rule.why) { item.append(el("p", "why", "Why: " + rule.why)); }
      list.append(item);
    });
    return list;
  }
  function render(text, report, decision) {
    var points = Array.from(text);  // offsets are code points, not UTF-16 units
    var hits = Array.isArray(report.hits) ? report.hits : [];
    var article = el("article", "record" + (hits.length ? "" : " no-findings"));
    article.id = "live-record";
    article.dataset.verdict = String(report.verdict);
    var header = el("header");
    header.append(el("h2", null, "Result"));
    if (decision && decision.action) {
      var action = el("span", "badge action-" + techClass(decision.action), decision.action);
      action.id = "live-action";
      header.append(action);
    }
    header.append(el("span", "badge verdict-" + techClass(report.verdict), report.verdict),
      el("span", "meta", "score " + Number(report.score).toFixed(2) + " \u00b7 " +
        hits.length + " finding" + (hits.length === 1 ? "" : "s")));
    article.append(header);
    if (decision && Array.isArray(decision.reasons) && decision.reasons.length) {
      var reasons = el("ul", "meta reasons");
      decision.reasons.forEach(function (r) { reasons.append(el("li", null, r)); });
      article.append(reasons);
    }
    var body = el("p", "text" + (points.length ? "" : " empty"));
    var spans = hits.map(function (h) { return [Number(h.start), Number(h.end)]; });
    segments(points.length, spans).forEach(function (piece) {
      var chunk = points.slice(piece.start, piece.end).join("");
      if (!piece.hits.length) { body.append(document.createTextNode(chunk)); return; }
      body.append(mark(chunk, piece.hits.map(function (i) { return {index: i, hit: hits[i]}; })));
    });
    article.append(body);
    if (hits.length) { article.append(findings(hits)); }
    var errors = Array.isArray(report.errors) ? report.errors : [];
    if (errors.length) {
      var list = el("ul", "problems");
      errors.forEach(function (e) { list.append(el("li", null, e.source + ": " + e.message)); });
      article.append(list);
    }
    result.replaceChildren(article);
    counts(hits);
  }
  function legendItem(technique) {
    var item = el("li");
    item.dataset.technique = technique;
    var sample = el("span", "sample c-" + colorClass(technique), "abc");
    sample.setAttribute("aria-hidden", "true");
    var name = el("span");
    name.append(el("strong", null, technique), " ", el("code", null, technique));
    var count = el("span", "count");
    count.dataset.countFor = technique;
    item.append(sample, name, count);
    return item;
  }
  function counts(hits) {
    var tally = {};
    hits.forEach(function (h) { tally[h.technique] = (tally[h.technique] || 0) + 1; });
    var list = document.querySelector(".legend ul");
    var shown = Array.from(list.querySelectorAll("[data-count-for]"));
    var known = shown.map(function (n) { return n.dataset.countFor; });
    Object.keys(tally).forEach(function (t) {
      if (known.indexOf(t) < 0) { list.append(legendItem(t)); }
    });
    list.querySelectorAll("[data-count-for]").forEach(function (node) {
      var n = tally[node.dataset.countFor] || 0;
      node.textContent = n + (n === 1 ? " hit" : " hits");
    });
  }
  function loadRules() {
    if (rules) { return Promise.resolve(rules); }
    if (!rulesLoading) {
      rulesLoading = fetch("v1/rules", {headers: headers(false)}).then(function (response) {
        if (!response.ok) { throw new Error("rules: HTTP " + response.status); }
        return response.json();
      }).then(function (body) {
        var map = new Map();
        (body.rules || []).forEach(function (rule) { map.set(String(rule.id), rule); });
        rules = map;
        return rules;
      }).catch(function () { rulesLoading = null; return null; });  // retried next check
    }
    return rulesLoading;
  }
  function check() {
    var text = input.value, mine = ++sequence;
    clearTimeout(timer);
    if (inflight) { inflight.abort(); }
    if (!text.trim()) {
      result.replaceChildren();
      counts([]);
      setStatus("");
      return;
    }
    inflight = new AbortController();
    setStatus("Checking\u2026");
    var request = fetch("v1/check", {
      method: "POST", headers: headers(true), body: JSON.stringify({text: text}),
      signal: inflight.signal
    });
    Promise.all([request, loadRules()]).then(function (done) {
      var response = done[0];
      return response.json().catch(function () { return null; }).then(function (body) {
        if (mine !== sequence) { return; }
        if (!response.ok || !body || !body.report) {
          setStatus("Check failed: " + problem(response, body), true);
          return;
        }
        render(text, body.report, body.decision);
        var n = (body.report.hits || []).length;
        setStatus("Checked: " + n + " finding" + (n === 1 ? "" : "s") + ".");
      });
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      if (mine === sequence) { setStatus("Check failed: " + String(error), true); }
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); check(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (auto.checked) { timer = setTimeout(check, 400); }
  });
  loadRules();
})();
"""
