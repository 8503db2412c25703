// The search: every word typed must occur in a card's data-search (its names, text, sites,
// distributions, plates and source); the query lives in the address as #search=…
const box = document.getElementById("filter");
const cards = Array.from(document.querySelectorAll("article.card"));
const noMatch = document.getElementById("no-match");
const shown = document.getElementById("shown");

function search(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let count = 0;
  for (const card of cards) {
    const hit = words.every((w) => card.dataset.search.includes(w));
    card.hidden = !hit;
    count += hit ? 1 : 0;
  }
  noMatch.hidden = count > 0 || cards.length === 0;
  document.getElementById("no-match-query").textContent = query.trim();
  shown.textContent = words.length ? `${count} of ${cards.length} shown` : "";
}

function fromAddress() {
  const found = /^#search=(.*)$/.exec(location.hash);
  if (found) {
    box.value = decodeURIComponent(found[1]);
    search(box.value);
  }
}

box.addEventListener("input", () => {
  search(box.value);
  history.replaceState(null, "", box.value ? "#search=" + encodeURIComponent(box.value)
                                          : location.pathname + location.search);
});
window.addEventListener("hashchange", fromAddress);
fromAddress();
