package helpcenter

import "testing"

func TestRenderMarkdown(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"# Title\n\nOne\ntwo.", "<h2>Title</h2>\n<p>One\ntwo.</p>\n"},
		{"### Deep ###", "<h4>Deep</h4>\n"},
		{"- a\n- **b**\n  more\n\n1. x\n2) `y`", "<ul>\n<li>a</li>\n<li><strong>b</strong>\nmore</li>\n</ul>\n<ol>\n<li>x</li>\n<li><code>y</code></li>\n</ol>\n"},
		{"See [docs](https://e.com/w_(x)) and [bad](ftp://e.com) [rel](/help).", `<p>See <a href="https://e.com/w_(x)" rel="nofollow noopener noreferrer">docs</a> and bad rel.</p>` + "\n"},
		{"**[b](http://e.com)** [**c**](http://e.com)", `<p><strong><a href="http://e.com" rel="nofollow noopener noreferrer">b</a></strong> <a href="http://e.com" rel="nofollow noopener noreferrer"><strong>c</strong></a></p>` + "\n"},
		{"** not bold and ` not code", "<p>** not bold and ` not code</p>\n"},
		{"a < b & c > \"d\" 'e'", "<p>a &lt; b &amp; c &gt; &#34;d&#34; &#39;e&#39;</p>\n"},
		{"[x](JavaScript:alert(1)) [y](HTTPS://E.COM)", `<p>x <a href="HTTPS://E.COM" rel="nofollow noopener noreferrer">y</a></p>` + "\n"},
	} {
		if got := string(renderMarkdown(c.in)); got != c.want {
			t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
