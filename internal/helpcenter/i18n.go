package helpcenter

import "github.com/huiying/huiying/internal/kb"

// text holds the help center's words in each locale.
var text = map[string]map[string]string{
	"en": {
		"brand":              "Help center",
		"language":           "Language",
		"search":             "Search",
		"search_label":       "Search the help center",
		"search_placeholder": "Describe your problem, e.g. transfer pending",
		"results_for":        "Results for",
		"no_results":         "No article matches your words. Try other words, or contact support.",
		"empty_query":        "Type a few words to search.",
		"query_too_long":     "Your search is too long: use at most 200 characters.",
		"categories":         "Topics",
		"helpful":            "Was this helpful?",
		"yes":                "Yes",
		"no":                 "No",
		"thanks":             "Thanks for your feedback!",
		"not_found_title":    "Article not found",
		"not_found":          "This article does not exist or is no longer published.",
		"back":               "Back to the help center",
		"other_language":     "中文版",
		"verify":             "How to recognise official support",
		"contact":            "Still need help? Contact support in the app.",
		"still_need_help":    "Still need help?",
		"chat_with_us":       "Chat with support",
		"bad_vote":           "Choose Yes or No.",
		"error":              "Something went wrong. Please try again later.",
		"empty_kb":           "No articles are published yet.",
	},
	"zh-CN": {
		"brand":              "帮助中心",
		"language":           "语言",
		"search":             "搜索",
		"search_label":       "搜索帮助中心",
		"search_placeholder": "描述你的问题，例如：转账一直没到账",
		"results_for":        "搜索结果：",
		"no_results":         "没有找到相关文章。请换个说法，或联系客服。",
		"empty_query":        "请输入要搜索的内容。",
		"query_too_long":     "搜索内容太长，请不要超过 200 个字。",
		"categories":         "分类",
		"helpful":            "是否有帮助？",
		"yes":                "是",
		"no":                 "否",
		"thanks":             "感谢你的反馈！",
		"not_found_title":    "文章不存在",
		"not_found":          "这篇文章不存在或已下线。",
		"back":               "返回帮助中心",
		"other_language":     "English",
		"verify":             "如何识别官方客服",
		"contact":            "仍未解决？请在 App 内联系客服。",
		"still_need_help":    "仍未解决？",
		"chat_with_us":       "联系在线客服",
		"bad_vote":           "请选择“是”或“否”。",
		"error":              "出错了，请稍后再试。",
		"empty_kb":           "暂时还没有发布的文章。",
	},
}

// categoryNames are the category headings of the help center.
var categoryNames = map[string]map[string]string{
	"en": {
		"getting-started": "Getting started", "security": "Security", "transfers": "Transfers", "fees": "Fees",
		"cross-chain": "Cross-chain", "tokens": "Tokens and NFTs", "dapps": "DApps", "swaps": "Swaps",
		"stolen-funds": "Stolen funds", "contact": "Contact us",
	},
	"zh-CN": {
		"getting-started": "新手入门", "security": "安全", "transfers": "转账", "fees": "手续费",
		"cross-chain": "跨链", "tokens": "代币与 NFT", "dapps": "DApp", "swaps": "兑换",
		"stolen-funds": "资产被盗", "contact": "联系我们",
	},
}

// languageNames label the language switch, each in its own language.
var languageNames = map[string]string{"zh-CN": "中文", "en": "English"}

func categoryName(locale, c string) string {
	if n := categoryNames[locale][c]; n != "" {
		return n
	}
	return c
}

// otherLocale is the locale the language switch offers.
func otherLocale(l string) string {
	for _, o := range kb.Locales {
		if o != l {
			return o
		}
	}
	return l
}
