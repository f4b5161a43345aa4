package kb

// related maps a query term to the words the articles use for the same
// thing. Users write "钱" and "冒充", articles say "资产" and "假客服"; a
// transfer that "没到账" is most often still pending. The related words
// are added to the query at half weight, so an article that uses the
// user's own word still ranks first. Keys are terms as lex.Terms
// returns them (English ones stemmed).
var related = map[string][]string{
	"钱":  {"资产"},
	"偷":  {"被盗", "盗"},
	"冒充": {"假客服", "假冒", "骗子"},
	"到账": {"打包中"},
	"没收": {"到账"},
	"收到": {"到账"},
	"卡住": {"打包中"},
	"找回": {"恢复"},
	"丢":  {"丢失"},

	"stole": {"stolen", "theft"},
	"steal": {"stolen", "theft"},
	"stuck": {"pend"},
	"scam":  {"fake", "scammer"},
}

// relatedWeight is the weight of a related word next to the user's own.
const relatedWeight = 0.5

// expand turns query terms into weighted terms: 1 for the user's words,
// relatedWeight for related ones (never lowering a user's word).
func expand(terms []string) map[string]float64 {
	out := map[string]float64{}
	for _, t := range terms {
		out[t] = 1
	}
	for _, t := range terms {
		for _, r := range related[t] {
			if _, ok := out[r]; !ok {
				out[r] = relatedWeight
			}
		}
	}
	return out
}
