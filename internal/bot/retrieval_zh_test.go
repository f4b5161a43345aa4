package bot

import (
	"strings"
	"testing"
	"unicode"
)

// paraphrase is a question as a user writes it, held out of the demo
// knowledge base, with the article that answers it.
type paraphrase struct{ q, want string }

// zhParaphrases: one question per published demo article, worded the way
// Chinese wallet users type in a chat, sharing few characters with the
// article's example questions (the test checks how few). They must never
// become example questions: they measure what the matcher has not seen.
var zhParaphrases = []paraphrase{
	{"有个新币的合约我想自己贴进资产页", "add-custom-token"},
	{"骗子弄了个跟我朋友尾号一样的收款码 我粘贴错了", "address-poisoning"},
	{"解锁钱包那个6位数记不起来了", "app-password-vs-mnemonic"},
	{"那一串英文单词抄在纸上还是拍照存手机好", "backup-mnemonic"},
	{"从以太坊搬到polygon大概得等几分钟", "bridge-delays"},
	{"跨到base的钱过了半天也没出现", "bridge-stuck"},
	{"币安智能链发代币得先有bnb付gas?", "bsc-gas"},
	{"去哪能看到这笔款在链上的记录", "check-transaction-explorer"},
	{"你们有没有真人能聊一下", "contact-support"},
	{"刚装好app第一步该干嘛 想开个新钱包", "create-wallet"},
	{"网页上点connect wallet没反应", "dapp-connect"},
	{"网上搜到的安装包是不是正版", "download-official-app"},
	{"往火币充了USDT半天余额没变", "exchange-deposit-not-credited"},
	{"给交易所发EOS要写的那串数字我漏了", "exchange-memo-tag"},
	{"状态写着fail但gas照样被拿走", "failed-transfer"},
	{"微信上有人自称官方的人要我把钱包导入他给的网站", "fake-support-scams"},
	{"gas那里标的是美元 到底扣的是什么", "fees-in-fiat"},
	{"一觉醒来资产全清零了", "funds-stolen"},
	{"主网转一笔要几十刀太离谱了", "gas-fees-ethereum-l2"},
	{"我在另一个app里有钱包 想搬到你们这边用", "import-wallet"},
	{"钱包里只有usdc 没有eth 发不出去", "insufficient-gas-native-coin"},
	{"手机掉河里了 钱包还能弄回来吗", "lost-phone-recovery"},
	{"几百万的资产放在哪种钱包里最稳", "multisig-hardware-wallet"},
	{"刚铸造的数字藏品在收藏页面找不到", "nft-not-showing"},
	{"发出去的币一直显示待确认 已经一下午了", "pending-transfer"},
	{"网上有个团队说能帮我把被骗的钱要回来 先收押金", "recovery-service-scams"},
	{"想去派出所立案 要带什么东西", "report-theft"},
	{"以前给过一些网站的权限 想全部收回", "revoke-approvals"},
	{"莫名其妙来了一个代币 说去官网兑换奖品", "scam-tokens-airdrops"},
	{"网站弹窗让我签一段看不懂的消息 能不能点确认", "signing-messages-safely"},
	{"兑换的时候实际拿到的比显示的少了好多", "slippage-price-impact"},
	{"索拉纳钱包里总剩一点转不走", "solana-rent-fees"},
	{"交易太慢了能不能多给点gas让它快点", "speed-up-cancel"},
	{"在钱包里闪兑老是报错", "swap-failed"},
	{"approve到底是个啥 为啥每个dapp都要点一下", "token-approvals"},
	{"链上查得到 钱包首页却没这个币", "token-not-showing"},
	{"这个土狗买进去就出不了手 是不是貔貅", "token-tax-swap"},
	{"trx冻结以后能量多久恢复", "tron-energy-bandwidth"},
	{"在波场上发usdt 为啥要烧掉好多trx", "usdt-trc20-fee"},
	{"我怎么判断一个群是不是你们开的", "verify-official-channels"},
	{"注册时给我的那些英文单词是干嘛用的", "what-is-mnemonic"},
	{"提币的时候网络选成bep20了 交易所只支持trc20", "wrong-network"},
}

