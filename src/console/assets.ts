/**
 * The console's only style sheet and script, served by the broker (no build step). Colours meet
 * WCAG 2.1 AA contrast on their backgrounds; focus is always visible. The script only enhances:
 * every page works without it.
 */
export const CONSOLE_CSS = `
:root { --ink: #1b1f24; --muted: #4a5460; --line: #c9d1da; --bg: #ffffff; --band: #f3f5f8;
  --accent: #0b4f8a; --accent-ink: #ffffff; --ok: #146c2e; --warn: #8a4b00; --bad: #a4161a;
  --permit: #146c2e; --partial: #8a4b00; --deny: #a4161a; --pending: #4a5460; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); line-height: 1.5; }
body { margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible, main:focus-visible {
  outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--accent); color: var(--accent-ink); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: var(--accent); color: var(--accent-ink); }
header.top a { color: var(--accent-ink); }
.brand { font-weight: 700; text-decoration: none; font-size: 1.1rem; margin-right: auto; }
.who { display: flex; flex-direction: column; font-size: .9rem; text-align: right; }
.who .agency { font-weight: 600; }
.sign-out { margin: 0; }
.sign-out button { background: transparent; color: var(--accent-ink); border: 1px solid var(--accent-ink); }
nav { background: var(--band); border-bottom: 1px solid var(--line); padding: 0 1.5rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
nav a { display: inline-block; padding: .6rem .8rem; text-decoration: none; color: var(--ink); border-bottom: 3px solid transparent; }
nav a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
main { padding: 1rem 1.5rem 2rem; max-width: 80rem; }
footer { padding: 1rem 1.5rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .9rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; background: var(--band); padding: .75rem; border: 1px solid var(--line); }
.field { display: flex; flex-direction: column; gap: .2rem; }
label { font-weight: 600; font-size: .9rem; }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #6b7683; border-radius: 3px; background: #fff; color: var(--ink); }
textarea { min-width: 24rem; min-height: 5rem; }
button, .button { font: inherit; padding: .4rem .9rem; border-radius: 3px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.badge.permit, .badge.success, .badge.ok { color: var(--permit); }
.badge.partial, .badge.warn { color: var(--partial); }
.badge.deny, .badge.failure, .badge.bad { color: var(--deny); }
.badge.pending, .badge.dry_run { color: var(--pending); }
.notice-box { border-left: 4px solid var(--accent); background: var(--band); padding: .75rem 1rem; margin: 1rem 0; }
.notice-box.ok { border-color: var(--ok); }
.notice-box.bad { border-color: var(--bad); }
.notice-box.warn { border-color: var(--warn); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); padding: .75rem 1rem; border-radius: 4px; }
.card .value { font-size: 1.8rem; font-weight: 700; }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 11px; fill: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: .25rem 0; font-size: .9rem; }
.legend .swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: middle; border: 1px solid var(--ink); }
.swatch.s0 { background: #146c2e; } .swatch.s1 { background: #0b4f8a; } .swatch.s2 { background: #a4161a; } .swatch.s3 { background: #8a4b00; } .swatch.s4 { background: #5b3f8c; } .swatch.s5 { background: #4a5460; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-start; margin: 1rem 0; }
.actions form { display: flex; flex-direction: column; gap: .4rem; border: 1px solid var(--line); padding: .75rem; }
ol.trace li, ul.plain li { margin: .2rem 0; }
.providers { list-style: none; padding: 0; display: grid; gap: .5rem; max-width: 36rem; }
.providers a { display: block; padding: .75rem 1rem; border: 1px solid var(--line); border-radius: 4px; text-decoration: none; }
.providers a:hover { background: var(--band); }
/* audit */
pre.leaf { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--band); border: 1px solid var(--line); padding: .5rem .75rem; margin: .5rem 0; }
code.receipt { display: block; margin-bottom: .4rem; }
/* end audit */
/* register, subject access, dashboard */
ol.letter > li { margin: .75rem 0 1rem; padding-bottom: .75rem; border-bottom: 1px solid var(--line); }
ol.letter > li > p { margin: 0 0 .25rem; }
form.hold-line fieldset { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; border: 1px solid var(--line); padding: .4rem .75rem; margin: .25rem 0 0; }
form.hold-line legend { font-weight: 600; font-size: .9rem; padding: 0 .25rem; }
.chart-block { margin: .5rem 0 1.5rem; }
.chart-block svg { display: block; width: 100%; max-width: 56rem; }
.card h3 { margin: 0; font-size: .95rem; }
.card .value { margin: .25rem 0; }
.card p { margin: 0; }
.legend .swatch.hatch { background-image: repeating-linear-gradient(45deg, rgba(255,255,255,.7) 0 2px, transparent 2px 6px); }
.legend .swatch.dots { background-image: radial-gradient(circle, rgba(255,255,255,.85) 1.2px, transparent 1.6px); background-size: 5px 5px; }
/* end register, subject access, dashboard */
/* reviews, held notices */
ul.tight { margin: 0; padding-left: 1.1rem; }
fieldset.choices { border: 1px solid var(--line); margin: 0 0 .5rem; }
fieldset.choices label { font-weight: normal; }
/* end reviews, held notices */
`;

export const CONSOLE_JS = `
'use strict';
// Asks before a form marked data-confirm is sent (releasing a hold, deciding a review).
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
// A button marked data-copy copies the text of the element it names (a receipt, a hash).
document.addEventListener('click', function (event) {
  var button = event.target && event.target.closest && event.target.closest('[data-copy]');
  if (!button || !navigator.clipboard) return;
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (source) navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.setAttribute('data-copied', 'true');
  });
});
document.querySelectorAll('[data-copy]').forEach(function (b) { b.hidden = false; });
`;
