// The service's page: every change goes through the JSON API; the pages are rendered
// on the server. Plain JavaScript, no library, no network fetch but this server's.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

class ApiError extends Error {
  constructor(status, messages) {
    super(messages.join("\n"));
    this.status = status;
    this.messages = messages;
  }
}

async function api(method, path, body) {
  const options = { method, headers: { Accept: "application/json" } };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!response.ok) {
    const messages = (data && data.errors) || [`${response.status} ${response.statusText}`];
    throw new ApiError(response.status, messages);
  }
  return data;
}

function showErrors(box, error) {
  if (!box) return;
  box.replaceChildren();
  const messages = error instanceof ApiError ? error.messages : [String(error)];
  const list = document.createElement("ul");
  for (const message of messages) {
    const item = document.createElement("li");
    item.textContent = message;
    list.append(item);
  }
  box.append(list);
  box.focus?.();
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function toast(text) {
  const box = $("#toast");
  if (!box) return;
  box.textContent = text;
  box.classList.add("show");
  setTimeout(() => box.classList.remove("show"), 3000);
}

const num = (value, digits = 2) =>
  value === null || value === undefined ? "–" :
  Number(value).toLocaleString("en", { maximumFractionDigits: digits });

async function waitForJob(id) {
  for (;;) {
    const job = await api("GET", `/api/jobs/${id}`);
    if (!["queued", "running"].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---- instances: upload, demo -----------------------------------------------------

function setUpUpload() {
  const form = $("#upload-form");
  if (!form) return;
  const input = $("#upload-files");
  const errors = $("#upload-errors");
  const send = async (files) => {
    const data = new FormData();
    for (const file of files) data.append("files", file, file.name);
    try {
      const made = await api("POST", "/api/instances", data);
      location.href = `/instances/${made.id}`;
    } catch (error) { showErrors(errors, error); }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.files.length) send(input.files);
    else showErrors(errors, "choose the instance file (and its CSV files) first");
  });
  form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("over"); });
  form.addEventListener("dragleave", () => form.classList.remove("over"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("over");
    send(event.dataTransfer.files);
  });
  const demo = $("#load-demo");
  if (demo) demo.addEventListener("click", async () => {
    demo.disabled = true;
    try {
      const made = await api("POST", "/api/demo");
      location.href = `/instances/${made.id}`;
    } catch (error) { showErrors(errors, error); demo.disabled = false; }
  });
}

// ---- an instance: solve, check, what-if ------------------------------------------

function setUpRun() {
  const form = $("#run-form");
  if (form) form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = event.submitter ? event.submitter.value : "solve";
    const body = {
      time_limit: Number($("#time-limit").value),
      workers: Number($("#workers").value || 0),
      seed: Number($("#seed").value || 0),
    };
    const work = $("#deterministic-time").value;
    if (work) body.deterministic_time = Number(work);
    if (kind === "check" && $("#fix-time-limit").value) body.fix_time_limit = Number($("#fix-time-limit").value);
    try {
      const job = await api("POST", `/api/versions/${form.dataset.version}/${kind}`, body);
      location.href = `/jobs/${job.id}`;
    } catch (error) { showErrors($("#run-errors"), error); }
  });
  const whatif = $("#whatif-form");
  if (!whatif) return;
  $("#scenarios-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) $("#scenarios").value = await file.text();
  });
  whatif.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { scenarios: $("#scenarios").value, time_limit: Number($("#whatif-time").value) };
    if ($("#whatif-work").value) body.deterministic_time = Number($("#whatif-work").value);
    try {
      const job = await api("POST", `/api/versions/${whatif.dataset.version}/whatif`, body);
      location.href = `/jobs/${job.id}`;
    } catch (error) { showErrors($("#whatif-errors"), error); }
  });
}

// ---- a job: live progress, stop ---------------------------------------------------

