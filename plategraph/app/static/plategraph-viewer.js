// plategraph's full-size view of diagrams, shared by the gallery page and plategraph.sphinx:
// a diagram opens in a dialog at its own size, scrolled there and zoomed with the buttons or
// ctrl + wheel. Gallery figures open from their `a.zoomable` links; each inline diagram of the
// docs wider than its column gets a "full size" button.
(() => {
  let dialog = null;
  let shown = null;
  let natural = [0, 0];
  let zoom = 1;

  function make() {
    dialog = document.createElement("dialog");
    dialog.id = "pg-viewer";
    dialog.setAttribute("aria-label", "full-size diagram");
    dialog.innerHTML =
      '<div class="pg-viewer-bar"><span id="pg-viewer-title"></span>' +
      '<button type="button" data-zoom="out" aria-label="zoom out">\u2212</button>' +
      '<button type="button" data-zoom="fit">fit</button>' +
      '<button type="button" data-zoom="one">100%</button>' +
      '<button type="button" data-zoom="in" aria-label="zoom in">+</button>' +
      '<span id="pg-viewer-zoom"></span>' +
      '<button type="button" data-zoom="close" aria-label="close">\u2715</button></div>' +
      '<div class="pg-viewer-scroll"></div>';
    document.body.appendChild(dialog);
    dialog.addEventListener("click", (event) => {
      const action = event.target.dataset && event.target.dataset.zoom;
      if (action === "in") setZoom(zoom * 1.25);
      else if (action === "out") setZoom(zoom / 1.25);
      else if (action === "one") setZoom(1);
      else if (action === "fit") fit();
      else if (action === "close" || event.target === dialog) dialog.close();
    });
    dialog.addEventListener("wheel", (event) => {
      if (!event.ctrlKey) return;  // ctrl + wheel, and a trackpad's pinch
      event.preventDefault();
      setZoom(zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
    }, { passive: false });
  }

  function setZoom(value) {
    zoom = Math.min(8, Math.max(0.05, value));
    shown.style.width = `${natural[0] * zoom}px`;
    shown.style.height = `${natural[1] * zoom}px`;
    document.getElementById("pg-viewer-zoom").textContent = `${Math.round(zoom * 100)}%`;
  }

  function fit() {
    const area = dialog.querySelector(".pg-viewer-scroll");
    setZoom(Math.min(1, area.clientWidth / natural[0], area.clientHeight / natural[1]));
  }

  // Open an <img> or an inline <svg> at its own size.
  function open(element, title) {
    if (dialog === null) make();
    shown = element.cloneNode(true);
    shown.classList.add("pg-viewer-content");
    shown.removeAttribute("loading");
    natural = element.tagName.toLowerCase() === "img"
      ? [element.naturalWidth || element.width, element.naturalHeight || element.height]
      : [element.width.baseVal.value, element.height.baseVal.value];
    dialog.querySelector(".pg-viewer-scroll").replaceChildren(shown);
    document.getElementById("pg-viewer-title").textContent = title;
    dialog.showModal();
    setZoom(1);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.zoomable");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const image = link.closest("figure").querySelector("img");
    open(image, image.alt);
  });

  function addButtons() {
    for (const box of document.querySelectorAll(".plategraph-diagram")) {
      const svg = box.querySelector("svg");
      if (!svg || box.nextElementSibling?.classList.contains("pg-full-size")) continue;
      if (svg.width.baseVal.value <= box.clientWidth) continue;  // shown whole already
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pg-full-size";
      button.textContent = "full size";
      button.addEventListener("click", () => open(svg, svg.getAttribute("aria-label") || ""));
      box.after(button);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButtons);
  else addButtons();
})();
