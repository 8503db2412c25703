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

// The full-size view: a figure opens in a dialog at its own size, scrolled and zoomed there.
const viewer = document.getElementById("viewer");
const image = document.getElementById("viewer-img");
let zoom = 1;
let natural = [0, 0];

function setZoom(value) {
  zoom = Math.min(8, Math.max(0.05, value));
  image.style.width = `${natural[0] * zoom}px`;
  image.style.height = `${natural[1] * zoom}px`;
  document.getElementById("viewer-zoom").textContent = `${Math.round(zoom * 100)}%`;
}

function fit() {
  const area = viewer.querySelector(".viewer-scroll");
  setZoom(Math.min(1, area.clientWidth / natural[0], area.clientHeight / natural[1]));
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a.zoomable");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const thumb = link.closest("figure").querySelector("img");
  natural = [thumb.naturalWidth || thumb.width, thumb.naturalHeight || thumb.height];
  image.src = link.href;
  image.alt = thumb.alt;
  document.getElementById("viewer-title").textContent = thumb.alt;
  document.getElementById("viewer-file").href = link.href;
  viewer.showModal();
  setZoom(1);
});

viewer.addEventListener("click", (event) => {
  const action = event.target.dataset && event.target.dataset.zoom;
  if (action === "in") setZoom(zoom * 1.25);
  else if (action === "out") setZoom(zoom / 1.25);
  else if (action === "one") setZoom(1);
  else if (action === "fit") fit();
  else if (action === "close" || event.target === viewer) viewer.close();
});
viewer.addEventListener("wheel", (event) => {
  if (!event.ctrlKey) return;  // ctrl + wheel (and a trackpad's pinch) zooms
  event.preventDefault();
  setZoom(zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
}, { passive: false });