function setUpJob() {
  const card = $("#job");
  if (!card) return;
  const id = card.dataset.job;
  const stop = $("#stop-job");
  if (stop) stop.addEventListener("click", async () => {
    stop.disabled = true;
    try { await api("DELETE", `/api/jobs/${id}`); toast("stopping: the best roster is kept"); }
    catch (error) { toast(error.message); }
  });
  if (!["queued", "running"].includes(card.dataset.state)) return;
  let chartAsked = false;
  const redraw = async () => {
    if (chartAsked) return;
    chartAsked = true;
    const response = await fetch(`/jobs/${id}/chart`);
    $("#job-chart").innerHTML = await response.text();
    chartAsked = false;
  };
  const state = $("#job-state");
  const events = new EventSource(`/api/jobs/${id}/events`);
  events.addEventListener("open", () => { if (state.textContent === "queued") state.textContent = "running"; });
  events.addEventListener("progress", (event) => {
    const figures = JSON.parse(event.data);
    state.textContent = "running";
    $("#fig-objective").textContent = num(figures.objective);
    $("#fig-bound").textContent = num(figures.bound);
    $("#fig-gap").textContent = figures.gap === null ? "–" : `${(figures.gap * 100).toFixed(2)}%`;
    $("#fig-seconds").textContent = figures.seconds;
    if (figures.source !== "bound") $("#fig-source").textContent = figures.source;  // who found the roster
    card.dataset.events = String(Number(card.dataset.events || 0) + 1);
    redraw();
  });
  events.addEventListener("stage", (event) => {
    state.textContent = "running";
    $("#job-stage").textContent = JSON.parse(event.data).stage;
  });
  events.addEventListener("end", (event) => {
    events.close();
    const job = JSON.parse(event.data);
    state.textContent = job.state;
    card.dataset.state = job.state;
    $("#job-reason").textContent = job.reason || "";
    if (stop) stop.hidden = true;
    // the page again, with what the command printed and the result
    setTimeout(() => location.reload(), 300);
  });
}

// ---- a roster: cells, edits, cover, fixes, replan, publish, feeds ----------------

function pageData() {
  const node = $("#page-data");
  return node ? JSON.parse(node.textContent) : null;
}

function fillSelect(select, options, chosen) {
  select.replaceChildren(...options.map(([value, label]) =>
    el("option", { value, selected: value === chosen ? "selected" : null, text: label })));
}

// goals whose rise is demand uncovered or work late (scheduler.outputs.report.SHORTFALL_GOALS)
const SHORTFALL_GOALS = ["uncovered", "uncovered_intervals", "late_items", "unfinished_items"];

function goalDeltas(result) {
  const changed = (result.goals || []).filter((g) => g.before !== g.after);
  const list = el("ul", { class: "deltas" });
  for (const goal of changed)
    list.append(el("li", { text: `${goal.label}: ${num(goal.before)} → ${num(goal.after)} ${goal.unit}` }));
  if (!changed.length) list.append(el("li", { text: "no goal changes" }));
  return list;
}

