package guard

// englishCommon lists some of the most frequent English words, written from
// general word-frequency knowledge (not derived from any test corpus). About
// 140 of them are also BIP39 English words ("that", "this", "have", "you",
// "card", "transfer"...). A random mnemonic draws its words uniformly from 2048,
// so few of them are common words; a run of English text that happens to
// consist of wordlist words is made mostly of common ones. The near-mnemonic
// rule uses the share of common words to tell them apart. The first line
// holds words that may stand next to a pasted mnemonic ("seed: …").
const englishCommon = `
seed key wallet word phrase
the be to of and a in that have i it for not on with he as you do at this
but his by from they we say her she or an will my one all would there their
what so up out if about who get which go me when make can like time no just
him know take people into year your good some could them see other than then
now look only come its over think also back after use two how our work first
well way even new want because any these give day most us is are was were
been has had did does am said made got went gone done need please help thank
thanks hi hello dear sir madam why where can't cannot still again since
account money card bank transfer payment pay paid send sent receive received
wallet app phone number problem issue today yesterday week month top fee
fees cash atm balance transaction pending refund cancel order charge charged
exchange rate amount fund funds should may might must let very much many
more less same last next long little own old right big high small large
never always ever every each both few such here off down through before
between under while above against around away yes okay ok sure able call
find tell ask seem feel try leave put mean keep begin show hear play run
move live believe hold bring happen write provide sit stand lose meet
include continue set learn change lead understand watch follow stop create
speak read allow add spend grow open walk win offer remember love consider
appear buy wait serve die build stay fall cut reach kill remain
`

// chineseCommon lists frequent Chinese words of two or more characters (function
// words, everyday verbs and nouns, and the vocabulary of payments and wallets),
// written from general knowledge, not derived from any test corpus. Natural
// Chinese text almost always contains some of them as adjacent characters; a
// mnemonic written without spaces is a sequence of random characters that
// almost never does. Their adjacent pairs (bigrams) are also mapped to
// traditional characters through the index-aligned wordlists.
const chineseCommon = `
我们 你们 他们 她们 它们 自己 什么 怎么 为什么 怎样
怎么样 哪里 哪儿 那里 这里 这个 那个 这些 那些 这样
那样 一个 一下 一些 一点 一直 一定 一样 一起 一般 一次
一切 没有 不是 不能 不会 不要 不用 不了 不过 不同 不行
不到 不知道 可以 可能 可是 应该 需要 就是 还是 但是
因为 所以 如果 虽然 而且 或者 然后 已经 正在 现在 以后
以前 之后 之前 时候 时间 今天 明天 昨天 今年 去年 每天
每次 每个 知道 觉得 认为 希望 喜欢 看到 看看 听到 说话
告诉 问题 问一下 请问 谢谢 你好 您好 麻烦 帮忙 帮我
帮助 为何 是否 是不是 有没有 能不能 会不会 要不要
多少 多久 几天 几个 还有 还没 还要 还能 也是 也不 也没
都是 都有 都不 就会 就要 只有 只是 只能 只要 能够 必须
一共 全部 所有 其他 别人 大家 人家 东西 事情 地方 情况
原因 结果 办法 方法 方式 意思 关系 其实 真的 确实 当然
比较 非常 特别 很多 太多 更多 最多 最近 最后 开始 结束
继续 出来 出去 起来 进来 回来 过来 下来 上来 成功 失败
完成 处理 解决 申请 使用 用户 客户 客服 人工 服务 系统
软件 手机 电脑 网络 账号 账户 帐户 帐号 密码 登录 注册
绑定 解绑 验证 验证码 短信 银行 银行卡 信用卡 信用
额度 利息 利率 费用 手续费 逾期 还款 借款 贷款 分期
提前 到账 转账 转入 转出 提现 充值 余额 支付 付款 收款
退款 交易 订单 记录 显示 提示 操作 设置 修改 更改 关闭
开通 取消 冻结 恢复 安全 风险 资金 金额 钱包 地址
助记词 私钥 公钥 区块 链上 网站 平台 官方 消息 通知
回复 联系 电话 号码 身份 身份证 实名 认证 审核 通过
提交 填写 选择 确认 确定 收到 发送 发现 发生 出现 突然
为啥 咋办 怎么办 怎么回事 干嘛 吗的 了吗 的话 的时候
了呢 是的 好的 对的 可不可以 还款日 到期 日期 上午
下午 晚上 小时 分钟 月份 个月 一年 一天 两天 三天 多长
多长时间 能否 何时 哪个 哪些 谁的 我的 你的 他的 她的
我要 我想 我是 我在 我有 我没 你们的 工作 生活 学习
公司 朋友 老师 学生 孩子 家里 中国 国家 社会 经济 发展
政府 市场 企业 世界 历史 文化 问问 一会 马上 立即 尽快
直接 自动 手动 主动 不能用 用了 用的 用不了 开了 关了
到了 过了 好了 完了 错了 对了 掉了 换了 变了 少了 多了
高了 低了 必要 重要 主要 要求 同意 允许 拒绝 影响 考虑
注意 小心 担心 放心 满意 不满 投诉 建议 反馈 说明 解释
理解 明白 清楚 了解 所谓 根据 按照 关于 对于 经过 由于
为了 除了 以及 并且 而是 不但 就算 即使 即便 无论 不管
于是 接着 然而 另外 此外 总之 首先 其次 最终 终于 竟然
居然 果然 难道 到底 究竟 大概 也许 或许 好像 似乎 通常
经常 常常 往往 总是 从来 从不 曾经 刚才 刚刚 已 正 将
会员 积分 优惠 活动 红包 奖励 商家 商品 购物 买东西
卖家 买家 名字 名称 姓名 地区 部分 一部分 全国 其中
以上 以下 方面 表示 进行 成为 作为 得到 提供 包括 产生
形成 学校 医院 商店 饭店 超市 单位 部门 工资 收入 价格
价钱 便宜 免费 付费 花钱 省钱 零钱 现金 收钱 付钱
二维码 扫码 扫一扫 收款码 付款码 商户 门店 店铺 网店
实体店 营业 执照 营业执照 证件 证明 材料 资料 信息
个人 名下 本人 家人 父母 同事 老板 员工 经理 手机号
邮箱 快递 物流 发货 收货 退货 换货 质量 数量 大小
多少钱 一块 块钱 元钱 美元 人民币 利润 成本 投资 理财
基金 股票 保险 存款 取款 存钱 取钱 借钱 欠款 欠钱 债务
合同 协议 条件 规定 规则 政策 法律 合法 违法 违规 警察
报警 诈骗 骗子 被骗 盗号 被盗 丢失 找回 忘记 记得 记住
重置 重新 再次 两次 多次 几次 每月 每年 按时 准时 及时
按期 过期 期限 期间 当时 当天 当月 今日 明日 昨日 目前
暂时 永久 长期 短期 临时 正常 异常 错误 正确 不符 相符
一致 不一致 符合 满足 达到 超过 低于 高于 上限 下限
限制 限额 提高 降低 增加 减少 调整 变化 改变 决定 打算
准备 计划 安排 参加 加入 退出 登陆 下载 安装 更新 升级
版本 页面 界面 按钮 点击 打开 进入 返回 首页 中心 在线
离线 网上 线上 线下 附近 周围 外面 里面 上面 下面 前面
后面 中间 旁边 左右 上下 前后 东西南北 一边 一面 一旦
`
