// Every user-visible string of the console, in English and Simplified
// Chinese, plus the language choice and Intl-based formatting.

export const LANGS = ['en', 'zh-CN'];
const STORAGE_KEY = 'huiying.lang';

const en = {
  'app.name': 'Huiying',
  'title.app': 'Huiying',
  'title.login': 'Sign in · Huiying',
  'title.inbox': 'Inbox · Huiying',
  'title.conversation': 'Conversation · Huiying',
  'title.canned': 'Canned replies · Huiying',
  'title.admin': 'Admin · Huiying',
  'title.totp': 'Two-factor sign-in · Huiying',

  'lang.switchTo': 'Switch language to {lang}',
  'lang.name.en': 'English',
  'lang.name.zh-CN': 'Simplified Chinese',
  'lang.short.en': 'English',
  'lang.short.zh-CN': '中文',

  'nav.label': 'Main',
  'nav.skip': 'Skip to content',
  'nav.inbox': 'Inbox',
  'nav.canned': 'Canned replies',
  'nav.admin': 'Admin',
  'nav.signOut': 'Sign out',
  'nav.password': 'Change password',
  'nav.passwordShort': 'Password',

  'conn.connecting': 'Connecting…',
  'conn.live': 'Live',
  'conn.reconnecting': 'Reconnecting…',

  'login.title': 'Sign in',
  'login.subtitle': 'Huiying agent console',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.signingIn': 'Signing in…',
  'login.required': 'Enter your email and password.',
  'login.expired': 'Your session has ended. Please sign in again.',
  'login.totpCode': 'Two-factor code',
  'login.totpHint': 'The 6-digit code from your authenticator app.',
  'login.recoveryCode': 'Recovery code',
  'login.recoveryHint': 'One of the recovery codes you saved; each works once.',
  'login.useRecovery': 'Use a recovery code instead',
  'login.useTotp': 'Use the authenticator app instead',
  'login.totpNeeded': 'Enter the code from your authenticator app to finish signing in.',
  'login.totpRequired': 'Enter your two-factor code.',

  'password.title': 'Change password',
  'password.lead': 'After the change, your other signed-in browsers are signed out. This one stays signed in.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.repeat': 'Repeat the new password',
  'password.hint': 'At least {min} characters.',
  'password.submit': 'Change password',
  'password.saving': 'Saving…',
  'password.needCurrent': 'Enter your current password.',
  'password.tooShort': 'The new password must have at least {min} characters.',
  'password.same': 'The new password must differ from the current one.',
  'password.mismatch': 'The two new passwords do not match.',
  'password.wrongCurrent': 'The current password is wrong.',
  'password.done': 'Your password has been changed. Your other sessions were signed out.',

  'err.network': 'Cannot reach the server. Check your connection and try again.',
  'err.http': 'The server answered with an error (HTTP {status}).',
  'err.csrf': 'Your security token is out of date. Reload the page and try again.',
  'err.unknown': 'Something went wrong. Please try again.',

  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.copyFailed': 'Copy failed: select the text and copy it',
  'common.delete': 'Delete',
  'common.edit': 'Edit',
  'common.loading': 'Loading…',
  'common.remove': 'Remove',
  'common.save': 'Save',
  'common.shownOnce': 'This is shown only once. Store it somewhere safe now.',

  'visitor': 'Visitor',
  'status.open': 'Open',
  'status.pending': 'Pending',
  'status.snoozed': 'Snoozed',
  'status.resolved': 'Resolved',
  'status.closed': 'Closed',
  'priority.low': 'Low',
  'priority.normal': 'Normal',
  'priority.high': 'High',
  'priority.urgent': 'Urgent',
  'prio.badge': '{priority} priority',
  'role.agent': 'Agent',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Admin',

  'inbox.pageTitle': 'Inbox',
  'inbox.title': 'Conversations',
  'inbox.views': 'Views',
  'inbox.view.mine': 'Mine',
  'inbox.view.unassigned': 'Unassigned',
  'inbox.view.all': 'All',
  'inbox.filters': 'Filters',
  'inbox.filtersActive': 'Filters ({n} active)',
  'inbox.filter.status': 'Status',
  'inbox.filter.anyStatus': 'Any status',
  'inbox.filter.inbox': 'Inbox',
  'inbox.filter.anyInbox': 'All inboxes',
  'inbox.filter.team': 'Team',
  'inbox.filter.anyTeam': 'All teams',
  'inbox.filter.tag': 'Tag',
  'inbox.total': '{n} conversations',
  'inbox.totalOne': '1 conversation',
  'inbox.empty': 'No conversations here.',
  'inbox.loadMore': 'Load more',
  'inbox.pick': 'Select a conversation to read it.',

  'row.unread': 'New messages',
  'row.attachment': 'Attachment',
  'row.noMessages': 'No messages yet',
  'row.prefix.outbound': 'Agent: ',
  'row.prefix.note': 'Note: ',
  'row.prefix.bot': 'Bot: ',

  'conv.region': 'Conversation',
  'conv.back': 'Back to list',
  'conv.details': 'Details',
  'conv.actions': 'Conversation actions',
  'conv.loading': 'Loading messages…',
  'conv.noMessages': 'No messages yet.',
  'conv.notFound': 'This conversation does not exist.',
  'conv.thread': 'Messages',
  'conv.assignMe': 'Assign to me',
  'conv.assignedToMe': 'Assigned to me',
  'conv.assignedTo': 'Assigned to {name}',
  'conv.unassigned': 'Unassigned',
  'conv.team': 'Team {name}',
  'conv.resolve': 'Resolve',
  'conv.reopen': 'Reopen',
  'conv.pending': 'Mark pending',
  'conv.snooze': 'Snooze…',
  'conv.snoozedUntil': 'Snoozed until {time}',
  'conv.visitorTyping': 'Visitor is typing…',

  'snooze.title': 'Snooze conversation',
  'snooze.until': 'Snooze until',
  'snooze.presets': 'Quick choices',
  'snooze.inHour': 'In 1 hour',
  'snooze.tomorrow': 'Tomorrow 09:00',
  'snooze.nextWeek': 'Next Monday 09:00',
  'snooze.confirm': 'Snooze',
  'snooze.future': 'Choose a time in the future.',

  'msg.noteLabel': 'Internal note',
  'msg.botLabel': 'Bot',
  'msg.bot': 'Bot',
  'msg.system': 'System',
  'msg.agent': 'Agent',
  'msg.image': 'Image',
  'msg.file': 'File',
  'msg.openImage': 'Open image {name}',
  'announce.message': 'New message from {name}: {text}',

  'composer.label': 'Reply',
  'composer.mode': 'Message type',
  'composer.modeReply': 'Reply',
  'composer.modeNote': 'Internal note',
  'composer.replyLabel': 'Reply to the visitor',
  'composer.noteLabel': 'Internal note (only agents see it)',
  'composer.replyPlaceholder': 'Write a reply… (type / for canned replies)',
  'composer.notePlaceholder': 'Write an internal note… only agents see it',
  'composer.hint': 'Ctrl+Enter or ⌘+Enter to send · / for canned replies',
  'composer.send': 'Send',
  'composer.addNote': 'Add note',
  'composer.attach': 'Attach file',
  'composer.noAttachInNote': 'Files are always sent to the visitor; switch to Reply to attach one.',
  'composer.removeFile': 'Remove file {name}',
  'composer.empty': 'Write a message first.',

  'side.title': 'Conversation details',
  'side.conversation': 'Conversation',
  'side.priority': 'Priority',
  'side.assignee': 'Assignee',
  'side.unassigned': 'Unassigned',
  'side.team': 'Team',
  'side.noTeam': 'No team',
  'side.inbox': 'Inbox',
  'side.tags': 'Tags',
  'side.noTags': 'No tags',
  'side.addTag': 'Add tag',
  'side.addTagButton': 'Add',
  'side.addTagPlaceholder': 'New tag',
  'side.removeTag': 'Remove tag {tag}',
  'side.contact': 'Contact',
  'side.attributes': 'Custom attributes',
  'side.noAttrs': 'No attributes yet.',
  'side.attrKey': 'Key',
  'side.attrValue': 'Value',
  'side.attrAdd': 'Add attribute',
  'side.attrSave': 'Save {key}',
  'side.attrRemove': 'Remove {key}',
  'side.past': 'Past conversations',
  'side.noPast': 'No other conversations.',

  'contact.name': 'Name',
  'contact.email': 'Email',
  'contact.externalId': 'External ID',
  'contact.since': 'First seen',

  'canned.title': 'Canned replies',
  'canned.lead': 'Type / and the shortcut in the reply box to insert a canned reply. {{contact.name}} and {{agent.name}} are replaced by the visitor\'s and your name.',
  'canned.new': 'New canned reply',
  'canned.edit': 'Edit /{shortcut}',
  'canned.shortcut': 'Shortcut',
  'canned.shortcutHint': 'One word without spaces, e.g. refund',
  'canned.titleField': 'Title',
  'canned.body': 'Text',
  'canned.bodyHint': 'Variables: {{contact.name}}, {{agent.name}}',
  'canned.create': 'Create',
  'canned.created': 'Canned reply created.',
  'canned.saved': 'Canned reply saved.',
  'canned.listLabel': 'Saved canned replies',
  'canned.none': 'No canned replies yet.',
  'canned.editLabel': 'Edit /{shortcut}',
  'canned.deleteLabel': 'Delete /{shortcut}',
  'canned.deleteQ': 'Delete this reply?',
  'canned.confirmDelete': 'Yes, delete',
  'canned.badShortcut': 'Enter a shortcut without spaces.',
  'canned.needBody': 'Enter the text of the reply.',
  'canned.popupLabel': 'Canned replies',

  'admin.title': 'Administration',
  'admin.sections': 'Admin sections',
  'admin.onlyAdmins': 'Only administrators can open this page.',
  'admin.tab.agents': 'Agents',
  'admin.tab.teams': 'Teams',
  'admin.tab.inboxes': 'Inboxes',
  'admin.tab.channels': 'Official channels',
  'admin.channels.title': 'Official channels',
  'admin.channels.hint': 'Listed on the public page that explains how to recognise real support (at most 20, https links only):',
  'admin.channels.add': 'Add a channel',
  'admin.channels.label': 'Label',
  'admin.channels.url': 'URL (https://)',
  'admin.channels.none': 'No official channels yet.',
  'admin.channels.invalid': 'Every channel needs a label and an https:// link.',
  'admin.channels.saved': 'Official channels saved.',
  'wallet.address': 'Address',
  'wallet.tx': 'Transaction',

  'admin.agents.inviteTitle': 'Invite an agent',
  'admin.agents.email': 'Email',
  'admin.agents.name': 'Name',
  'admin.agents.role': 'Role',
  'admin.agents.password': 'Password (optional)',
  'admin.agents.passwordHint': 'At least 10 characters. Leave empty to generate one.',
  'admin.agents.invite': 'Invite',
  'admin.agents.needEmail': 'Enter an email address.',
  'admin.agents.shortPassword': 'The password needs at least 10 characters.',
  'admin.agents.passwordFor': 'Password for {email}',
  'admin.agents.passwordOnce': 'Give this password to the agent now; it is shown only once.',
  'admin.agents.created': 'Agent {email} created.',
  'admin.agents.listTitle': 'Agents',
  'admin.agents.none': 'No agents.',
  'admin.agents.you': '(you)',
  'admin.agents.active': 'Active',
  'admin.agents.inactive': 'Deactivated',
  'admin.agents.roleFor': 'Role of {name}',
  'admin.agents.deactivate': 'Deactivate',
  'admin.agents.reactivate': 'Reactivate',
  'admin.agents.deactivateLabel': 'Deactivate {name}',
  'admin.agents.reactivateLabel': 'Reactivate {name}',

  'admin.teams.createTitle': 'Create a team',
  'admin.teams.name': 'Team name',
  'admin.teams.create': 'Create team',
  'admin.teams.needName': 'Enter a team name.',
  'admin.teams.created': 'Team {name} created.',
  'admin.teams.listTitle': 'Teams',
  'admin.teams.none': 'No teams yet.',
  'admin.teams.members': 'Members of {team}',
  'admin.teams.noMembers': 'No members yet.',
  'admin.teams.addMember': 'Add a member to {team}',
  'admin.teams.pickAgent': 'Choose an agent…',
  'admin.teams.add': 'Add',
  'admin.teams.removeMember': 'Remove {name} from {team}',

  'admin.inboxes.createTitle': 'Create a web-chat inbox',
  'admin.inboxes.createHint': 'Each inbox has its own chat widget key and HMAC secret for identified users.',
  'admin.inboxes.name': 'Inbox name',
  'admin.inboxes.create': 'Create inbox',
  'admin.inboxes.needName': 'Enter an inbox name.',
  'admin.inboxes.created': 'Inbox {name} created.',
  'admin.inboxes.secret': 'HMAC secret (for user_hash on your backend)',
  'admin.inboxes.secretOnce': 'Store this secret on your backend now; it is not shown again. Never put it in the app.',
  'admin.inboxes.listTitle': 'Inboxes',
  'admin.inboxes.none': 'No inboxes yet.',
  'admin.inboxes.key': 'Public key',
  'admin.inboxes.copyKey': 'Copy public key',
  'admin.inboxes.snippet': 'Embed snippet (paste before </body>):',
  'admin.inboxes.copySnippet': 'Copy snippet',
  'admin.inboxes.chatLink': 'Full-page chat:',
  'admin.inboxes.channel.webchat': 'Web chat',
  'admin.inboxes.channel.api': 'API',
  'totp.title': 'Turn on two-factor sign-in',
  'totp.intro': 'Administrators must use two-factor sign-in. Set it up now to continue.',
  'totp.step1': 'Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password).',
  'totp.step2': 'Add an account with this otpauth URL, or type in the secret by hand:',
  'totp.url': 'otpauth URL',
  'totp.secret': 'Secret',
  'totp.copyUrl': 'Copy otpauth URL',
  'totp.copySecret': 'Copy secret',
  'totp.code': 'Enter the 6-digit code the app shows',
  'totp.confirm': 'Turn on',
  'totp.needCode': 'Enter the code from your app.',
  'totp.codesTitle': 'Your recovery codes',
  'totp.copyCodes': 'Copy all codes',
  'totp.codesOnce': 'Store these codes somewhere safe now; they are shown only once. Each code signs you in once if you lose your phone.',
  'totp.done': 'I have saved my codes — continue',
  'totp.retry': 'Try again',

  'admin.tab.audit': 'Audit log',
  'admin.audit.title': 'Audit log',
  'admin.audit.filters': 'Filter',
  'admin.audit.actor': 'Who',
  'admin.audit.anyone': 'Anyone',
  'admin.audit.action': 'Action',
  'admin.audit.since': 'From (UTC)',
  'admin.audit.until': 'To (UTC)',
  'admin.audit.apply': 'Show',
  'admin.audit.export': 'Export CSV',
  'admin.audit.more': 'Show older entries',
  'admin.audit.none': 'No entries.',
  'admin.audit.col.at': 'When',
  'admin.audit.col.actor': 'Who',
  'admin.audit.col.action': 'Action',
  'admin.audit.col.target': 'Target',
  'admin.audit.col.ip': 'IP',
  'admin.audit.col.details': 'Details',
  'admin.audit.actorType.agent': 'console',
  'admin.audit.actorType.token': 'API token',
  'admin.audit.actorType.system': 'system',

  'notFound.title': 'Page not found',
  'notFound.back': 'Go to the inbox',
};

