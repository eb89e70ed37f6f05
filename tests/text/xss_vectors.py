"""Hostile HTML for the sanitiser tests, written for this project.

Each vector is (name, payload, content_must_vanish). When `content_must_vanish` is true the
payload's executable part sits inside an element that must be dropped with its content, so the
word "alert" must not survive even as text.
"""

from __future__ import annotations

from typing import NamedTuple


class XssVector(NamedTuple):
    name: str
    payload: str
    content_must_vanish: bool


XSS_VECTORS: list[XssVector] = [
    XssVector("plain script", "<p>hi</p><script>alert(1)</script>", True),
    XssVector(
        "upper-case script with src", "<SCRIPT SRC=https://evil.test/x.js>alert(1)</SCRIPT>", True
    ),
    XssVector(
        "script with slash before attribute",
        '<script/src="https://evil.test/x.js">alert(1)</script>',
        True,
    ),
    XssVector("img onerror", "<img src=x onerror=alert(1)>", False),
    XssVector(
        "allowed img with onerror", '<img src="https://ok.test/a.png" onerror="alert(1)">', False
    ),
    XssVector("img with slashes for spaces", '<img/src="x"/onerror="alert(1)">', False),
    XssVector("svg onload", "<svg onload=alert(1)><circle r=4></circle></svg>", True),
    XssVector("script inside svg", "<svg><script>alert(1)</script></svg>", True),
    XssVector("javascript href", '<a href="javascript:alert(1)">tap</a>', False),
    XssVector("mixed-case javascript href", '<a href="JaVaScRiPt:alert(1)">tap</a>', False),
    XssVector("tab entity inside scheme", '<a href="java&#x09;script:alert(1)">tap</a>', False),
    XssVector("newline entity inside scheme", '<a href="java&#10;script:alert(1)">tap</a>', False),
    XssVector(
        "carriage return entity inside scheme", '<a href="jav&#x0D;ascript:alert(1)">tap</a>', False
    ),
    XssVector(
        "literal tab and newline inside scheme", '<a href="jav\ta\nscript:alert(1)">tap</a>', False
    ),
    XssVector(
        "decimal entities for the whole scheme",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">tap</a>',
        False,
    ),
    XssVector(
        "zero-padded entities without semicolons",
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
        '&#0000112&#0000116&#0000058alert(1)">tap</a>',
        False,
    ),
    XssVector(
        "hex entity and named colon", '<a href="&#x6A;avascript&colon;alert(1)">tap</a>', False
    ),
    XssVector("leading spaces before scheme", '<a href="   javascript:alert(1)">tap</a>', False),
    XssVector(
        "control character before scheme", '<a href="\x01javascript:alert(1)">tap</a>', False
    ),
    XssVector("unquoted javascript href, unclosed", "<a href=javascript:alert(1)>unquoted", False),
    XssVector("vbscript href", '<a href="vbscript:msgbox(1)">tap</a>', False),
    XssVector(
        "data: html link",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">tap</a>',
        False,
    ),
    XssVector("data: svg image", '<img src="data:image/svg+xml,<svg onload=alert(1)>">', False),
    XssVector("http image is not https", '<img src="http://plain.test/a.png" alt="p">', False),
    XssVector(
        "srcset smuggling", '<img src="https://ok.test/a.png" srcset="javascript:alert(1)">', False
    ),
    XssVector("iframe javascript src", '<iframe src="javascript:alert(1)">alert(1)</iframe>', True),
    XssVector(
        "iframe srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', True
    ),
    XssVector(
        "form with javascript action",
        '<form action="javascript:alert(1)"><button>alert(1)</button></form>',
        True,
    ),
    XssVector(
        "input formaction",
        "<form><input type=submit formaction=javascript:alert(1) value=alert(1)></form>",
        True,
    ),
    XssVector("isindex", "<isindex action=javascript:alert(1) type=submit>", False),
    XssVector("object data", '<object data="javascript:alert(1)">alert(1)</object>', True),
    XssVector("embed src", '<embed src="javascript:alert(1)">', True),
    XssVector("css expression in style", '<p style="width: expression(alert(1))">x</p>', False),
    XssVector("css url in style", '<p style="background:url(javascript:alert(1))">x</p>', False),
    XssVector("style element", "<style>@import 'https://evil.test/x.css';alert(1)</style>", True),
    XssVector("script in a comment", "<!--<script>alert(1)</script>-->", True),
    XssVector(
        "conditional comment",
        "<!--[if IE]><script>alert(1)</script><![endif]--><p>after</p>",
        True,
    ),
    XssVector("comment closing early", "<!-- --!><script>alert(1)</script> -->", True),
    XssVector(
        "math/style namespace confusion",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        True,
    ),
    XssVector(
        "svg style namespace confusion",
        "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
        True,
    ),
    XssVector(
        "math link", '<math><mi><a href="javascript:alert(1)">alert(1)</a></mi></math>', True
    ),
    XssVector(
        "svg xlink href",
        '<svg><a xlink:href="javascript:alert(1)"><text>alert(1)</text></a></svg>',
        True,
    ),
    XssVector("xlink href on html link", '<a xlink:href="javascript:alert(1)">tap</a>', False),
    XssVector(
        "attribute injection by stray quote",
        '<a href="https://ok.test/" " onmouseover="alert(1)">tap</a>',
        False,
    ),
    XssVector(
        "doubled quote after src",
        '<img src="https://ok.test/a.png"" onerror="alert(1)">',
        False,
    ),
    XssVector(
        "quote entity inside href",
        '<a href="https://ok.test/&quot;onmouseover=alert(1)">tap</a>',
        False,
    ),
    XssVector(
        "markup inside a title",
        '<abbr title="</abbr><script>alert(1)</script>">abbr</abbr>',
        False,
    ),
    XssVector(
        "markup inside a mailto body",
        '<a href="mailto:x@ok.test?body=<script>alert(1)</script>">mail</a>',
        False,
    ),
    XssVector("split script tag", "<scr<script>ipt>alert(1)</scr</script>ipt>", False),
    XssVector("double open bracket", "<<script>alert(1)//<</script>", True),
    XssVector("unclosed bold with handler", "<b onclick=alert(1)>bold", False),
    XssVector("details ontoggle", "<details open ontoggle=alert(1)>x</details>", False),
    XssVector("body onload", "<body onload=alert(1)>x", False),
    XssVector(
        "meta refresh",
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        True,
    ),
    XssVector("base href", '<base href="javascript:alert(1)//"><a href="/x">rel</a>', False),
    XssVector("stylesheet link", '<link rel=stylesheet href="https://evil.test/x.css">', True),
    XssVector(
        "media fallback handlers",
        '<video><source onerror="alert(1)">alert(1)</video><audio src=x onerror=alert(1)>',
        True,
    ),
    XssVector("template content", "<template><script>alert(1)</script>alert(1)</template>", True),
    XssVector(
        "noscript parsing differential",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        True,
    ),
    XssVector("textarea", "<textarea><img src=x onerror=alert(1)></textarea>", True),
    XssVector("xmp", "<xmp><img src=x onerror=alert(1)></xmp>", True),
    XssVector("plaintext", "<plaintext><script>alert(1)</script>", True),
    XssVector("select", "<select><option><script>alert(1)</script></option></select>", True),
    XssVector("frameset onload", "<frameset onload=alert(1)>", False),
    XssVector("our own mark element", '<mark class="hl" data-ids="1">fake</mark>', False),
    XssVector(
        "target blank without rel",
        '<a href="https://ok.test/" target="_blank" rel="opener">tab</a>',
        False,
    ),
    XssVector("nested unclosed tags", "<p><b><i><a href='javascript:alert(1)'>x<p>y", False),
]