// enParaphrases: the same held-out probes for the English side.
var enParaphrases = []paraphrase{
	{"token missing from the list, can I paste its contract myself", "add-custom-token"},
	{"scammer made an address that ends like my friend's and I pasted it", "address-poisoning"},
	{"can't remember the passcode I set to unlock the app", "app-password-vs-mnemonic"},
	{"should I write my recovery words on paper or keep a photo", "backup-mnemonic"},
	{"roughly how many minutes to move funds from ethereum to polygon", "bridge-delays"},
	{"sent funds across to base half a day ago, nothing there yet", "bridge-stuck"},
	{"binance smart chain transaction needs bnb for the fee?", "bsc-gas"},
	{"where can i look up this payment on the blockchain", "check-transaction-explorer"},
	{"can I chat with a real person from your team", "contact-support"},
	{"just installed the app, what's the first step to set up a new wallet", "create-wallet"},
	{"clicked connect wallet on the website and nothing happens", "dapp-connect"},
	{"is the installer I found through google genuine", "download-official-app"},
	{"topped up my kraken account with usdt hours ago, balance unchanged", "exchange-deposit-not-credited"},
	{"left out the numeric note when sending eos to an exchange", "exchange-memo-tag"},
	{"status shows fail yet the network fee is gone", "failed-transfer"},
	{"a guy on whatsapp claiming to be staff wants me to enter my wallet on his site", "fake-support-scams"},
	{"the network fee is listed in usd, which coin actually gets deducted", "fees-in-fiat"},
	{"woke up and every coin in my account was gone", "funds-stolen"},
	{"mainnet transfer costs like $40, that's crazy", "gas-fees-ethereum-l2"},
	{"I already have a wallet elsewhere, want to move it into yours", "import-wallet"},
	{"only holding usdc, no ether, can't transfer", "insufficient-gas-native-coin"},
	{"dropped my mobile in the river, can I restore my funds", "lost-phone-recovery"},
	{"safest setup for holding a couple of million", "multisig-hardware-wallet"},
	{"my collectible is missing from the gallery", "nft-not-showing"},
	{"outgoing payment waiting for confirmation all afternoon", "pending-transfer"},
	{"a team online promises to get back the money I was scammed out of, wants a deposit first", "recovery-service-scams"},
	{"going to file a police case for the hack, what should I bring", "report-theft"},
	{"want to take back the permissions I gave some sites", "revoke-approvals"},
	{"mysterious coin arrived telling me to redeem a prize on a website", "scam-tokens-airdrops"},
	{"popup asks me to sign text I can't read, should I confirm", "signing-messages-safely"},
	{"got a lot fewer coins than the trade preview showed", "slippage-price-impact"},
	{"a tiny bit of sol always stays behind and won't transfer", "solana-rent-fees"},
	{"my transaction is slow, can I pay more gas to push it through", "speed-up-cancel"},
	{"exchanging tokens inside the wallet keeps throwing an error", "swap-failed"},
	{"why does every dapp want me to click approve first", "token-approvals"},
	{"explorer has the coins but the home screen doesn't", "token-not-showing"},
	{"this meme coin lets me buy but selling always reverts", "token-tax-swap"},
	{"after freezing trx how fast does energy refill", "tron-energy-bandwidth"},
	{"why does moving tether on tron burn so much trx", "usdt-trc20-fee"},
	{"how can I tell whether a group chat really belongs to you", "verify-official-channels"},
	{"what are those english words the app gave me at signup for", "what-is-mnemonic"},
	{"withdrew on bep20 but the exchange only takes trc20", "wrong-network"},
}