const zh = {
  'app.name': '回应',
  'title.app': '回应',
  'title.login': '登录 · 回应',
  'title.inbox': '收件箱 · 回应',
  'title.conversation': '会话 · 回应',
  'title.canned': '快捷回复 · 回应',
  'title.admin': '管理 · 回应',
  'title.totp': '两步验证 · 回应',

  'lang.switchTo': '切换语言为{lang}',
  'lang.name.en': '英语',
  'lang.name.zh-CN': '简体中文',
  'lang.short.en': 'English',
  'lang.short.zh-CN': '中文',

  'nav.label': '主导航',
  'nav.skip': '跳到主要内容',
  'nav.inbox': '收件箱',
  'nav.canned': '快捷回复',
  'nav.admin': '管理',
  'nav.signOut': '退出登录',
  'nav.password': '修改密码',
  'nav.passwordShort': '密码',

  'conn.connecting': '连接中…',
  'conn.live': '实时',
  'conn.reconnecting': '重新连接中…',

  'login.title': '登录',
  'login.subtitle': '回应客服工作台',
  'login.email': '邮箱',
  'login.password': '密码',
  'login.submit': '登录',
  'login.signingIn': '正在登录…',
  'login.required': '请输入邮箱和密码。',
  'login.expired': '登录已失效，请重新登录。',
  'login.totpCode': '两步验证码',
  'login.totpHint': '身份验证器应用中的 6 位验证码。',
  'login.recoveryCode': '恢复码',
  'login.recoveryHint': '您保存的恢复码之一，每个只能使用一次。',
  'login.useRecovery': '改用恢复码',
  'login.useTotp': '改用身份验证器应用',
  'login.totpNeeded': '请输入身份验证器应用中的验证码以完成登录。',
  'login.totpRequired': '请输入两步验证码。',

  'password.title': '修改密码',
  'password.lead': '修改后，其他已登录的浏览器会被退出登录；当前浏览器保持登录。',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.repeat': '再次输入新密码',
  'password.hint': '至少 {min} 个字符。',
  'password.submit': '修改密码',
  'password.saving': '正在保存…',
  'password.needCurrent': '请输入当前密码。',
  'password.tooShort': '新密码至少需要 {min} 个字符。',
  'password.same': '新密码不能与当前密码相同。',
  'password.mismatch': '两次输入的新密码不一致。',
  'password.wrongCurrent': '当前密码不正确。',
  'password.done': '密码已修改，其他会话已退出登录。',

  'err.network': '无法连接服务器，请检查网络后重试。',
  'err.http': '服务器返回错误（HTTP {status}）。',
  'err.csrf': '安全令牌已过期，请刷新页面后重试。',
  'err.unknown': '出错了，请重试。',

  'common.cancel': '取消',
  'common.close': '关闭',
  'common.copy': '复制',
  'common.copied': '已复制',
  'common.copyFailed': '复制失败：请手动选中文本复制',
  'common.delete': '删除',
  'common.edit': '编辑',
  'common.loading': '加载中…',
  'common.remove': '移除',
  'common.save': '保存',
  'common.shownOnce': '此内容只显示一次，请立即妥善保存。',

  'visitor': '访客',
  'status.open': '处理中',
  'status.pending': '待处理',
  'status.snoozed': '已暂缓',
  'status.resolved': '已解决',
  'status.closed': '已关闭',
  'priority.low': '低',
  'priority.normal': '普通',
  'priority.high': '高',
  'priority.urgent': '紧急',
  'prio.badge': '优先级：{priority}',
  'role.agent': '客服',
  'role.supervisor': '主管',
  'role.admin': '管理员',

  'inbox.pageTitle': '收件箱',
  'inbox.title': '会话',
  'inbox.views': '视图',
  'inbox.view.mine': '我的',
  'inbox.view.unassigned': '未分配',
  'inbox.view.all': '全部',
  'inbox.filters': '筛选',
  'inbox.filtersActive': '筛选（{n} 项生效）',
  'inbox.filter.status': '状态',
  'inbox.filter.anyStatus': '全部状态',
  'inbox.filter.inbox': '收件箱',
  'inbox.filter.anyInbox': '全部收件箱',
  'inbox.filter.team': '团队',
  'inbox.filter.anyTeam': '全部团队',
  'inbox.filter.tag': '标签',
  'inbox.total': '共 {n} 个会话',
  'inbox.totalOne': '共 1 个会话',
  'inbox.empty': '这里没有会话。',
  'inbox.loadMore': '加载更多',
  'inbox.pick': '选择一个会话查看。',

  'row.unread': '有新消息',
  'row.attachment': '附件',
  'row.noMessages': '暂无消息',
  'row.prefix.outbound': '客服：',
  'row.prefix.note': '备注：',
  'row.prefix.bot': '机器人：',

  'conv.region': '当前会话',
  'conv.back': '返回列表',
  'conv.details': '详情',
  'conv.actions': '会话操作',
  'conv.loading': '正在加载消息…',
  'conv.noMessages': '暂无消息。',
  'conv.notFound': '该会话不存在。',
  'conv.thread': '消息',
  'conv.assignMe': '分配给我',
  'conv.assignedToMe': '已分配给我',
  'conv.assignedTo': '负责人：{name}',
  'conv.unassigned': '未分配',
  'conv.team': '团队：{name}',
  'conv.resolve': '标记已解决',
  'conv.reopen': '重新打开',
  'conv.pending': '标记待处理',
  'conv.snooze': '暂缓…',
  'conv.snoozedUntil': '暂缓至 {time}',
  'conv.visitorTyping': '访客正在输入…',

  'snooze.title': '暂缓会话',
  'snooze.until': '暂缓至',
  'snooze.presets': '快速选择',
  'snooze.inHour': '1 小时后',
  'snooze.tomorrow': '明天 09:00',
  'snooze.nextWeek': '下周一 09:00',
  'snooze.confirm': '暂缓',
  'snooze.future': '请选择一个将来的时间。',

  'msg.noteLabel': '内部备注',
  'msg.botLabel': '机器人',
  'msg.bot': '机器人',
  'msg.system': '系统',
  'msg.agent': '客服',
  'msg.image': '图片',
  'msg.file': '文件',
  'msg.openImage': '打开图片 {name}',
  'announce.message': '{name} 发来新消息：{text}',

  'composer.label': '回复',
  'composer.mode': '消息类型',
  'composer.modeReply': '回复',
  'composer.modeNote': '内部备注',
  'composer.replyLabel': '回复访客',
  'composer.noteLabel': '内部备注（仅客服可见）',
  'composer.replyPlaceholder': '输入回复…（输入 / 使用快捷回复）',
  'composer.notePlaceholder': '输入内部备注…仅客服可见',
  'composer.hint': 'Ctrl+Enter 或 ⌘+Enter 发送 · 输入 / 使用快捷回复',
  'composer.send': '发送',
  'composer.addNote': '添加备注',
  'composer.attach': '添加附件',
  'composer.noAttachInNote': '附件总会发送给访客；请切换到“回复”再添加附件。',
  'composer.removeFile': '移除文件 {name}',
  'composer.empty': '请先输入内容。',

  'side.title': '会话详情',
  'side.conversation': '会话',
  'side.priority': '优先级',
  'side.assignee': '负责人',
  'side.unassigned': '未分配',
  'side.team': '团队',
  'side.noTeam': '无团队',
  'side.inbox': '收件箱',
  'side.tags': '标签',
  'side.noTags': '暂无标签',
  'side.addTag': '添加标签',
  'side.addTagButton': '添加',
  'side.addTagPlaceholder': '新标签',
  'side.removeTag': '移除标签 {tag}',
  'side.contact': '联系人',
  'side.attributes': '自定义属性',
  'side.noAttrs': '暂无属性。',
  'side.attrKey': '键',
  'side.attrValue': '值',
  'side.attrAdd': '添加属性',
  'side.attrSave': '保存 {key}',
  'side.attrRemove': '移除 {key}',
  'side.past': '历史会话',
  'side.noPast': '没有其他会话。',

  'contact.name': '姓名',
  'contact.email': '邮箱',
  'contact.externalId': '外部 ID',
  'contact.since': '首次出现',

  'canned.title': '快捷回复',
  'canned.lead': '在回复框中输入 / 加快捷词即可插入快捷回复。{{contact.name}} 和 {{agent.name}} 会被替换为访客和你的名字。',
  'canned.new': '新建快捷回复',
  'canned.edit': '编辑 /{shortcut}',
  'canned.shortcut': '快捷词',
  'canned.shortcutHint': '一个不含空格的词，例如 refund',
  'canned.titleField': '标题',
  'canned.body': '内容',
  'canned.bodyHint': '可用变量：{{contact.name}}、{{agent.name}}',
  'canned.create': '创建',
  'canned.created': '快捷回复已创建。',
  'canned.saved': '快捷回复已保存。',
  'canned.listLabel': '已保存的快捷回复',
  'canned.none': '还没有快捷回复。',
  'canned.editLabel': '编辑 /{shortcut}',
  'canned.deleteLabel': '删除 /{shortcut}',
  'canned.deleteQ': '确定删除这条回复？',
  'canned.confirmDelete': '确定删除',
  'canned.badShortcut': '请输入不含空格的快捷词。',
  'canned.needBody': '请输入回复内容。',
  'canned.popupLabel': '快捷回复',

  'admin.title': '管理',
  'admin.sections': '管理分区',
  'admin.onlyAdmins': '只有管理员可以打开此页面。',
  'admin.tab.agents': '客服',
  'admin.tab.teams': '团队',
  'admin.tab.inboxes': '收件箱',
  'admin.tab.channels': '官方渠道',
  'admin.channels.title': '官方渠道',
  'admin.channels.hint': '显示在说明如何识别真正客服的公开页面上（最多 20 个，仅限 https 链接）：',
  'admin.channels.add': '添加渠道',
  'admin.channels.label': '名称',
  'admin.channels.url': '网址（https://）',
  'admin.channels.none': '尚未设置官方渠道。',
  'admin.channels.invalid': '每个渠道都需要名称和 https:// 链接。',
  'admin.channels.saved': '官方渠道已保存。',
  'wallet.address': '地址',
  'wallet.tx': '交易',

  'admin.agents.inviteTitle': '邀请客服',
  'admin.agents.email': '邮箱',
  'admin.agents.name': '姓名',
  'admin.agents.role': '角色',
  'admin.agents.password': '密码（可选）',
  'admin.agents.passwordHint': '至少 10 个字符。留空则自动生成。',
  'admin.agents.invite': '邀请',
  'admin.agents.needEmail': '请输入邮箱地址。',
  'admin.agents.shortPassword': '密码至少需要 10 个字符。',
  'admin.agents.passwordFor': '{email} 的密码',
  'admin.agents.passwordOnce': '请立即把密码交给该客服；它只显示一次。',
  'admin.agents.created': '已创建客服 {email}。',
  'admin.agents.listTitle': '客服',
  'admin.agents.none': '没有客服。',
  'admin.agents.you': '（你）',
  'admin.agents.active': '已启用',
  'admin.agents.inactive': '已停用',
  'admin.agents.roleFor': '{name} 的角色',
  'admin.agents.deactivate': '停用',
  'admin.agents.reactivate': '重新启用',
  'admin.agents.deactivateLabel': '停用 {name}',
  'admin.agents.reactivateLabel': '重新启用 {name}',

  'admin.teams.createTitle': '创建团队',
  'admin.teams.name': '团队名称',
  'admin.teams.create': '创建团队',
  'admin.teams.needName': '请输入团队名称。',
  'admin.teams.created': '已创建团队 {name}。',
  'admin.teams.listTitle': '团队',
  'admin.teams.none': '还没有团队。',
  'admin.teams.members': '{team} 的成员',
  'admin.teams.noMembers': '暂无成员。',
  'admin.teams.addMember': '为 {team} 添加成员',
  'admin.teams.pickAgent': '选择客服…',
  'admin.teams.add': '添加',
  'admin.teams.removeMember': '将 {name} 移出 {team}',

  'admin.inboxes.createTitle': '创建网页聊天收件箱',
  'admin.inboxes.createHint': '每个收件箱都有自己的聊天插件公钥，以及用于识别已登录用户的 HMAC 密钥。',
  'admin.inboxes.name': '收件箱名称',
  'admin.inboxes.create': '创建收件箱',
  'admin.inboxes.needName': '请输入收件箱名称。',
  'admin.inboxes.created': '已创建收件箱 {name}。',
  'admin.inboxes.secret': 'HMAC 密钥（在你的后端计算 user_hash 时使用）',
  'admin.inboxes.secretOnce': '请立即把此密钥保存到你的后端；它不会再次显示。切勿放进 App。',
  'admin.inboxes.listTitle': '收件箱',
  'admin.inboxes.none': '还没有收件箱。',
  'admin.inboxes.key': '公钥',
  'admin.inboxes.copyKey': '复制公钥',
  'admin.inboxes.snippet': '嵌入代码（粘贴到 </body> 之前）：',
  'admin.inboxes.copySnippet': '复制代码',
  'admin.inboxes.chatLink': '整页聊天：',
  'admin.inboxes.channel.webchat': '网页聊天',
  'admin.inboxes.channel.api': 'API',
  'totp.title': '开启两步验证',
  'totp.intro': '管理员必须使用两步验证登录。请先完成设置再继续。',
  'totp.step1': '在手机上打开身份验证器应用（例如 Google Authenticator、Microsoft Authenticator 或 1Password）。',
  'totp.step2': '用下面的 otpauth 链接添加账户，或手动输入密钥：',
  'totp.url': 'otpauth 链接',
  'totp.secret': '密钥',
  'totp.copyUrl': '复制 otpauth 链接',
  'totp.copySecret': '复制密钥',
  'totp.code': '输入应用显示的 6 位验证码',
  'totp.confirm': '开启',
  'totp.needCode': '请输入应用中的验证码。',
  'totp.codesTitle': '您的恢复码',
  'totp.copyCodes': '复制全部恢复码',
  'totp.codesOnce': '请立即妥善保存这些恢复码，它们只显示这一次。手机丢失时，每个恢复码可登录一次。',
  'totp.done': '我已保存恢复码，继续',
  'totp.retry': '重试',

  'admin.tab.audit': '审计日志',
  'admin.audit.title': '审计日志',
  'admin.audit.filters': '筛选',
  'admin.audit.actor': '操作人',
  'admin.audit.anyone': '所有人',
  'admin.audit.action': '操作',
  'admin.audit.since': '起始（UTC）',
  'admin.audit.until': '截止（UTC）',
  'admin.audit.apply': '显示',
  'admin.audit.export': '导出 CSV',
  'admin.audit.more': '显示更早的记录',
  'admin.audit.none': '没有记录。',
  'admin.audit.col.at': '时间',
  'admin.audit.col.actor': '操作人',
  'admin.audit.col.action': '操作',
  'admin.audit.col.target': '对象',
  'admin.audit.col.ip': 'IP',
  'admin.audit.col.details': '详情',
  'admin.audit.actorType.agent': '控制台',
  'admin.audit.actorType.token': 'API 令牌',
  'admin.audit.actorType.system': '系统',

  'notFound.title': '页面不存在',
  'notFound.back': '前往收件箱',
};

