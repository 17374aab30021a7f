"""Links on a map lead only to http(s) addresses, whatever SQL produced them.

datasette-cluster-map builds a marker's popup from a `popup` JSON column and
escapes its text, but puts `popup.link` into href as given: a query (anyone can
write one and send its URL to someone) returning `javascript:...` there would run
script on the archive's origin when the link is clicked. On every page, this
script removes the href of any link inside a map (`.leaflet-container`, popups
included) whose address is not http(s), as soon as the map inserts it, and
cancels a click on one. The link's text stays, with a title saying why it is
not a link. Content-Security-Policy could block `javascript:` URLs too, but only
without 'unsafe-inline', which Datasette's own inline scripts need.
"""

from datasette import hookimpl

SCRIPT = """
(() => {
  const LINKS = "a[href], area[href]";
  const unsafe = (link) => {
    if (!link.closest(".leaflet-container")) return false;
    try {
      return !["http:", "https:"].includes(new URL(link.getAttribute("href"), document.baseURI).protocol);
    } catch (error) {
      return true;
    }
  };
  const neutralise = (node) => {
    if (!(node instanceof Element)) return;
    const links = [...node.querySelectorAll(LINKS)];
    if (node.matches(LINKS)) links.push(node);
    for (const link of links) {
      if (unsafe(link)) {
        link.removeAttribute("href");
        link.setAttribute("title", "Not a web address: link removed");
        link.classList.add("unsafe-link-removed");
      }
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") neutralise(record.target);
      else record.addedNodes.forEach(neutralise);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["href"]});
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest(LINKS);
    if (link && unsafe(link)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      neutralise(link);
    }
  }, true);
})();
"""


@hookimpl
def extra_body_script():
    return SCRIPT
