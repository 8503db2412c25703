// Mermaid's own parser over plategraph's Mermaid text (tests/export/test_mermaid.py).
// Run with the working directory build/mermaid (where `make` installs ci/mermaid/package.json):
//   node --input-type=module -e "$(cat ci/mermaid/parse.mjs)" texts.json
// texts.json holds a JSON list of flowcharts; prints a JSON list with, for each, either
// {"error": message} or what Mermaid read: vertices (id, label with Mermaid's entities decoded
// as its renderer decodes them, shape), subgraphs (id, title, node ids) and edges (start, end,
// stroke). Mermaid needs a DOM (DOMPurify): jsdom gives it one.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

// Mermaid keeps `#name;` / `#35;` as these markers at parse time; its renderer turns them into
// HTML entities, which the browser reads: so does jsdom here
function decode(text) {
  const entities = text.replace(/ﬂ°°(\d+)¶ß/g, "&#$1;").replace(/ﬂ°(\w+)¶ß/g, "&$1;");
  const element = dom.window.document.createElement("textarea");
  element.innerHTML = entities;
  return element.value;
}

const texts = JSON.parse(readFileSync(process.argv[1], "utf8"));
const results = [];
for (const text of texts) {
  try {
    await mermaid.parse(text);
    const db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
    results.push({
      vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text), type: v.type })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: s.nodes })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, stroke: e.stroke })),
    });
  } catch (err) {
    results.push({ error: String(err.message || err) });
  }
}
process.stdout.write(JSON.stringify(results));