// bigrams is the set of adjacent character pairs of s, lower-cased, with
// every run of characters that are not letters or digits read as one
// space (a one-character text is its own "pair").
func bigrams(s string) map[string]bool {
	var rs []rune
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
			space = false
		} else if !space {
			rs = append(rs, ' ')
			space = true
		}
	}
	if len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	set := map[string]bool{}
	if len(rs) == 1 {
		set[string(rs)] = true
	}
	for i := 0; i+1 < len(rs); i++ {
		set[string(rs[i:i+2])] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	inter := 0
	for x := range a {
		if b[x] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// maxOverlap is the largest bigram Jaccard overlap of q with the title or
// an example question of the article, in any locale, and that text.
func maxOverlap(q string, m *model, id string) (float64, string) {
	bq := bigrams(q)
	best, with := 0.0, ""
	for _, a := range m.articles[id] {
		for _, e := range append([]string{a.Title}, a.Questions...) {
			if j := jaccard(bq, bigrams(e)); j > best {
				best, with = j, e
			}
		}
	}
	return best, with
}

// checkParaphrases asserts that every probe is a paraphrase (overlap below
// 0.5 with its article's examples, an example of no article) and that its
// article is first for at least minTop1 of them and among the first three
// for at least minTop3; it logs the misses and the figures.
func checkParaphrases(t *testing.T, cases []paraphrase, minTop1, minTop3 float64) {
	t.Helper()
	m := demoModel(t)
	examples := map[string]bool{}
	for _, byLocale := range m.articles {
		for _, a := range byLocale {
			examples[strings.ToLower(a.Title)] = true
			for _, q := range a.Questions {
				examples[strings.ToLower(q)] = true
			}
		}
	}
	top1, top3 := 0, 0
	maxJ := 0.0
	for _, c := range cases {
		if _, ok := m.articles[c.want]; !ok {
			t.Errorf("%q: the model has no article %s", c.q, c.want)
			continue
		}
		if examples[strings.ToLower(c.q)] {
			t.Errorf("%q is an example question; the probes must stay held out", c.q)
		}
		j, with := maxOverlap(c.q, m, c.want)
		if j >= 0.5 {
			t.Errorf("%q shares too many character pairs with %s's example %q (Jaccard %.2f, want < 0.5)", c.q, c.want, with, j)
		}
		maxJ = max(maxJ, j)
		got := m.match(c.q, 3)
		var ids []string
		rank := -1
		for i, g := range got {
			ids = append(ids, g.ArticleID)
			if g.ArticleID == c.want && rank < 0 {
				rank = i
			}
		}
		switch {
		case rank == 0:
			top1++
			top3++
		case rank > 0:
			top3++
			t.Logf("top 3 only: %q → %v, want %s", c.q, ids, c.want)
		default:
			t.Logf("miss: %q → %v, want %s", c.q, ids, c.want)
		}
	}
	n := float64(len(cases))
	t.Logf("%d probes (largest overlap with their article's examples %.2f): top-1 %d (%.3f), top-3 %d (%.3f)",
		len(cases), maxJ, top1, float64(top1)/n, top3, float64(top3)/n)
	if float64(top1) < minTop1*n {
		t.Errorf("top-1 %d of %d, want at least %.0f%%", top1, len(cases), 100*minTop1)
	}
	if float64(top3) < minTop3*n {
		t.Errorf("top-3 %d of %d, want at least %.0f%%", top3, len(cases), 100*minTop3)
	}
}

// Chinese questions worded as users write, sharing few characters with the
// examples, find their article.
// Measured: top-1 29 of 42 (0.69), top-3 35 (0.83) with the nearest
// example and the words' senses in the matcher; 24 (0.57) and 32 (0.76)
// without them; with the six examples per article it had before, 19
// (0.45) and 28 (0.67).
func TestChineseParaphrasesFindTheirArticle(t *testing.T) {
	checkParaphrases(t, zhParaphrases, 0.64, 0.78)
}

// The same measure for English, so both languages are compared alike.
// Measured: top-1 25 of 42 (0.60), top-3 34 (0.81; 33 without the
// nearest example in the matcher); 28 (0.67) and 37
// (0.88) before the Chinese examples were added, which share the sentence
// encoder's columns with the English ones.
func TestEnglishParaphrasesFindTheirArticle(t *testing.T) {
	checkParaphrases(t, enParaphrases, 0.52, 0.70)
}
