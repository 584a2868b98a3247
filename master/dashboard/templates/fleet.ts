// The fleet page: roles × levels, each host with its last run and its drift; recent jobs; the start form.
export const fleet = `{% extends "layout" %}
{% block title %}Fleet{% endblock %}
{% block main %}
<h1>Fleet</h1>
{% for w in warnings %}<p class="warning">{{ w }}</p>{% endfor %}
<table class="grid">
<thead><tr><th>role</th>{% for level in grid.levels %}<th>{{ level }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in grid.rows %}
<tr><th>{{ row.role }}</th>
{% for cell in row.cells %}<td>
{% for h in cell %}<span class="host-entry" data-host="{{ h.id }}"><a class="host status-{{ h.status }}" href="{{ base }}/hosts/{{ h.id | urlencode }}" title="{{ h.title }}">{{ h.id }} <span class="badge">{{ h.status }}</span></a>{% if h.drift %}
<a class="badge {{ "drift" if h.drift.states else "in-line" }}" href="{{ base }}/hosts/{{ h.id | urlencode }}#drift" title="{{ h.drift.title }}" data-checked="{{ h.drift.checkedAt }}">{{ ("drift " + h.drift.states) if h.drift.states else "in line" }}</a>{% else %}
<span class="badge unchecked" title="no test-mode highstate has checked this host">unchecked</span>{% endif %}</span>
{% endfor %}</td>{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>

<h2>Start a job</h2>
<form class="start" method="get" action="{{ base }}/start">
  <label>Level <select name="level">{% for level in grid.levels %}<option>{{ level }}</option>{% endfor %}</select></label>
  <label>Role <select name="role"><option value="">every role</option>{% for row in grid.rows %}<option>{{ row.role }}</option>{% endfor %}</select></label>
  <label><input type="checkbox" name="test" value="1" checked> test run (changes nothing)</label>
  <button type="submit">Highstate…</button>
</form>

<h2>Recent jobs</h2>
{% include "job-list" %}
{% endblock %}
`;

export const jobList = `<table class="jobs">
<thead><tr><th>job</th><th>kind</th><th>status</th><th>started</th><th>duration</th><th>by</th></tr></thead>
<tbody>
{% for j in jobs %}
<tr><td><a href="{{ base }}/jobs/{{ j.jid }}">{{ j.jid }}</a></td><td>{{ j.kind }}{% if j.test %} (test){% endif %}</td>
<td><span class="badge status-{{ j.status }}">{{ j.status }}</span></td><td>{{ j.startedAt }}</td><td>{{ j.durationMs | duration }}</td><td>{{ j.origin }}: {{ j.who }}</td></tr>
{% else %}
<tr><td colspan="6">no jobs yet</td></tr>
{% endfor %}
</tbody>
</table>
`;

export const confirm = `{% extends "layout" %}
{% block title %}Confirm{% endblock %}
{% block main %}
<h1>Start a {{ "test run" if test else "highstate" }}?</h1>
<p>A {{ "test-mode highstate (nothing is changed)" if test else "highstate (hosts are changed)" }} of level <b>{{ level }}</b>{% if role %}, role <b>{{ role }}</b>{% endif %}, on {{ hosts | length }} host{{ "" if hosts | length == 1 else "s" }}:</p>
<ul class="targets">{% for h in hosts %}<li>{{ h }}</li>{% endfor %}</ul>
<form method="post" action="{{ base }}/start">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <input type="hidden" name="level" value="{{ level }}">
  <input type="hidden" name="role" value="{{ role }}">
  <input type="hidden" name="test" value="{{ "1" if test else "" }}">
  <button type="submit" class="confirm">{{ "Start the test run" if test else "Apply now" }}</button>
  <a href="{{ base }}/">Cancel</a>
</form>
{% endblock %}
`;