export const dictionaries = { en, 'zh-CN': zh };

let lang = 'en';
const listeners = new Set();

export function detectLang() {
  let stored = '';
  try { stored = localStorage.getItem(STORAGE_KEY) || ''; } catch { /* private mode */ }
  if (LANGS.includes(stored)) return stored;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || '';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function apply(l) {
  lang = LANGS.includes(l) ? l : 'en';
  document.documentElement.lang = lang;
  fmtCache.clear();
}

// initLang picks the language (stored choice, else the browser's).
export function initLang() {
  apply(detectLang());
}

export function getLang() {
  return lang;
}

// setLang switches, remembers the choice and tells the listeners.
export function setLang(l) {
  apply(l);
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* ignore */ }
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// t looks a key up and fills {name} placeholders. Values are plain text;
// callers put the result into textContent, never into HTML.
export function t(key, vars) {
  const d = dictionaries[lang] || en;
  let s = Object.prototype.hasOwnProperty.call(d, key) ? d[key] : en[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m));
  return s;
}

export function statusLabel(s) {
  return t(`status.${s || 'open'}`);
}
export function priorityLabel(p) {
  return t(`priority.${p || 'normal'}`);
}
export function roleLabel(r) {
  return t(`role.${r || 'agent'}`);
}

// ---- formatting with Intl in the chosen language ---------------------------
const fmtCache = new Map();
function fmt(name, opts) {
  const k = `${lang}|${name}`;
  if (!fmtCache.has(k)) fmtCache.set(k, new Intl.DateTimeFormat(lang, opts));
  return fmtCache.get(k);
}

function toDate(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

// fmtListTime: the time today, the date this year, the full date before.
export function fmtListTime(iso) {
  const d = toDate(iso);
  if (!d) return '';
  const now = new Date();
  if (sameDay(d, now)) return fmt('hm', { hour: '2-digit', minute: '2-digit' }).format(d);
  if (d.getFullYear() === now.getFullYear()) return fmt('md', { month: 'short', day: 'numeric' }).format(d);
  return fmt('ymd', { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

// fmtMsgTime: the time today, date and time otherwise.
export function fmtMsgTime(iso) {
  const d = toDate(iso);
  if (!d) return '';
  if (sameDay(d, new Date())) return fmt('hm', { hour: '2-digit', minute: '2-digit' }).format(d);
  return fmt('mdhm', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

export function fmtDateTime(iso) {
  const d = toDate(iso);
  if (!d) return '';
  return fmt('full', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function fmtSize(bytes) {
  const n = Number(bytes) || 0;
  const nf = (v, digits) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(v);
  if (n < 1024) return `${nf(n, 0)} B`;
  if (n < 1024 * 1024) return `${nf(n / 1024, 1)} KB`;
  return `${nf(n / 1024 / 1024, 1)} MB`;
}
