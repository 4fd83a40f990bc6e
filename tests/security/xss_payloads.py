"""Hostile strings an editor might paste (or an attacker with an editor's account might type).

Drawn from the usual filter-evasion lists: plain and broken-up script tags, event handlers on every
kind of element, ``javascript:`` URLs hidden by entities, case, whitespace, tabs and newlines,
Markdown link and image tricks, attribute and element breakers for every context we render into
(HTML text, attributes, <title>, <textarea>, JSON-LD, feeds' CDATA), SVG and MathML, and CSS.

Each payload, if it ever reached a page unescaped, would leave a <script>, an on* attribute or a
dangerous URL in the parsed document; tests/security/html_checks.py looks for exactly those.
"""

PAYLOADS = [
    # --- plain script tags and their broken-up variants
    "<script>alert(1)</script>",
    "<SCRIPT>alert('XSS')</SCRIPT>",
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    '<script src="https://evil.example/x.js"></script>',
    "<script/src=//evil.example/x.js></script>",
    "<script\t>alert(1)</script\t>",
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>/*</script><script>*/alert(1)</script>",
    "<script >alert(1)</script >",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script><![CDATA[",
    # --- event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror\t=alert(1)>",
    "<img src=x onerror\n=alert(1)>",
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>悬停</div>",
    "<a onclick=alert(1)>点我</a>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>走马灯</marquee>",
    "<body/onpageshow=alert(1)>",
    "<iframe onload=alert(1)></iframe>",
    "<object data=x onerror=alert(1)>",
    "<p style=x onpointerenter=alert(1)>段落</p>",
    # --- attribute breakers
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)" x="',
    "`><img src=x onerror=alert(1)>",
    '"/><svg/onload=alert(1)>',
    # --- element breakers for every context
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</noscript><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '</script><script>alert("ld+json")</script>',
    '"}</script><script>alert(1)</script>',
    "<!--</script><script>alert(1)</script>-->",
    "</option></select><img src=x onerror=alert(1)>",
    "</a><a href=javascript:alert(1)>x</a>",
    "</h1><script>alert(1)</script>",
    "</p></li></ul></div><script>alert(1)</script>",
    # --- dangerous URLs in raw HTML
    '<a href="javascript:alert(1)">链接</a>',
    '<a href="JaVaScRiPt:alert(1)">大小写</a>',
    '<a href=" javascript:alert(1)">前导空格</a>',
    '<a href="jav&#x09;ascript:alert(1)">实体制表符</a>',
    '<a href="jav&#x0A;ascript:alert(1)">实体换行</a>',
    '<a href="jav\tascript:alert(1)">制表符</a>',
    '<a href="jav\nascript:alert(1)">换行</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">十进制实体</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">十六进制实体</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">补零实体</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data2</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<form action="javascript:alert(1)"><button>提交</button></form>',
    '<button formaction="javascript:alert(1)">按钮</button>',
    '<embed src="javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<isindex type=image src=1 onerror=alert(1)>",
    # --- Markdown link and image tricks
    "[点我](javascript:alert(1))",
    "[点我](java&#x73;cript:alert(1))",
    "[点我](java&#115;cript:alert(1))",
    "[点我](JAVASCRIPT:alert(1))",
    "[点我](  javascript:alert(1))",
    "[点我](<javascript:alert(1)>)",
    "[点我](javascript&colon;alert(1))",
    "[点我](vbscript:msgbox(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[点我](https://example.org/" onmouseover="alert(1))',
    '[点我](https://example.org "title\\" onmouseover=alert(1) x=\\"")',
    "![图](javascript:alert(1))",
    '![图" onerror="alert(1)](x)',
    "![图](x onerror=alert(1))",
    "[x]: javascript:alert(1)\n\n[参考链接][x]",
    "<javascript:alert(1)>",
    "[![图](https://example.org/a.png)](javascript:alert(1))",
    "[点我](javascript://%0Aalert(1))",
    # --- SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">点</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0ieCIgb25sb2FkPSJhbGVydCgxKSI+PC9zdmc+#x"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">公式</math>',
    "<svg><foreignObject><iframe onload=alert(1)></iframe></foreignObject></svg>",
    # --- CSS
    '<div style="width: expression(alert(1));">css</div>',
    '<div style="background:url(javascript:alert(1))">css</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<span style="behavior: url(xss.htc);">htc</span>',
    '<div style="-moz-binding:url(http://evil.example/xss.xml#xss)">binding</div>',
    # --- template and entity oddities
    "{{ 7*7 }}{% csrf_token %}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    r"\u003cscript\u003ealert(1)\u003c/script\u003e",
    "＜script＞alert(1)＜/script＞",
    "<img src=x onerror=alert&#40;1&#41;>",
    '<a href="javas\u200bcript:alert(1)">零宽字符</a>',
]

assert len(PAYLOADS) >= 80, len(PAYLOADS)
assert len(set(PAYLOADS)) == len(PAYLOADS)


def chunks(max_length, payloads=PAYLOADS, prefix=""):
    """Join payloads into strings of at most ``max_length`` characters, each starting with ``prefix``.

    Payloads longer than the room left are cut, so every payload appears (at least its start) in
    some chunk. ``prefix`` may contain ``{n}`` for the chunk's number.
    """
    out, current = [], None
    for payload in payloads:
        if current is not None and len(current) + 1 + len(payload) <= max_length:
            current += " " + payload
            continue
        if current is not None:
            out.append(current)
        start = prefix.format(n=len(out) + 1)
        current = (start + payload)[:max_length]
    if current is not None:
        out.append(current)
    return out
