package bench

// BotQuestions are the questions users send when the FAQ bot is on
// (Options.Questions): what wallet users ask a support desk, in English and
// Chinese, each answered by an article of the demo knowledge base. User u's
// message n is BotQuestions[(u·7 + n) mod len], so users ask different
// questions at the same moment.
var BotQuestions = []string{
	"How do I back up my recovery phrase safely?",
	"My transfer has been pending for an hour, what should I do?",
	"How do I add a custom token to my wallet?",
	"Why did my swap fail?",
	"How much is the network fee for sending USDT?",
	"I sent tokens to the wrong address, can I get them back?",
	"How do I revoke a token approval?",
	"Is this app a custodial wallet?",
	"How do I import my wallet on a new phone?",
	"Why is my balance showing zero?",
	"我的助记词应该怎么备份才安全？",
	"转账一直没到账怎么办",
	"怎么添加自定义代币",
	"闪兑失败了是什么原因",
	"波场能量不够怎么办",
	"币转错地址了还能找回吗",
	"授权了不明合约怎么取消授权",
	"矿工费为什么这么贵",
	"换手机了怎么导入钱包",
	"为什么余额显示为零",
}
