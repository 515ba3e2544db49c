"""The quality gates that need a real browser: accessibility, keyboard, targets, a clean console.

Every page is opened once, in one browser context that keeps the site's
Content-Security-Policy in force. axe-core is added to each page as an init
script, through the DevTools protocol: it runs before the page's own code,
the CSP does not apply to it, and so the same visit can check both that the
page is accessible and that the browser blocked nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Request, Response
from playwright.sync_api import Page as BrowserPage

from tests.crawler import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2, levels A and AA (axe has no rule of its own for 2.2's new level A).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORT = {"width": 1280, "height": 900}

# CSP violations are also console errors in chromium; this records them with their directive.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""

#: What a visitor can click, tap or focus.
TARGETS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[role=button], [role=link], [tabindex]:not([tabindex='-1'])"
)


def new_context(browser: Browser, **options: object) -> BrowserContext:
    """A context with axe-core and the CSP watch in every page, the CSP itself untouched."""
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run `npm ci` (scripts/test does)")
    context = browser.new_context(viewport=VIEWPORT, **options)
    context.add_init_script(script=AXE_SCRIPT.read_text(encoding="utf-8"))
    context.add_init_script(script=CSP_WATCH)
    return context


@dataclass
class Watch:
    """Everything that went wrong in the browser while a page loaded."""

    page: BrowserPage
    origin: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.host = urlsplit(self.origin).netloc
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("request", self._request)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.problems.append(f"a request to another host: {request.url}")

    def _failed(self, request: Request) -> None:
        self.problems.append(f"a failed request: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.url} answered {response.status}")

    def open(self, url: str) -> list[str]:
        """Load ``url`` (a path) and return what went wrong in the browser, CSP violations included."""
        self.problems = []
        self.page.goto(self.origin + url, wait_until="load")
        return self.finish()

    def finish(self) -> list[str]:
        violations = self.page.evaluate("() => window.__cspViolations || []")
        return [*self.problems, *(f"CSP violation: {v}" for v in violations)]


def axe_problems(page: BrowserPage) -> list[str]:
    """axe-core's WCAG 2.x A and AA violations on the loaded page."""
    violations = page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                  resultTypes: ["violations"]});
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
          }));
        }""",
        AXE_TAGS,
    )
    return [f"axe {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['nodes'])}" for v in violations]


# A link that flows inside a sentence is exempt from the 24×24 px minimum
# (WCAG 2.2, 2.5.8 "Inline"): its height is set by the line of text around
# it, and making it taller would break the paragraph. The exemption applies
# to a link that is displayed inline and shares a line with words that are
# not a target. A link alone in a cell, a list item or a paragraph, or one
# above a line of other text, has no sentence to flow in: it must be big
# enough itself.
TARGET_SIZE_SCRIPT = """
(selector) => {
  const targets = [...document.querySelectorAll(selector)];
  const block = (el) => {
    let node = el.parentElement;
    while (node && ["inline", "contents"].includes(getComputedStyle(node).display)) node = node.parentElement;
    return node || document.body;
  };
  const sameLine = (a, b) => Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > Math.min(a.height, b.height) / 2;
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const boxes = [...el.getClientRects()];
    const walker = document.createTreeWalker(block(el), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode;
      if (text.parentElement.closest(selector) || !/[\\p{L}\\p{N}]/u.test(text.data)) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const line of range.getClientRects()) if (boxes.some((box) => sameLine(line, box))) return true;
    }
    return false;
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? " id=" + el.id : ""}> "${text}"`;
  };
  const small = [];
  for (const el of targets) {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // Placed off screen until focused (the skip link): measured when the keys check focuses it.
    if (box.bottom <= 0 || box.right <= 0) continue;
    if (box.width >= 24 && box.height >= 24) continue;
    if (inSentence(el)) continue;
    small.push(`${name(el)} is ${Math.round(box.width * 10) / 10}×${Math.round(box.height * 10) / 10} px`);
  }
  return small;
}
"""


def target_problems(page: BrowserPage) -> list[str]:
    """Targets smaller than 24×24 CSS pixels, except links inside a sentence."""
    return [f"target smaller than 24×24: {text}" for text in page.evaluate(TARGET_SIZE_SCRIPT, TARGETS)]


FOCUS_SCRIPT = """
(selector) => {
  const style = (el) => {
    const s = getComputedStyle(el);
    return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, ring: s.outlineStyle !== "none"
            && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow};
  };
  const missing = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.disabled) continue;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none" || !el.getClientRects().length) continue;
    el.blur();
    const before = style(el);
    el.focus();
    if (document.activeElement !== el) continue;
    const after = style(el);
    const visible = (after.ring || after.shadow !== "none")
                    && (after.outline !== before.outline || after.shadow !== before.shadow);
    if (!visible) {
      const text = (el.innerText || el.value || "").trim().slice(0, 40);
      missing.push(`<${el.tagName.toLowerCase()}> "${text}"`);
    }
  }
  return missing;
}
"""

SKIP_LINK_SCRIPT = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {ok: false, what: "nothing"};
  const what = `<${el.tagName.toLowerCase()}> "${(el.innerText || "").trim().slice(0, 40)}"`;
  const href = el.getAttribute("href") || "";
  const target = href.startsWith("#") && href.length > 1 ? document.getElementById(href.slice(1)) : null;
  const box = el.getBoundingClientRect();
  const shown = box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
                && box.bottom <= innerHeight && box.right <= innerWidth;
  return {ok: el.tagName === "A" && !!target && shown && !!el.innerText.trim(), what, shown,
          size: [box.width, box.height]};
}
"""


def keyboard_problems(page: BrowserPage) -> list[str]:
    """The first Tab reaches a visible skip link; every focusable element shows a focus ring.

    Call it on a freshly loaded page, before anything has been focused.
    """
    problems = []
    page.keyboard.press("Tab")  # from a keyboard, so that :focus-visible applies from now on
    first = page.evaluate(SKIP_LINK_SCRIPT)
    if not first["ok"]:
        problems.append(f"the first Tab reaches {first['what']}, not a visible skip link to the content")
    elif min(first["size"]) < 24:
        problems.append(f"the skip link is {first['size'][0]:.0f}×{first['size'][1]:.0f} px, under 24×24")
    problems += [f"no visible focus ring on {what}" for what in page.evaluate(FOCUS_SCRIPT, TARGETS)]
    return problems


FORM_SCRIPT = """
() => {
  const problems = [];
  const fields = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),"
    + " select, textarea");
  const text = (ids) => (ids || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean)
    .map((el) => el.textContent.trim()).join(" ");
  // An error may be tied to its field, or to the fieldset or group that holds a set of choices.
  const described = new Set();
  for (const holder of document.querySelectorAll("fieldset[aria-describedby], [role=group][aria-describedby], "
                                                 + "[role=radiogroup][aria-describedby]")) {
    for (const id of holder.getAttribute("aria-describedby").split(/\\s+/)) if (id) described.add(id);
  }
  for (const field of fields) {
    const label = [...(field.labels || [])].map((l) => l.textContent.trim()).join(" ")
      || field.getAttribute("aria-label") || text(field.getAttribute("aria-labelledby"));
    const name = field.id || field.name || field.tagName.toLowerCase();
    if (!label.trim()) problems.push(`the field ${name} has no label`);
    for (const id of (field.getAttribute("aria-describedby") || "").split(/\\s+/)) if (id) described.add(id);
    if (field.getAttribute("aria-invalid") === "true" && !text(field.getAttribute("aria-describedby"))) {
      problems.push(`the field ${name} is marked invalid but no message is tied to it (aria-describedby)`);
    }
  }
  // A message shown next to a field must be tied to it, or a screen reader never hears it.
  for (const message of document.querySelectorAll(".error, [id$='-error']")) {
    if (!message.getClientRects().length) continue;
    if (!message.id || !described.has(message.id)) {
      problems.push(`the error "${message.textContent.trim().slice(0, 60)}" is not tied to its field`);
    }
  }
  return problems;
}
"""


def form_problems(page: BrowserPage) -> list[str]:
    """Every field has a label; every error shown is tied to its field with aria-describedby."""
    return page.evaluate(FORM_SCRIPT)


def submit_empty(page: BrowserPage, form_index: int) -> int:
    """Submit the ``form_index``-th POST form as it stands (empty); return how many fields are invalid."""
    form = page.locator("form[method=post i]").nth(form_index)
    submit = form.locator("button:not([type=button]):not([type=reset]), input[type=submit]").first
    with page.expect_navigation(wait_until="load"):
        if submit.count():
            submit.click()
        else:
            form.evaluate("(f) => f.requestSubmit()")
    return page.locator("[aria-invalid=true]").count()


def javascript_off_problems(browser: Browser, origin: str, url: str) -> list[str]:
    """With JavaScript off, the page still shows its heading, its content and the menu."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(origin + url, wait_until="load")
        problems = []
        heading = page.locator("main h1")
        if heading.count() != 1 or not heading.is_visible() or not heading.inner_text().strip():
            problems.append(f"{url}: no visible heading with JavaScript off")
        if len(page.locator("main").inner_text().strip()) < 100:
            problems.append(f"{url}: the main content is nearly empty with JavaScript off")
        menu = page.locator("nav.site-menu a")
        if menu.count() == 0 or not menu.first.is_visible():
            problems.append(f"{url}: the menu is not visible with JavaScript off")
        return problems
    finally:
        context.close()


#: The browser gates, each a list of problems that start with the page's URL.
GATES = ("accessibility", "clean", "forms")


def check_pages(browser: Browser, origin: str, pages: Sequence[Page],
                screenshots: dict[str, Path] | None = None, cookies: Sequence[dict] = (),
                staff: bool = False) -> dict[str, list[str]]:
    """Open each crawled page once and run every browser gate on it.

    A page with a POST form is opened once more per form, to send it empty
    and check the errors it shows.
    ``screenshots`` maps a page's URL to the file its screenshot goes to.
    ``cookies`` go into the browser first (a logged-in session for the staff panel).
    ``staff``: the pages are the staff panel's, whose forms change real records;
    only a form that marks a field as required is sent, with its fields cleared
    (see ``required_forms``), never a button that publishes or deletes.
    """
    screenshots = screenshots or {}
    results: dict[str, list[str]] = {gate: [] for gate in GATES}
    context = new_context(browser)
    if cookies:
        context.add_cookies(list(cookies))
    try:
        page = context.new_page()
        watch = Watch(page, origin)
        for item in pages:
            url = item.url
            results["clean"] += [f"{url}: {p}" for p in watch.open(url)]
            if staff and urlsplit(page.url).path != urlsplit(url).path:
                # The session did not hold: the gates would only check the login page.
                results["accessibility"].append(f"{url}: the browser was sent to {page.url}")
                continue
            found = axe_problems(page) + target_problems(page) + form_problems(page)
            if url in screenshots:
                page.screenshot(path=str(screenshots[url]), full_page=True)
            forms = required_forms(page) if staff else range(len(item.parsed.post_forms))
            found += keyboard_problems(page)
            results["accessibility"] += [f"{url}: {p}" for p in found]
            for index in forms:
                results["forms"] += [f"{url} (form {index + 1}, sent empty): {p}"
                                     for p in _send_empty(page, watch, url, index, clear=staff)]
    finally:
        context.close()
    return results


REQUIRED_FORMS_SCRIPT = """
() => [...document.querySelectorAll("form[method=post i]")]
  .map((form, index) => form.querySelector("[required], [aria-required=true]") ? index : -1)
  .filter((index) => index >= 0)
"""


def required_forms(page: BrowserPage) -> list[int]:
    """The POST forms of the loaded page that mark a field as required, by index."""
    return page.evaluate(REQUIRED_FORMS_SCRIPT)


CLEAR_SCRIPT = """
(form) => {
  form.noValidate = true;  // the server's errors are what is checked, not the browser's bubbles
  for (const field of form.querySelectorAll("textarea, input")) {
    if (!["hidden", "submit", "button", "reset", "image", "checkbox", "radio"].includes(field.type)) field.value = "";
  }
}
"""


def _send_empty(page: BrowserPage, watch: Watch, url: str, index: int, clear: bool = False) -> list[str]:
    watch.open(url)
    form = page.locator("form[method=post i]").nth(index)
    if clear:  # a form that shows a record: empty what it shows first
        form.evaluate(CLEAR_SCRIPT)
    text_fields = form.locator("input[type=text], input[type=email], input[type=password], "
                               "input:not([type]), textarea").count()
    invalid = submit_empty(page, index)
    problems = watch.finish() + axe_problems(page) + form_problems(page)
    # A form that asks for text and takes it empty without a word would be a bug of its own.
    if text_fields and not invalid:
        problems.append("sent empty, it shows no field as invalid (aria-invalid) with its error")
    return problems