function setUpRoster() {
  const data = pageData();
  if (!data) return;
  const panel = $("#cell-panel");
  const wrap = $(".grid-and-panel");
  const names = Object.fromEntries(data.people.map((p) => [p.id, p.name]));
  let selected = null;

  const close = () => {
    panel.hidden = true;
    wrap.classList.remove("open");
    if (selected) {
      selected.classList.remove("selected");
      selected.focus();  // back to the cell the panel was opened from
    }
  };
  $("#cell-close").addEventListener("click", close);
  panel.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });

  const verdictBox = $("#cell-verdict");
  async function tryThen(edits, apply = true) {
    verdictBox.replaceChildren(el("p", { class: "muted", text: "checking…" }));
    try {
      const result = await api("POST", `/api/results/${data.result}/try`, { edits });
      const fine = result.feasible;
      // the rules hold, but demand or deadlines are missed that were met: say so first
      const worse = (result.goals || []).filter((g) => SHORTFALL_GOALS.includes(g.name) && g.after > g.before);
      const short = worse.map((g) => `${g.label} ${num(g.before)} → ${num(g.after)}`).join(", ");
      const head = el("p", { class: !fine ? "verdict-bad" : worse.length ? "verdict-warn" : "verdict-ok",
        text: !fine ? `Breaks ${result.new_violations.length || result.violations.length} hard rule(s):` :
          worse.length ? `Every hard rule holds, but this leaves a shortfall: ${short}.` :
          "Every hard rule holds after this change." });
      const broken = el("ul");
      for (const v of (result.new_violations.length ? result.new_violations : result.violations))
        broken.append(el("li", { text: `${v.person ? `${names[v.person] || v.person} (${v.person})` : ""} ${v.date || ""} [${v.rule}] ${v.message}` }));
      const change = el("p", { text: `Objective ${num(result.objective_before)} → ${num(result.objective_after)} (${result.objective_change >= 0 ? "+" : ""}${num(result.objective_change)})` });
      const parts = [head];
      if (!fine) parts.push(broken);
      parts.push(change, goalDeltas(result));
      if (apply) {
        const button = el("button", { type: "button", class: fine && !worse.length ? "" : "secondary", text: fine ? "Apply" : "Apply anyway" });
        button.addEventListener("click", async () => {
          try {
            const made = await api("POST", `/api/results/${data.result}/apply`, { edits, force: !fine });
            sessionStorage.setItem("roster-said", `Applied: ${edits.join("; ")}. This is the new roster; the edit is kept as a pin.`);
            location.href = `/results/${made.id}`;
          } catch (error) { showErrors(verdictBox, error); }
        });
        parts.push(button);
      }
      verdictBox.replaceChildren(...parts);
    } catch (error) { showErrors(verdictBox, error); }
  }

  async function cover(body) {
    const box = $("#cell-cover");
    box.replaceChildren(el("p", { class: "muted", text: "finding who can cover…" }));
    try {
      const job = await api("POST", `/api/results/${data.result}/cover`, body);
      const ended = await waitForJob(job.id);
      const text = await (await fetch(`/api/jobs/${ended.id}/output`)).text();
      if (ended.state !== "done") throw new ApiError(0, [ended.reason || text]);
      const answers = JSON.parse(text);
      const parts = [];
      if (!answers.length) parts.push(el("p", { text: "No shift of theirs then: nothing to cover." }));
      for (const answer of answers) {
        parts.push(el("h3", { text: `Cover ${answer.what}` }));
        if (answer.note) parts.push(el("p", { class: "muted", text: answer.note }));
        if (!answer.candidates.length) parts.push(el("p", { text: "Nobody can take it without breaking a hard rule." }));
        const list = el("ol", { class: "candidates" });
        for (const candidate of answer.candidates) {
          const edits = candidate.edits.map(editWords);
          // the reason starts with the person's id: show their name with it
          const reason = candidate.reason.replace(/^([^:\s]+):/, (whole, id) => (names[id] ? `${names[id]} (${id}):` : whole));
          const who = reason.split(":")[0];
          const item = el("li", {},
            el("span", { text: `${reason} (objective ${candidate.objective_change >= 0 ? "+" : ""}${num(candidate.objective_change)}) ` }),
            el("button", { type: "button", class: "secondary", text: "Try", "aria-label": `Try ${who} on it`, onclick: () => tryThen(edits) }));
          list.append(item);
        }
        parts.push(list);
      }
      box.replaceChildren(...parts);
    } catch (error) { showErrors(box, error); }
  }

  function editWords(edit) {
    if (edit.kind === "assign") return `assign ${edit.person} ${edit.date} ${edit.shift} ${edit.activity}`;
    if (edit.kind === "unassign") return `unassign ${edit.person} ${edit.date} ${edit.shift}`;
    if (edit.kind === "swap") return `swap ${edit.person} ${edit.other} ${edit.date}`;
    if (edit.kind === "move") return `move ${edit.person} ${edit.date} ${edit.shift} --to ${edit.to_date} ${edit.to_shift}`;
    if (edit.kind === "items") return `items ${edit.person} ${edit.date} ${edit.batch} ${edit.items}`;
    if (edit.kind === "out") return `out ${edit.person} ${edit.date}`;
    return "";
  }

  async function open(cell, slot) {
    if (selected) selected.classList.remove("selected");
    selected = slot || cell;
    selected.classList.add("selected");
    const person = cell.closest("tr").dataset.person;
    const date = cell.dataset.date;
    const shift = slot ? slot.dataset.shift : null;
    panel.hidden = false;
    wrap.classList.add("open");
    $("#cell-title").textContent = `${names[person] || person} · ${date}`;
    verdictBox.replaceChildren();
    $("#cell-cover").replaceChildren();
    const rowsBox = $("#cell-rows");
    rowsBox.replaceChildren(el("p", { class: "muted", text: "loading…" }));
    const got = await api("GET", `/api/results/${data.result}/roster?person=${encodeURIComponent(person)}&date=${date}`);
    const list = el("ul");
    for (const row of got.rows)
      list.append(el("li", { text: `${row.shift} ${row.start.slice(11)}–${row.end.slice(11)}: ${row.activity}${row.batch ? ` ${row.batch} ${row.items} items` : ""}, ${row.hours} h${row.hard === "yes" ? ", hard" : ""}` }));
    rowsBox.replaceChildren(got.rows.length ? list : el("p", { class: "muted", text: cell.classList.contains("off") ? "unavailable or a day off" : "free" }));
    const actions = $("#cell-actions");
    actions.replaceChildren();
    // out that day (a sick call, leave): off all of it, a shift the instance fixes then
    // released, and kept off it by later solves
    const outButton = () => el("button", { type: "button", class: "secondary", text: "Out this day", "aria-label": `${names[person] || person} out on ${date}`, onclick: () => tryThen([`out ${person} ${date}`]) });
    const others = data.people.filter((p) => p.id !== person).map((p) => [p.id, `${p.name} (${p.id})`]);
    if (shift) {
      const activity = got.rows.find((r) => r.shift === shift)?.activity;
      actions.append(
        el("button", { type: "button", text: "Unassign", onclick: () => tryThen([`unassign ${person} ${date} ${shift}`]) }), " ",
        outButton(), " ",
        // a sick call: this person out that day, and who takes their shift in their place
        el("button", { type: "button", class: "secondary", text: "Who can cover", "aria-label": `Who can cover for ${names[person] || person} on ${date}`, onclick: () =>
          cover({ person, from: date, to: date }) }));
      const swapSelect = el("select", { id: "swap-with" });
      fillSelect(swapSelect, others);
      const swap = el("form", {}, el("label", { for: "swap-with", text: "Swap the day with" }), swapSelect,
        el("button", { type: "submit", class: "secondary", text: "Try the swap" }));
      swap.addEventListener("submit", (event) => { event.preventDefault(); tryThen([`swap ${person} ${swapSelect.value} ${date}`]); });
      actions.append(swap);
    } else if (!cell.classList.contains("off")) {
      const shiftSelect = el("select", { id: "assign-shift" });
      fillSelect(shiftSelect, data.shifts.map((s) => [s, s]));
      const activitySelect = el("select", { id: "assign-activity" });
      fillSelect(activitySelect, data.activities.map((a) => [a, a]));
      const assign = el("form", {}, el("label", { for: "assign-shift", text: "Assign the shift" }), shiftSelect,
        el("label", { for: "assign-activity", text: "on" }), activitySelect,
        el("button", { type: "submit", text: "Try it" }));
      assign.addEventListener("submit", (event) => {
        event.preventDefault();
        tryThen([`assign ${person} ${date} ${shiftSelect.value} ${activitySelect.value}`]);
      });
      actions.append(assign,
        outButton());
    }
    panel.focus();
  }

  const grid = $("#grid");
  const tools = $("#grid .grid-tools");
  if (tools) {
    const body = $("#grid tbody");
    const original = $$("tr", body);
    const hours = (tr) => parseFloat(tr.lastElementChild.textContent.replace(/,/g, "")) || 0;
    const hard = (tr) => $$(".slot.hard", tr).length;
    const orders = {
      instance: () => original,
      name: () => [...original].sort((a, b) => a.dataset.name.localeCompare(b.dataset.name)),
      hours: () => [...original].sort((a, b) => hours(b) - hours(a)),
      hard: () => [...original].sort((a, b) => hard(b) - hard(a) || hours(b) - hours(a)),
    };
    const sort = el("select", { id: "grid-sort" },
      el("option", { value: "instance", text: "as in the instance" }),
      el("option", { value: "name", text: "by name" }),
      el("option", { value: "hours", text: "by hours, most first" }),
      el("option", { value: "hard", text: "by hard shifts, most first" }));
    sort.addEventListener("change", () => body.append(...orders[sort.value]()));
    tools.append(el("span", { class: "grid-sort" }, el("label", { for: "grid-sort", text: "Sort" }), sort));
  }
  if (grid) {
    const activate = (event) => {
      const slot = event.target.closest(".slot");
      const cell = event.target.closest("td[data-date]");
      if (cell) open(cell, slot);
    };
    grid.addEventListener("click", activate);

    // the grid is one tab stop, as a grid should be on 300 people: Tab enters at the cell
    // last visited, the arrow keys move (left and right along a row's shifts and days, up
    // and down to the same day of the row shown above or below), Home and End to a row's
    // first and last, Enter or Space opens the cell
    const stops = (tr) => $$("[tabindex]", tr);
    const stopsIn = $$("tbody [tabindex]", grid);
    let current = stopsIn[0] || null;
    for (const stop of stopsIn) stop.setAttribute("tabindex", stop === current ? "0" : "-1");
    const mark = (target) => {
      if (!target || target === current) return;
      current?.setAttribute("tabindex", "-1");
      target.setAttribute("tabindex", "0");
      current = target;
    };
    const moveTo = (target) => { if (target) { mark(target); target.focus(); } };
    grid.addEventListener("focusin", (event) => mark(event.target.closest("tbody [tabindex]")));
    // a filter that hides the row of the grid's tab stop moves it to the first row shown
    $("#grid-filter")?.addEventListener("input", () => setTimeout(() => {
      if (current && current.closest("tr").hidden) {
        const first = $$("tbody tr", grid).find((tr) => !tr.hidden);
        if (first) mark(stops(first)[0]);
      }
    }));
    const sameDayIn = (tr, date) => {
      const cell = tr && $(`td[data-date='${date}']`, tr);
      return cell && (cell.matches("[tabindex]") ? cell : $("[tabindex]", cell));
    };
    grid.addEventListener("keydown", (event) => {
      const at = event.target.closest("tbody [tabindex]");
      if (!at) return;  // the filter and the sort keep their own keys
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); activate(event); return; }
      const tr = at.closest("tr");
      const row = stops(tr);
      const date = at.closest("td[data-date]").dataset.date;
      const shown = $$("tbody tr", grid).filter((r) => !r.hidden && stops(r).length);
      const moves = {
        ArrowLeft: () => row[row.indexOf(at) - 1],
        ArrowRight: () => row[row.indexOf(at) + 1],
        Home: () => row[0],
        End: () => row[row.length - 1],
        ArrowUp: () => sameDayIn(shown[shown.indexOf(tr) - 1], date),
        ArrowDown: () => sameDayIn(shown[shown.indexOf(tr) + 1], date),
      };
      if (!(event.key in moves)) return;
      event.preventDefault();
      moveTo(moves[event.key]());
    });
  }

  // publish, feeds, replan
  $("#publish")?.addEventListener("click", async () => {
    // a roster that breaks hard rules is published only when the user says so
    const force = data.broken > 0;
    if (force && !confirm(`This roster breaks ${data.broken} hard rule(s) (see the verdict). Publish it anyway? The calendar feeds will serve it.`)) return;
    // a week another instance published for the same people is replaced only when the
    // user says so, told whose it is
    const replace = data.replaces.length > 0;
    const whose = data.replaces.map((r) => `the week of ${r.week} published by ${r.owner} (${r.people} of the same people)`).join("; ");
    if (replace && !confirm(`Publishing this roster of ${data.owner} replaces ${whose} in their calendar feeds. Replace it?`)) return;
    const flags = [force ? "force=true" : "", replace ? "replace=true" : ""].filter(Boolean).join("&");
    try {
      const done = await api("POST", `/api/results/${data.result}/publish${flags ? `?${flags}` : ""}`);
      sessionStorage.setItem("roster-said", `Published for the week of ${done.week}: the calendar feeds serve it now.`);
      location.reload();
    } catch (error) { toast(error.message); }
  });
  const feedPerson = $("#feed-person");
  if (feedPerson) {
    feedPerson.append(...data.people.map((p) => el("option", { value: p.id, text: `${p.name} (${p.id})` })));
    $("#feed-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const feed = await api("POST", "/api/feeds", { person: feedPerson.value || null });
        const link = $("#feed-link");
        link.replaceChildren("Subscribe in a calendar app (shown once): ", el("a", { href: feed.url, text: feed.url }));
      } catch (error) { toast(error.message); }
    });
  }
  const replan = $("#replan-form");
  if (replan) {
    fillSelect($("#replan-person"), data.people.map((p) => [p.id, `${p.name} (${p.id})`]));
    fillSelect($("#replan-from"), data.dates.map((d) => [d, d]));
    replan.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { from: $("#replan-from").value, unavailable: [{ person: $("#replan-person").value }] };
      try {
        const job = await api("POST", `/api/results/${data.result}/replan`, body);
        location.href = `/jobs/${job.id}`;
      } catch (error) { showErrors($("#replan-errors"), error); }
    });
  }

  // check: apply a fix as a new version, and check that version again
  for (const button of $$(".apply-fix")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const check = await api("GET", `/api/results/${data.result}/check`);
        const fix = check.fixes[Number(button.dataset.fix)];
        const version = await api("POST", `/api/instances/${data.instance}/versions`,
          { patch: fix.changes, base: data.version, note: `fix: ${fix.sentence}` });
        // checked again with the search options of the check it came from
        const job = await api("POST", `/api/versions/${version.id}/check`, { time_limit: 30, ...data.search });
        sessionStorage.setItem("roster-said", `Made version ${version.number} with the fix; checking it again.`);
        location.href = `/jobs/${job.id}`;
      } catch (error) { button.disabled = false; toast(error.message); }
    });
  }
}

// what the page before a reload or a move had to say (published, applied), said here
const said = sessionStorage.getItem("roster-said");
if (said) { sessionStorage.removeItem("roster-said"); toast(said); }
setUpUpload();
setUpRun();
setUpJob();
setUpRoster();
