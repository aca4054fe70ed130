// The claim checklist under an estimate (and on its printed page): the guide items of the
// topics in site/builder/guides.py CHECKLIST_TOPICS (documents to bring, the itemised
// statement, where to claim, deadlines) of the estimate's region and every region above it,
// nearest first, each with its sources.

import { el, replaceWith } from "./dom.js";

export function renderChecklist(container, result, data) {
  const J = data.labels.js;
  const names = Object.fromEntries(data.regions.map((r) => [r.id, r.name[data.lang]]));
  const chain = result.policy.chain.filter((id) => names[id]); // an inline policy has no guide
  const byTopic = new Map();
  for (const id of chain) {
    for (const item of data.checklist[id] || []) {
      if (!byTopic.has(item.topic)) byTopic.set(item.topic, []);
      byTopic.get(item.topic).push({ ...item, region: id });
    }
  }
  const source = (id) => {
    const s = data.checklist_sources[id] || { title: id };
    return s.url && /^https?:\/\//.test(s.url) ? el("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, s.title) : s.title;
  };
  const [open, sep, close] = data.lang === "zh" ? ["（", "；", "）"] : [" (", "; ", ")"];
  const order = data.checklist_topics; // what to bring, what to ask for, where to claim, by when
  const topics = [...byTopic.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([topic, items]) => el("div", { class: "yb-check-topic", "data-topic": topic },
    el("h4", {}, data.labels.topic[topic] || topic),
    el("ul", {}, items.map((item) => el("li", { "data-region": item.region },
      item.text, " ", el("span", { class: "yb-check-src" }, `${open}${names[item.region]}${sep}`, item.sources.flatMap((s, i) => [i ? "; " : "", source(s)]), close))))));

  replaceWith(container,
    el("h3", { id: "yb-checklist-title" }, J.checklist),
    el("p", { class: "yb-check-intro" }, J.checklist_intro, " ", chain.map((id) => names[id]).join(data.lang === "zh" ? "、" : ", ")),
    topics.length ? el("div", { class: "yb-check-topics" }, topics) : el("p", {}, J.checklist_none),
    el("p", { class: "yb-printed-on" }, J.printed_on),
  );
  container.hidden = false;
}
