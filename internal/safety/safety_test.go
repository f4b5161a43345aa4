package safety

import (
	"strings"
	"testing"
)

// asks are replies support must never send.
var asks = []string{
	// English
	"send me your seed phrase",
	"what is your private key",
	"share your 12 words",
	"Please provide your recovery phrase so we can restore your wallet.",
	"Can you type your mnemonic here?",
	"We need your private key to process the refund.",
	"To verify ownership, please enter your secret recovery phrase.",
	"Kindly send us the 24 words of your wallet.",
	"Could you paste your keystore file and its password?",
	"Please upload your keystore JSON and tell me the password.",
	"What's your seed phrase?",
	"DM me your recovery phrase and I'll fix it.",
	"Give me the private key of the affected wallet.",
	"I need the 12-word backup phrase to sync your wallet.",
	"Please confirm your mnemonic words for verification.",
	"For security reasons, kindly share your wallet's private key with our agent.",
	"Let me know your seed words and we'll recover the funds.",
	"Send a screenshot of your recovery phrase.",
	"Could you read out your twelve words for me?",
	"Please forward the keystore file to support@example.com",
	"Hi! To unlock your account, provide your secret phrase below.",
	"Reply with your private key to complete validation.",
	"Enter your 24 word seed on the sync page.",
	"Please write your mnemonic phrase in this chat.",
	"what are your 12 words?",
	"Don't worry, just send me your seed phrase and we will handle it.",
	"Please send your seed phrase — don't worry, it's safe with us.",
	"What’s the password of your keystore?",
	// Chinese
	"把助记词发给我",
	"提供一下私钥",
	"请把你的助记词发给我，我帮你找回资产",
	"您的私钥是什么？",
	"麻烦提供一下钱包的恢复短语",
	"请输入你的12个单词助记词进行验证",
	"把 keystore 文件和 keystore 密码发过来",
	"需要您的私钥才能处理退款",
	"请告诉我你的种子短语",
	"为了验证身份，请在这里填写助记词",
	"请截图助记词发给客服",
	"你的密钥发我一下",
	"请上传keystore文件并告知密码",
	"把24个单词按顺序发给我",
	"请私信我你的助记词",
	"您好，麻烦把私钥复制粘贴到对话框",
	"助记词是多少？",
	"请确认一下您的恢复短语",
	"请把 12 个助记词念一下",
	"你方便把私钥给我吗",
	"别担心，把助记词发给我就行",
	"keystore 密码是什么",
}

// warnings and ordinary replies must pass.
var fine = []string{
	// English
	"We will never ask for your seed phrase.",
	"Never share your private key.",
	"Support will never ask for your recovery phrase or private key.",
	"Do not send your mnemonic to anyone, including us.",
	"If someone asks for your 12 words, it's a scam.",
	"Please keep your seed phrase offline and safe.",
	"Your private key should never leave your device.",
	"Beware of fake support agents asking for your secret recovery phrase.",
	"Please send me the transaction hash.",
	"What is your wallet address?",
	"Can you share a screenshot of the error message?",
	"Our team cannot see or recover your private key.",
	"Nobody from our team will DM you asking for your mnemonic.",
	"Please don't type your seed phrase anywhere except inside the wallet app.",
	"We don't need your private key to check the transaction.",
	"Remember: anyone who asks for your keystore password is a scammer.",
	"Write down your recovery phrase on paper and store it somewhere safe.",
	"Could you send me your wallet address and the TxID?",
	"Tip: a mnemonic is 12 or 24 words; never type it into a website.",
	"We will not ask you to provide your private key at any point.",
	"The official team won't ever request your keystore file.",
	"Please verify the transaction on the explorer, no need to share any private key.",
	"Scammers often pretend to be support and ask for your seed phrase.",
	"Never give your 24 words to anyone.",
	"Note: we do not store private keys.",
	"Please never enter your recovery phrase on a website that a chat sent you.",
	"Which network did you send the USDT on?",
	"Please tell me the amount and the time of the transfer.",
	// Chinese
	"不要把助记词告诉任何人",
	"官方客服不会索要私钥",
	"请妥善保管您的助记词，切勿泄露",
	"任何索要私钥的都是骗子",
	"我们永远不会要求您提供助记词",
	"请提供交易哈希",
	"请发一下您的钱包地址",
	"客服不会通过电话或私信向您索取恢复短语",
	"谨防冒充客服索要助记词的诈骗",
	"助记词请离线保存，不要截图",
	"请不要在任何网站输入私钥",
	"我们无需您的私钥即可查询交易",
	"请把转账截图发给我",
	"如果有人向您索要12个单词，请立即报告",
	"官方人员绝不会要求您导出keystore文件",
	"私钥只有您自己知道，请勿告诉任何人",
	"请确认您的交易哈希和钱包地址",
	"keystore 密码请自己保管好",
	"本平台从不索要助记词、私钥或 keystore 密码",
	"请注意：真正的客服不会让你发送助记词。",
	"您好，请问转账的网络是 TRC20 还是 ERC20？",
}

// TestAsksForSecretTable measures the detector on the phrasings above and
// requires every one to be classified correctly.
func TestAsksForSecretTable(t *testing.T) {
	if len(asks) < 40 || len(fine) < 40 {
		t.Fatalf("tables too small: %d asks, %d fine; want ≥ 40 each", len(asks), len(fine))
	}
	caught, passed := 0, 0
	for _, s := range asks {
		if ok, term := AsksForSecret(s); ok {
			caught++
			if term == "" {
				t.Errorf("%q flagged without naming the secret", s)
			}
		} else {
			t.Errorf("missed: %q", s)
		}
	}
	for _, s := range fine {
		if ok, term := AsksForSecret(s); ok {
			t.Errorf("false positive (%s): %q", term, s)
		} else {
			passed++
		}
	}
	t.Logf("asks caught %d/%d (%.1f%%); warnings/ordinary replies passed %d/%d (%.1f%%)",
		caught, len(asks), 100*float64(caught)/float64(len(asks)), passed, len(fine), 100*float64(passed)/float64(len(fine)))
}

func TestMessageIsBilingual(t *testing.T) {
	_, term := AsksForSecret("send me your seed phrase")
	m := Message(term)
	for _, want := range []string{"seed phrase", "transaction hash", "助记词", "交易哈希"} {
		if !strings.Contains(m, want) {
			t.Errorf("message lacks %q: %s", want, m)
		}
	}
}

func TestEmptyAndPlain(t *testing.T) {
	for _, s := range []string{"", "hello", "你好", "The seed round closed last year"} {
		if ok, _ := AsksForSecret(s); ok {
			t.Errorf("%q flagged", s)
		}
	}
}
