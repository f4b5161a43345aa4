// Package guard is Huiying's secret guard: it finds wallet secrets that
// users paste into support chats (seed phrases and private keys) so that they
// can be redacted before anything is stored.
//
// Scan returns the secrets of a text as byte ranges with a kind; Redact
// replaces each with a marker in Chinese and English, e.g.
// "[已隐藏助记词 / mnemonic removed]". A Guard holds the ten BIP39 wordlists,
// embedded in the binary and parsed once per process.
//
// # Mnemonics (kind "mnemonic")
//
// BIP39 mnemonics of 12, 15, 18, 21 or 24 words in any of the ten official
// wordlists (English, Chinese simplified and traditional, Japanese, Korean,
// Spanish, French, Italian, Czech, Portuguese), with a valid checksum: the
// 11-bit word indexes are the entropy followed by the first len/3 bits of its
// SHA-256. Words are matched case-insensitively after NFKD normalization,
// and for the Latin lists also without their accents ("arbol" is "árbol").
// Between two words any separators are allowed, up to 24 bytes: spaces, the
// ideographic space U+3000, commas, newlines, quotes, numbering ("1. ",
// "2) ", "#3 "). Japanese and Korean words glued to the sentence around them
// ("シードは" + first word) are split off. Japanese written without any
// separator is split into wordlist words by a bounded search, and counts
// only if a split passes the checksum.
//
// Chinese words are single characters, and ordinary Chinese text is mostly
// made of the 2048 characters of the Chinese lists. So a run of Chinese
// characters written without separators (or in regular groups, "的一是在
// 不了有和") counts only as a checksum-valid window of 12 to 24 characters that
// looks random: its separators are regular, and its characters are rare on
// average (the lists are ordered by frequency: the mean of ln(index+1) must
// reach 4.8) with no sign of ordinary text, a frequent Chinese word (about
// 670 words, see common.go) or a repeated character. One sign is allowed
// when the mean reaches 5.8, two repeats when it reaches 6.0, and windows of
// 15 or more characters get one or two repeats free. The checksum alone
// would let one window in 16 of ordinary text through.
//
// # Near-mnemonics (kind "mnemonic_like")
//
// Twelve or more consecutive words of one wordlist whose checksum fails (a
// word mistyped, swapped or replaced) are a secret too. A run may bridge up
// to two misspelt words (one edit from a word of a Latin list). Ordinary
// text is told apart as follows:
//
//   - English: many frequent English words are BIP39 words ("that", "have",
//     "you", "card"). A run passes only if at most half of its words are
//     among the most frequent English words (common.go; a misspelt word
//     counts as frequent). A random mnemonic has about 7% of them; English
//     text that strings twelve wordlist words together is made mostly of
//     them, and is rare anyway: the function words "the", "a", "to", "I",
//     "my", "is", "of", "and" are not BIP39 words and break runs.
//   - Chinese: only characters written one per word, each separated from the
//     next, can make a near-mnemonic, and their mean ln(index+1) must reach
//     4.8. Chinese without separators must pass the checksum (see above).
//   - A checksum-valid window of a run is accepted under a looser test
//     (English: at most half frequent words). The whole run is then redacted,
//     except one or two frequent English words at its ends ("seed: … ; key"):
//     a mistyped 24-word mnemonic may hold a 12-word window that passes the
//     checksum by chance, and the rest of it must go too.
//
// # Private keys
//
//   - "private_key_hex": 64 hex digits, with or without 0x, standing alone
//     (no ASCII letter or digit next to them), not all zero. A transaction
//     hash, a block hash or a SHA-256 checksum looks exactly the same, and the
//     product shows transaction hashes as wallet context. The rule, on the
//     48 bytes before the value (case-insensitive, whole words): a secret
//     label there ("private key", "privkey", "pk", "key", "secret", "seed",
//     "私钥", "密钥"...) makes it a private key whatever else is there;
//     otherwise a public label ("tx", "txid", "hash", "transaction",
//     "signature", "block", "public key", "address", "sha256", "交易",
//     "哈希", "区块", "签名", "公钥", a /tx/ URL...) makes it a hash that is
//     kept; with no label it is a private key. The trade-off: an unlabelled
//     transaction hash is redacted (the agent can ask for it again, or read
//     it from the wallet), and a private key that the user himself labels
//     "tx hash" with no secret label near it would be kept. Leaking a key
//     costs the user his funds; hiding a hash costs one question.
//   - "wif": a Bitcoin private key in wallet import format: base58check with
//     version 0x80 (mainnet) or 0xef (testnet), 32 bytes of key, or 33 ending
//     in 0x01 (compressed), and a valid double-SHA-256 checksum.
//   - "solana_secret": a base58 string that decodes to exactly 64 bytes; when
//     the second half is the ed25519 public key of the first it is a key
//     whatever the label, otherwise (a transaction signature has the same
//     form) the label rule above applies. Also a JSON array of exactly 64
//     numbers 0-255 (a keypair file), and 128 hex digits that are an ed25519
//     seed followed by its public key.
//   - "keystore": an Ethereum keystore, a JSON object with "crypto" (or
//     "Crypto"), "ciphertext" and "kdf"; the whole outermost object goes, to
//     the end of the text if it is cut off.
//
// Findings that overlap are joined (the kind of the more specific one wins),
// and any other occurrence of a found secret's exact text is reported too.
package guard
