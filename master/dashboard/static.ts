// The dashboard's stylesheet and its one script, served from memory (nothing is loaded from
// elsewhere). The script follows a running job over server-sent events: each host's state results
// as they come (text only), each finished host's section re-rendered by the server, the job's end.
export const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header.top { display: flex; gap: 1.5em; align-items: center; padding: .5em 1em; background: #1d232a; color: #fff; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: bold; }
header.top .logout { margin-left: auto; }
main { padding: 1em 2em; }
table { border-collapse: collapse; background: #fff; margin-bottom: 1em; }
th, td { border: 1px solid #d5d9de; padding: .3em .6em; text-align: left; vertical-align: top; }
.grid td .host-entry { display: block; margin: .15em 0; }
.grid td a.host { text-decoration: none; color: inherit; }
.grid td a.badge { text-decoration: none; color: inherit; }
.badge { display: inline-block; padding: 0 .4em; border-radius: 3px; font-size: 12px; background: #e3e6ea; }
.badge.status-ok, .badge.result-ok { background: #d8f0dc; }
.badge.status-changed, .badge.result-changed { background: #d6e6fb; }
.badge.status-failed, .badge.status-error, .badge.status-timeout, .badge.status-unreachable, .badge.status-interrupted, .badge.result-failed { background: #f8d4d4; }
.badge.status-running, .badge.status-blocked, .badge.result-pending { background: #fbeac6; }
details.state { border-left: 4px solid #d5d9de; padding-left: .5em; }
details.state.result-failed { border-left-color: #cf222e; }
details.state.result-pending { border-left-color: #bf8700; }
details.state.result-changed { border-left-color: #0969da; }
ol.live li.result-failed { color: #82071e; }
.badge.drift { background: #f3d9f7; }
.badge.in-line { background: #d8f0dc; }
.badge.unchecked { background: #f0f1f3; color: #6e7781; }
section.host-run { background: #fff; border: 1px solid #d5d9de; padding: .5em 1em; margin: 1em 0; }
section.host-run h2 { font-size: 16px; margin: .2em 0; background: none; }
details.state { border-top: 1px solid #eceef1; padding: .2em 0; }
details.state summary { cursor: pointer; }
pre { background: #f3f4f6; padding: .5em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
pre.diff .add { color: #116329; background: #e6ffec; }
pre.diff .del { color: #82071e; background: #ffebe9; }
pre.diff .hunk { color: #6639ba; }
.error { color: #82071e; }
.warning { color: #7a4d00; }
ol.live:empty { display: none; }
ol.live { font-family: monospace; font-size: 12px; }
svg.plot { background: #fff; border: 1px solid #d5d9de; }
svg.plot .axis { stroke: #8c959f; }
svg.plot .label { font-size: 11px; fill: #57606a; }
svg.plot .duration { fill: none; stroke: #0969da; stroke-width: 2; }
svg.plot .point { fill: #0969da; stroke: #fff; }
svg.plot .bar { opacity: .8; fill: #bf8700; }
.legend .key { display: inline-block; width: 1em; height: .6em; margin-left: 1em; }
.legend .key.duration { background: #0969da; }
.legend .key.changes { background: #bf8700; }
form.start label, form.login label { margin-right: 1em; }
`;

export const LIVE_JS = `'use strict';
(function () {
  var job = document.getElementById('job');
  if (!job) return;
  var jid = job.dataset.jid, base = job.dataset.base;
  function setBadge(el, status) {
    if (!el) return;
    el.textContent = status;
    el.className = 'badge status-' + status;
    el.dataset.live = '1';
  }
  function row(host) {
    var r = document.getElementById('row-' + host);
    if (r) return r;
    // a host that had not started when the page was made
    r = document.createElement('tr');
    r.id = 'row-' + host;
    var name = document.createElement('td');
    var link = name.appendChild(document.createElement('a'));
    link.href = '#host-' + host;
    link.textContent = host;
    r.appendChild(name);
    ['status', 'total', 'failed', 'changed', 'duration'].forEach(function (k) {
      var td = document.createElement('td');
      var el = k === 'status' ? document.createElement('span') : td;
      if (k === 'status') { el.className = 'badge'; td.appendChild(el); }
      el.dataset.field = k;
      r.appendChild(td);
    });
    document.querySelector('table.hosts tbody').appendChild(r);
    return r;
  }
  function field(host, name) { var r = row(host); return r && r.querySelector('[data-field="' + name + '"]'); }
  function section(host) {
    var s = document.getElementById('host-' + host);
    if (s) return s;
    // a host that had not started when the page was made: a section for its live results
    s = document.createElement('section');
    s.className = 'host-run';
    s.id = 'host-' + host;
    var h = document.createElement('h2');
    h.textContent = host;
    s.appendChild(h);
    s.appendChild(document.createElement('ol')).className = 'live';
    document.getElementById('host-sections').appendChild(s);
    return s;
  }
  function refresh(host) {
    return fetch(base + '/jobs/' + encodeURIComponent(jid) + '/hosts/' + encodeURIComponent(host), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var old = document.getElementById('host-' + host);
        var box = document.createElement('div');
        box.innerHTML = html; // rendered by the server, every value escaped
        var fresh = box.firstElementChild;
        if (!fresh) return;
        fresh.dataset.live = '1';
        if (old) old.replaceWith(fresh); else document.getElementById('host-sections').appendChild(fresh);
      });
  }
  var pending = [];
  var events = new EventSource(base + '/events?jid=' + encodeURIComponent(jid));
  events.addEventListener('open', function () { job.dataset.events = 'open'; });
  events.addEventListener('host-start', function (m) {
    var e = JSON.parse(m.data);
    setBadge(field(e.host, 'status'), 'running');
    section(e.host);
  });
  events.addEventListener('state', function (m) {
    var e = JSON.parse(m.data);
    var s = section(e.host);
    var list = s && s.querySelector('ol.live');
    if (!list) return;
    var li = document.createElement('li');
    var outcome = e.result === false ? 'failed' : e.result === null ? 'pending' : Object.keys(e.changes || {}).length ? 'changed' : 'ok';
    li.className = 'result-' + outcome;
    li.textContent = outcome + '  ' + e.tag + (e.comment ? '  ' + e.comment.split('\\n')[0] : '');
    list.appendChild(li);
  });
  events.addEventListener('host-done', function (m) {
    var e = JSON.parse(m.data);
    setBadge(field(e.host, 'status'), e.status);
    ['failed', 'changed'].forEach(function (k) { var f = field(e.host, k); if (f) f.textContent = String(e[k]); });
    var t = field(e.host, 'total'); if (t) t.textContent = String(e.states);
    var d = field(e.host, 'duration'); if (d) d.textContent = (e.durationMs / 1000).toFixed(1) + ' s';
    pending.push(refresh(e.host).catch(function () {}));
  });
  events.addEventListener('host-blocked', function (m) {
    var e = JSON.parse(m.data);
    setBadge(field(e.host, 'status'), 'blocked');
    pending.push(refresh(e.host).catch(function () {}));
  });
  events.addEventListener('job-done', function (m) {
    var e = JSON.parse(m.data);
    events.close();
    var d = document.getElementById('job-duration');
    if (d) d.textContent = (e.durationMs / 1000).toFixed(1) + ' s';
    Promise.all(pending).then(function () {
      setBadge(document.getElementById('job-status'), e.status);
      job.dataset.status = e.status;
    });
  });
})();
`;

/** A small icon, so browsers asking for one get it from here. */
export const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d232a"/><path d="M4 12V4h2v3h4V4h2v8h-2V9H6v3z" fill="#fff"/></svg>';
