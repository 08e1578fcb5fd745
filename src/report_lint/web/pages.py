"""The page shell, the upload form, the error page and the rule explanation pages.

Every asset is served by the package (/static/app.css, /static/app.js): no CDN, no web font, so the page
works on an intranet PC with no internet. Report and catalogue text is always escaped.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import __version__
from .text import ORGAN_KINDS, t
from .view import h


def lang_of(value: str | None) -> str:
    return "en" if (value or "").lower().startswith("en") else "zh"


def page(title: str, body: str, lang: str, *, path: str = "/") -> str:
    tx = t(lang)
    other = tx["other_lang_code"]
    skip = "跳到正文" if lang == "zh" else "Skip to content"
    return f"""<!DOCTYPE html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{h(title)} · {h(tx['app'])}</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">{h(skip)}</a>
<header class="top"><a class="brand" href="/?lang={lang}">{h(tx['app_long'])}</a>
<nav aria-label="{'Site' if lang == 'en' else '导航'}"><a href="/rules?lang={lang}">{h(tx['rules_title'])}</a>
<a href="{h(path)}?lang={other}" lang="{'zh-CN' if other == 'zh' else 'en'}"
   hreflang="{other}">{h(tx['other_lang'])}</a></nav>
</header>
<main id="main" tabindex="-1">
{body}
</main>
<footer><p>{h(tx['privacy'])}</p><p>report-lint {h(__version__)}</p></footer>
</body>
</html>
"""


def upload_form(lang: str, max_mb: float, seconds: float) -> str:
    tx = t(lang)
    kinds = "".join(f'<option value="{k}">{h(tx["kind_" + k])}</option>' for k in ORGAN_KINDS)
    accept = ".docx,.pdf,.html,.htm,.txt,.md,.json,.wps,.doc"
    return f"""<h1>{h(tx['app_long'])}</h1>
<p class="intro">{h(tx['intro'])}</p>
<p class="error-box" role="alert" id="form-error" hidden></p>
<form id="check-form" method="post" action="/check?lang={lang}" enctype="multipart/form-data"
      data-max-bytes="{int(max_mb * 1024 * 1024)}" data-too-large="{h(tx['too_large'].format(mb=_num(max_mb)))}"
      data-too-many="{h(tx['too_many'])}" data-chosen="{h(tx['chosen'])}">
<input type="hidden" name="lang" value="{lang}">
<div class="drop" id="drop">
  <p class="drop-title" aria-hidden="true">{h(tx['drop'])}</p>
  <label for="file" class="button">{h(tx['choose'])}<span class="sr">：{h(tx['file'])}</span></label>
  <input type="file" id="file" name="file" accept="{accept}" aria-describedby="formats">
  <p id="formats" class="muted">{h(tx['formats'])}</p>
  <p id="chosen" class="chosen" aria-live="polite"></p>
</div>
<details><summary>{h(tx['paste'])}</summary>
  <label for="text">{h(tx['paste_label'])}</label>
  <textarea id="text" name="text" rows="10"></textarea>
</details>
<details id="previous-box"><summary>{h(tx['previous'])}</summary>
  <label for="previous">{h(tx['previous_label'])}</label>
  <input type="file" id="previous" name="previous" accept="{accept}" aria-describedby="previous-hint">
  <p id="previous-hint" class="muted">{h(tx['previous_hint'])}</p>
</details>
<fieldset class="options"><legend>{h(tx['options'])}</legend>
  <div><label for="year">{h(tx['year'])}</label>
  <input type="number" id="year" name="year" min="2008" max="2100" inputmode="numeric"
         placeholder="{h(tx['year_hint'])}"></div>
  <div><label for="organ_kind">{h(tx['organ_kind'])}</label>
  <select id="organ_kind" name="organ_kind"><option value="">{h(tx['kind_unknown'])}</option>{kinds}</select></div>
  <div><label for="published_on">{h(tx['published_on'])}</label>
  <input type="date" id="published_on" name="published_on" aria-describedby="date-hint">
  <span id="date-hint" class="muted">{h(tx['date_hint'])}</span></div>
</fieldset>
<p><button type="submit" id="submit">{h(tx['submit'])}</button>
<span id="status" class="status" role="status" aria-live="polite" data-checking="{h(tx['checking'])}"></span></p>
<p class="muted">{h(tx['limit'].format(mb=_num(max_mb), seconds=_num(seconds)))}</p>
</form>"""


def _num(value: float) -> str:
    return f"{value:g}"


def error_body(message: str, lang: str) -> str:
    tx = t(lang)
    return (f'<h1>{h(tx["error_title"])}</h1><p class="error-box" role="alert" id="error">{h(message)}</p>'
            f'<p><a class="button" href="/?lang={lang}">{h(tx["again"])}</a></p>')


def result_body(body: str, lang: str) -> str:
    tx = t(lang)
    return f'{body}<p class="again"><a class="button" href="/?lang={lang}">{h(tx["again"])}</a></p>'


# --- rule explanation pages -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # html=False: any markup in the catalogue text is shown as text, never interpreted
    return MarkdownIt("commonmark", {"html": False}).enable("table")


_MD_LINK = re.compile(r'href="([CZITVXYFP]\d{3})\.md"')


def markdown_html(text: str) -> str:
    html = _markdown().render(text)
    return _MD_LINK.sub(lambda m: f'href="/rules/{m.group(1)}"', html)


def rule_body(rule_id: str, lang: str, catalogue) -> tuple[str, str] | None:
    """(title, body) of a rule's page, or None when there is no such rule."""
    from ..engine.catalogue import render_rule_doc

    meta = catalogue.resolve(rule_id)
    if meta is None:
        return None
    back: list[str] = [old for old, new in catalogue.redirects.items() if new == meta.id]
    html = markdown_html(render_rule_doc(meta, lang, redirected_from=back))
    tx = t(lang)
    return (f"{meta.id} {meta.name}",
            f'<article class="rule-doc">{html}</article><p><a href="/rules?lang={lang}">{h(tx["rules_index"])}</a></p>')


def rules_index_body(lang: str, catalogue) -> str:
    from ..engine.catalogue import FAMILY_TEXT

    tx = t(lang)
    groups: dict[str, list] = {}
    for meta in catalogue:
        groups.setdefault(meta.family, []).append(meta)
    out = [f"<h1>{h(tx['rules_title'])}</h1>"]
    for family, metas in groups.items():
        zh, en = FAMILY_TEXT.get(family, (family, family))
        out.append(f"<h2>{h(en if lang == 'en' else zh)}</h2><ul class=\"rules\">")
        for m in metas:
            what = m.doc.what.strip().splitlines()[0] if m.doc and m.doc.what.strip() else m.message_zh
            if " / " in what:
                what = what.split(" / ", 1)[1 if lang == "en" else 0]
            out.append(f'<li><a href="/rules/{h(m.id)}?lang={lang}"><code>{h(m.id)}</code></a> '
                       f'<span class="muted">{h(m.name)}</span> — {h(what)}</li>')
        out.append("</ul>")
    return "".join(out)
