"""The default topic lexicon: curated Chinese phrases (with context) for the three shipped topics.

Each entry is ``(group, regex, polarity)``: ``group`` says what the phrase family covers (for documentation and
for error analysis), ``regex`` is matched against the *prepared* text (normalised, simplified, lower-case, with
negations rewritten by :func:`feedback_nlp.text.negation.rewrite_negations`, so "态度不差" arrives as "态度不错"), and
``polarity`` is the hint the phrase gives ("positive" / "negative") or ``None`` when the phrase only says *what*
is talked about ("服务态度", "排队"). Single characters are never entries on their own: "慢" is a topic cue only
after a service noun ("上菜太慢", "回复慢"), never after a product noun ("开机慢" is a product defect).

The lexicon is data: :class:`feedback_nlp.classify.topics.TopicModel` copies it into ``topics.json`` when it is
saved, and
a custom taxonomy passes its own ``{topic: [(group, regex, polarity), ...]}`` (or no lexicon at all).
The phrases were written from the topic definitions in the issue and from general knowledge of restaurant, bank,
app, hotel, delivery and shopping feedback, not mined from the labelled dev file.

>>> import re
>>> any(re.search(p, "柜台排队两小时") for _, p, _ in DEFAULT_LEXICON["efficiency"])
True
"""

from __future__ import annotations

__all__ = ["DEFAULT_LEXICON", "SERVICE_LEXICON", "LexiconEntry"]

LexiconEntry = tuple[str, str, "str | None"]

#: Characters a phrase window may not cross (clause punctuation).
_W = r"[^,.!?;:，。！？；：~～\s]"

# Who serves the customer: staff of hotels, restaurants, shops, banks, couriers, call centres.
_STAFF = (
    r"(?:服务员|服务生|服务人员|工作人员|前台|客服|人工客服|售后|店员|店家|卖家|商家|老板娘|老板|掌柜|骑手|骑士|"
    r"送餐员|送餐小哥|外卖小哥|外卖员|配送员|快递员|快递小哥|快递哥|小哥|司机|师傅|柜员|柜台|营业员|收银员|"
    r"理财经理|客户经理|大堂经理|值班经理|经理|保安|门童|行李员|接待|管家|导购|销售|业务员|专员|接线员|坐席|"
    r"员工|职员|小姐姐|小妹|送餐的|送外卖的|送货的|送餐人员|配送人员|外送|服务)"
)
# How they treated the customer (specific attitude words; checked in a window of up to 8 characters).
_ATT_POS = (
    r"(?:热情|耐心|礼貌|客气|友好|友善|和蔼|亲切|周到|贴心|细心|细致|体贴|专业|认真|负责|尽职|尽责|微笑|笑容|"
    r"主动|温柔|温暖|用心|真诚|实在|靠谱|好说话|有求必应|帮忙|帮我|帮助)"
)
_ATT_NEG = (
    r"(?:冷淡|冷漠|敷衍|不耐烦|不理|爱理不理|爱答不理|懒得理|没人理|不搭理|凶|骂|吼|训斥|甩脸|脸色|臭脸|恶劣|傲慢|"
    r"嚣张|无礼|没素质|素质差|素质低|推诿|推脱|踢皮球|刁难|不负责|不专业|忽悠|欺骗|糊弄|态度差|拒绝|不让|"
    r"挂电话|挂断|不管|不闻不问|置之不理|爱搭不理|不情愿|吵架|争吵|不讲理|看不起|瞧不起|嫌弃)"
)
# Generic evaluations, only right after a staff noun (window 3): "老板人很好", "小哥很给力", "客服太差".
_EVAL_POS = r"(?:很好|好好|不错|很棒|超棒|棒|给力|好评|满意|赞|优秀|一流|到位|nice|好人|可爱|友好)"
_EVAL_NEG = r"(?:很差|太差|差劲|差|不好|一般般|垃圾|恶心|无语|不行|奇葩|极差|烂|坑)"
_NOT_NEGATED = r"(?<!一点也)(?<!一点都)(?<!丝毫)(?<!从来)(?<!并)(?<!没有)(?<!没)(?<!从不)"
_ADV = r"(?:很|非常|特别|超|超级|挺|还|也|真|都|真的|比较|相当|十分|蛮|极|极其|太|实在|都很|也很|还是|更是)?"

# Service processes whose speed is the topic "efficiency" (not how fast a product runs).
_PROCESS = (
    r"(?:送餐|送货|送达|送到|送来|送的|送得|配送|外卖|物流|快递|发货|出货|到货|派送|派件|揽件|出餐|上菜|上餐|"
    r"出菜|上酒|做菜|办理|办事|业务|手续|审核|审批|放款|退款|退货|理赔|回复|回应|回信|响应|接听|处理|入住|"
    r"退房|结账|结帐|查房|check ?in|排队|等位|叫号|安装|维修|服务|反馈|客服|售后|上门|接单|顺丰|申通|圆通|中通|"
    r"韵达|ems|宅急送)"
)
_FAST = r"(?:快|迅速|神速|及时|准时|按时|麻利|利索|高效|效率高|秒回|速度快|很快|飞快|超快|挺快)"
_SLOW = (
    r"(?:慢|很久|好久|半天|超时|延迟|延误|晚了|晚到|拖拉|拖延|拖了|磨蹭|迟迟|太久|等了|效率低|效率太低|不及时|"
    r"没到|没送|还没|没人|没有人|没回|不回|遥遥无期)"
)
_NUM = r"(?:[0-9]+|[一二两俩三四五六七八九十几半]+)"
#: A clock time: "11点", "十点十五", "1点多", "11:38".
_CLOCK = (r"(?:[0-9]{1,2}[:：][0-9]{2}|(?:[0-9]{1,2}|[一二两三四五六七八九十]+)点"
          r"(?:半|多|[0-9]+分?|[一二三四五六七八九十]+分?)?)")
#: "速度" of a service, not of a machine ("开机速度很慢" is a product defect). The lookbehinds come after the literal
#: (checked only where "速度" is), which keeps the scan fast.
_SPEED = "速度" + "".join(f"(?<!{w}速度)" for w in (
    "运行", "反应", "开机", "读取", "充电", "传输", "网络", "下载", "上传", "加载", "写入", "启动"))
#: "效率" of a service, not of a machine ("加热效率高" is about the product).
_EFF = "效率" + "".join(f"(?<!{w}效率)" for w in ("制热", "加热", "工作", "能源", "转换", "制冷", "学习", "发电"))
_SPAN = _NUM + r"(?:个)?(?:多)?(?:小时|钟头|分钟|天|周|星期|礼拜|月)"

DEFAULT_LEXICON: dict[str, list[LexiconEntry]] = {
    "service_attitude": [
        ("attitude word", r"态度", None),
        ("attitude word", r"态度" + _ADV + r"(?:很好|好|不错|热情|和蔼|友好|亲切|诚恳|端正|满意|好评|棒|一流)",
         "positive"),
        ("attitude word", r"态度" + _W + r"{0,4}(?:差|恶劣|冷淡|冷漠|不好|一般|傲慢|生硬|蛮横|嚣张|极差|恶心|垃圾)",
         "negative"),
        ("service quality", r"服务" + _ADV + r"(?:很好|好|不错|周到|热情|到位|一流|贴心|满意|棒|优质|细致|完善|温馨)",
         "positive"),
        ("service quality", r"(?:良好|优质|贴心|周到|热情|一流|优秀|细致|人性化|专业|温馨|满意)的?服务", "positive"),
        ("service quality", r"服务" + _ADV + r"(?:差|烂|糟糕|恶劣|垃圾|不好|一般|不到位|不行|太次|差劲|极差)",
         "negative"),
        ("service quality", r"服务(?:意识|水平|质量|素质|态度)", None),
        ("staff + attitude", _STAFF + _W + r"{0,8}" + _ATT_POS, "positive"),
        ("staff + attitude", _STAFF + _W + r"{0,8}" + _NOT_NEGATED + _ATT_NEG, "negative"),
        ("negated bad attitude", r"(?:一点|丝毫|从来|从)(?:也|都)?(?:不|没有?)(?:不耐烦|耐烦|敷衍|冷漠|冷淡|凶|怠慢)",
         "positive"),
        ("staff + evaluation", _STAFF + _W + r"{0,5}" + _EVAL_POS, "positive"),
        ("staff + evaluation", _STAFF + _W + r"{0,5}" + _EVAL_NEG, "negative"),
        ("attitude word", r"(?:热情|耐心|礼貌|客气|和蔼|亲切|周到|体贴|殷勤)(?:地|的)?(?:接待|服务|解答|讲解|解释|"
         r"介绍|帮|指导|招呼|回答|问候|提醒)", "positive"),
        ("attitude word", r"(?:很|非常|特别|超|挺|十分|相当)(?:热情|耐心|礼貌|客气|和蔼|亲切|周到|体贴|友好|"
         r"有礼貌|负责)", "positive"),
        ("attitude word", r"(?:冷淡|冷漠|敷衍|爱理不理|爱答不理|爱搭不理|不耐烦|甩脸|摆脸色|臭脸|推诿|踢皮球|刁难|"
         r"态度恶劣|不理人|不理睬|没人理|没人管|无人理|不搭理|懒得理|翻白眼|骂人|吼人|凶巴巴|蛮横|傲慢|"
         r"没礼貌|没有礼貌|不礼貌|不尊重|服务意识差|互相推|不负责任)", "negative"),
        ("attitude word", r"(?:微笑服务|笑容|笑脸相迎|宾至如归|有求必应|服务意识强)", "positive"),
        ("call centre", r"(?:客服|售后|人工)" + _W + r"{0,6}(?:挂电话|挂断|推脱|推卸|不解决|不处理|不管|踢皮球|"
         r"不给解决|一问三不知|答非所问|机器人|套话|复读)", "negative"),
        ("call centre", r"(?:客服|售后|人工)" + _W + r"{0,6}(?:解决|处理|解答|回答)" + _W + r"{0,3}(?:问题)?"
         + _W + r"{0,3}(?:很|非常|特别|挺)?(?:耐心|专业|热情|到位|认真|及时|满意)", "positive"),
        ("service quality", r"服务" + _ADV + r"(?:尚可|还行|还可以|马马虎虎|凑合)", None),
        ("attitude word", r"(?:各种|对我|冲我|冲着我|对着我|对顾客|对客人)(?:大)?(?:吼|骂|凶|发火|发脾气|甩脸|嚷)",
         "negative"),
        ("ignored request", r"(?:不看|没看|无视|不理会|不按|没按|不管)(?:我的)?(?:备注|留言|要求|订单要求)",
         "negative"),
        ("ignored request", r"(?:没有人|没人|没有一个人|也不)(?:理我|理睬|回复|回应|管我)", "negative"),
        ("courier manners", r"(?:送到门口|送上楼|送到楼上|帮忙拿|打电话提醒|提前打电话|电话通知)", "positive"),
        ("courier manners", r"(?:不送上楼|不送到门口|不上楼|不肯上楼|只送到(?:楼下|门口|大门|路口|小区门口)|"
         r"(?:让|叫)(?:我|顾客|客人)?(?:自己)?(?:下楼|到楼下|去楼下|去路口|到路口)|自己下楼|下楼(?:去)?(?:取|拿)|"
         r"让我(?:下楼|自己)(?:去)?(?:拿|取)|扔在|丢在门口|不打电话|"
         r"放门口就走)", "negative"),
    ],
    "efficiency": [
        ("process + fast", _PROCESS + _W + r"{0,6}" + _FAST, "positive"),
        ("process + slow", _PROCESS + _W + r"{0,6}" + _SLOW, "negative"),
        ("process speed", _PROCESS + r"(?:的)?(?:速度|效率|时间|时效)", None),
        ("waiting", r"等了" + _W + r"{0,6}(?:" + _SPAN + r"|半天|好久|很久|太久|半个|一个|两个|几个)", "negative"),
        ("waiting", r"(?:等|等待)(?:了)?(?:太久|很久|好久|半天|这么久|那么久|超久|许久|老半天|大半天)", "negative"),
        ("waiting", r"(?:足足|整整|将近|快|近|都)?" + _SPAN + _W + r"{0,3}才(?:到|送|来|上|好|处理|回复|发货|收到|"
         r"办完|办好|轮到|接通|到账|退款|解决|出)", "negative"),
        ("waiting", r"(?:当天|次日|隔天|第二天|半小时|半个小时|一个小时|一小时|十几分钟|[0-9]+分钟)" + _W
         + r"{0,2}(?:就|便)(?:到|送到|送达|收到|到货|到了|办好|办完|处理好|到账)", "positive"),
        ("waiting", r"等(?:待)?(?:了)?(?:足足|整整|将近|快|近)?" + _SPAN, "negative"),
        ("waiting", r"才(?<!刚才)(?<!方才)(?:送到|送来|送达|送过来|送|到货|收到|到|发货|上菜|上齐|出餐|轮到)",
         "negative"),
        ("order time", _CLOCK + _W + r"{0,3}(?:定|订|叫|下单|下的单|点的|点餐|订的|定的|叫的|预定|预订)", None),
        ("order time", r"(?:预计|承诺|说好|约定|显示)" + _W + r"{0,4}(?:" + _CLOCK + r"|" + _SPAN + r")", None),
        ("delivery time", _SPAN + r"(?:才|就|便)?(?:送到|送达|送来|到货|收到)", None),
        ("delivery time", r"(?:提前|提早)(?:送到|送达|到|到达|发货|完成)", "positive"),
        ("delivery time", r"(?:下单|下的单|订单|拍下|付款)" + _W + r"{0,4}[,，]?" + _W
         + r"{0,8}(?:就|便)(?:到|送到|到了|"
         r"收到|发货|通知)", "positive"),
        ("logistics", r"(?:物流|快递|配送|送货)" + _ADV + r"(?:太差|很差|差劲|不给力|垃圾|烂)", "negative"),
        ("logistics", r"(?:物流|快递|配送|送货)" + _ADV + r"(?:给力|超给力|很给力)", "positive"),
        ("speed words", r"慢{2,}|又慢(?<!运行又慢)(?<!反应又慢)(?<!开机又慢)(?!慢)", "negative"),
        ("speed words", r"快捷(?!键|酒店|方式|菜单|支付|登录|入口)", "positive"),
        ("speed words", _EFF, None),
        ("queue", r"(?:排队|排了|等位|叫号|候车|等号)", "negative"),
        ("queue", r"(?:不用|无需|不需要|没有|没)(?:排队|等位|等待|久等)", "positive"),
        ("speed words", _EFF + _ADV + r"(?:高|快|不错|很好|惊人)", "positive"),
        ("speed words", _EFF + _ADV + r"(?:低|慢|差|太低|不行|太差|极低)", "negative"),
        ("speed words", _SPEED + _ADV + r"(?:快|很快|迅速|惊人|不错|很好|一流|可以)", "positive"),
        ("speed words", _SPEED + _ADV + r"(?:慢|太慢|很慢|一般|不行|差)", "negative"),
        ("speed words", r"(?:神速|超快|速度杠杠|风驰电掣|准时送达|按时送达|提前送达|准时到达|及时送达|送货及时|"
         r"发货及时|回复及时|响应及时|处理及时|秒回|秒到|秒发)", "positive"),
        ("delay", r"(?:超时|延误|延迟|迟到|晚点|晚送|送晚|晚了" + _W + r"{0,3}(?:小时|分钟)|拖了|拖延|磨磨蹭蹭|"
         r"磨蹭|迟迟|遥遥无期|催了|催单|催促|一催再催)", "negative"),
        ("delay", r"(?:一直|始终|到现在|至今|还是)(?:都)?(?:没|不|未)(?:有)?(?:到|送|发货|回复|处理|到账|退款|"
         r"人接|接|解决|回应|消息|动静|通知|审核|安排|收到)", "negative"),
        ("delay", r"(?:" + _SPAN + r"|几天|半个月|一周|好几天|这么久)了?(?:还|都|仍|仍然|依然)(?:是)?(?:没|没有|未|不)"
         r"(?:有)?(?:到|送|发货|回复|处理|到账|退款|消息|动静|审核|解决|收到|通过)", "negative"),
        ("phone queue", r"(?:打不通|没人接|无人接听|一直占线|占线|转人工" + _W + r"{0,6}(?:难|等|慢|不通|排队)|"
         r"人工客服" + _W + r"{0,4}(?:难|等|排队|不通))", "negative"),
        ("front desk", r"(?:入住|退房|结账|结帐|办理|check ?in|登记)(?:手续)?" + _W + r"{0,4}(?:很|非常|挺|比较)?"
         r"(?:快|迅速|方便快捷|高效|顺利|简单)", "positive"),
    ],
    "product_defect": [
        ("quality", r"(?:质量|品质|做工|工艺|用料|材质)" + _ADV + r"(?:差|不好|一般|不行|有问题|堪忧|太次|低劣|次|"
         r"粗糙|垃圾|烂|糟糕|不过关|不怎么样|太差|很差|极差)", "negative"),
        ("quality", r"(?:质量问题|粗糙|瑕疵|划痕|划伤|刮花|磨损|掉漆|起皮|起球|开线|脱线|掉色|褪色|缩水|变形|"
         r"掉毛|线头|污渍|污迹|色差)", "negative"),
        ("broken", r"(?:破损|损坏|坏了|坏的|摔坏|弄坏|破了|破的|裂了|裂开|裂缝|碎了|断了|压坏|压扁|烂了|瘪了|"
         r"漏水|漏油|漏气|漏电|漏液|漏汤|洒了|撒了|洒出|撒出|溢出|有问题|出问题|出了问题|毛病)", "negative"),
        ("malfunction", r"(?:故障|失灵|死机|蓝屏|黑屏|白屏|花屏|闪退|崩溃|卡死|卡顿|很卡|太卡|卡得|卡机|好卡|"
         r"自动关机|自动重启|老是重启|无响应|没反应|不反应|不灵敏|报错|bug)", "negative"),
        ("malfunction", r"(?:无法|不能|没法|没办法)(?:正常)?(?:开机|启动|使用|连接|充电|登录|登陆|打开|识别|转账|"
         r"支付|付款|取款|提现|下载|安装|更新|升级|运行|工作|读取|播放|上网|联网|显示|加载)", "negative"),
        ("malfunction", r"(?:打不开|开不了机|开不开|用不了|不能用|没法用|用不成|登不上|登录不上|登陆不上|进不去|"
         r"连不上|充不进|充不上|加载不出|刷不出|转不了|付不了|取不出)", "negative"),
        ("malfunction", r"(?:运行|反应|开机|启动|加载|网速|信号|系统|软件|程序|app|手机|电脑|页面|界面)" + _W
         + r"{0,4}(?:慢|卡|差|不稳定|弱|延迟|问题)", "negative"),
        ("failed transaction", r"(?:转账|交易|支付|付款|扣款|提现|充值|汇款|缴费|还款|登录|登陆|验证|更新|升级|"
         r"加载|注册|绑卡|绑定)" + _W + r"{0,4}(?:失败|出错|异常|错误)", "negative"),
        ("failed transaction", r"(?:扣了钱|扣了款|钱扣了|钱被扣|多扣|重复扣|乱扣|扣费|没到账|未到账|不到账|"
         r"资金(?:未|没)到|钱没到)", "negative"),
        ("not as described", r"(?:假货|不是正品|非正品|山寨|高仿|仿冒|翻新|二手|与描述不符|和描述不符|跟描述不|"
         r"与图片不符|和图片不|跟图片不|货不对板|图文不符|实物不符|缩水|以次充好|掺假)", "negative"),
        ("wrong or missing", r"(?:发错|送错|拿错|做错|少发|漏发|少给|少送|漏送|缺件|缺少配件|少(?:了)?(?:一|两|[0-9])"
         r"(?:个|份|瓶|盒|件|样|袋|罐|杯|只|斤|两)|没(?:有)?(?:给|放|送|带)" + _W + r"{0,2}(?:筷子|餐具|勺子|勺|吸管|"
         r"饮料|米饭|赠品|配件|说明书|充电器|数据线|小菜|酱|调料)|点的" + _W + r"{1,8}送(?:的|来|成)(?:了)?)",
         "negative"),
        ("food", r"(?:不新鲜|臭味|腥味|馊味|哈喇味|变质|馊了|发馊|发霉|霉变|过期|臭了|发臭|有异味|异味|怪味|有虫|虫子|"
         r"有头发|吃出|异物|苍蝇|"
         r"蟑螂|夹生|没熟|不熟|半生不熟|难吃|变味|酸了|坏掉|烂掉|发黑|食物中毒|拉肚子|吃坏)", "negative"),
        ("room facilities", r"(?:房间|卫生间|浴室|洗手间|床单|被子|毛巾|地毯|马桶|床|枕头|设施|设备|家具|空调|"
         r"热水|淋浴|水压|电视|窗户|门锁|wifi|网络|宽带)" + _W + r"{0,6}(?:脏|不干净|有异味|霉味|烟味|潮湿|"
         r"潮|坏|不制冷|不热|不冷|没有热水|不稳|漏|堵|有污渍|有头发|发黄|破|不好用|"
         r"不能用|有问题|太差|很差|失灵)", "negative"),
        ("room facilities", r"(?:隔音" + _ADV + r"(?:差|不好|太差|一般|效果差)|热水(?:时有时无|不稳定)|"
         r"下水道|堵了|堵塞|漏风|霉斑|发霉|墙皮)", "negative"),
        ("devices", r"(?:电池|续航|屏幕|摄像头|镜头|按键|键盘|触摸屏|充电器|耳机|喇叭|音质|扬声器|风扇|散热|"
         r"发热|信号|系统)" + _W + r"{0,4}(?:不耐用|不行|太差|很差|差|鼓包|坏|问题|短|烫|严重|厉害|杂音|异响|"
         r"失灵|不灵|死|漏光|坏点|亮点|进灰)", "negative"),
        ("devices", r"(?:发烫|烫手|异响|杂音|噪音大|噪音很大|漏光|坏点|死机|进水|不充电|掉帧)", "negative"),
        ("poor product", r"(?:东西|产品|商品|货|菜品|衣服|鞋子|质量)" + _ADV + r"(?:差|烂|垃圾|劣质|不好|太差|"
         r"有问题|一般|次品|残次品)", "negative"),
        ("dirty", r"(?:很|太|好|又|特别|非常|超|超级|比较|有点|有些|真|全是|都)脏|脏兮兮|脏乱|脏死|不干净|不卫生|"
         r"全是头发", "negative"),
        ("food", r"(?:味道|口味|口感|菜品|饭菜|早餐|早饭|食物|菜)" + _ADV + r"(?:差|不好|欠佳|不行|很差|太差|怪|不对|"
         r"难以下咽|不敢恭维|变了|没以前好)", "negative"),
        ("food", r"(?:不好吃|好难吃|难以下咽|没法吃|不能吃|吃不下去|没有味道|没味道|淡而无味)", "negative"),
        ("food", r"(?:太|好|超|特别|巨|非常|有点|很|过于)(?:咸|油腻|腻)", "negative"),
        ("wrong or missing", r"(?:没有|没|不给|没给)(?:有)?(?:配)?(?:餐具|筷子|勺子|纸巾|吸管|赠品)|"
         r"(?:压根|根本)(?:就)?"
         r"没(?:给|送|放|有收到|收到|吃到)", "negative"),
        ("not as described", r"(?<!虚)(?<!真)假的|(?:与|和|跟)(?:实物|描述|宣传|图片|介绍)" + _W
         + r"{0,2}(?:不一样|不符|差太多|差距很大|相差)", "negative"),
        ("books", r"(?:错别字|缺页|掉页|少页|盗版|印刷模糊|字迹模糊|"
         r"(?:印刷|纸张|纸质|装订|翻译|排版)(?:质量)?(?:的|得)?" + _ADV
         + r"(?:差|太差|很差|不好|粗糙|不清|模糊|生硬|糟糕|烂))", "negative"),
        ("picture and sound", r"(?:清晰度|分辨率|画质|显示效果|音质|音效|保温效果|效果)" + _ADV
         + r"(?:差|太差|很差|不好|"
         r"不行|不理想|模糊)", "negative"),
        ("materials", r"(?:材质|面料|布料|质地|弹性)" + _W + r"{0,3}(?:差|不好|不够|太薄|粗糙|起球|扎人|不怎么)",
         "negative"),
        ("after use", r"(?:用了|用完|洗完|吃完|穿了)" + _W + r"{0,8}(?:过敏|发痒|痒|长痘|起痘|红肿|头屑|掉发|拉肚子|"
         r"闹肚子|起疹子)", "negative"),
        ("broken", r"(?:松动|晃动|不牢|不结实|歪了|死悄悄|(?:就|直接)(?:死|挂)了)", "negative"),
        ("wrong or missing", r"忘了?(?:放|给|带|配送|送|拿)|只送了", "negative"),
        ("not as described", r"(?:不像|不是)(?:介绍|描述|宣传|图片|说明)|(?:和|跟|与)图片(?:比)?差|返修|冒牌|"
         r"不像是?正品",
         "negative"),
        ("room facilities", r"油漆味|甲醛|装修(?:的)?味|床单不洁|不洁|下水不畅|下水慢", "negative"),
        ("malfunction", r"卡(?:的|得)(?:很|要命|不行|厉害)|(?:玩游戏|打游戏|看视频)" + _W
         + r"{0,2}(?:很|有点|太|好)?卡",
         "negative"),
        ("poor product", r"(?:次品|残次|劣质|三无|不合格|货不对|脱色|忽冷忽热|有点卡|有些卡|卡了|霉味|烟味)",
         "negative"),
    ],
}

_SNUM = r"(?:[0-9]+|[一二两三四五六七八九十几多数]+)"
#: Service-language phrases (banks, telecoms, platforms, hotlines), written from the topic definitions of the
#: service labelling guide (推来推去 / 挂电话 are attitude; 跑了三趟 / 打了十几次电话没人接 are efficiency; 转账失败 /
#: 闪退 / 登不上 / 没信号 are defects), not mined from labelled rows. Merged into :data:`DEFAULT_LEXICON`.
SERVICE_LEXICON: dict[str, list[LexiconEntry]] = {
    "service_attitude": [
        ("shirking", r"推来推去|踢皮球|互相推诿|推诿|推卸责任|推脱|推三阻四|相互推|搪塞|打官腔|不作为|不予理睬|"
         r"不理不睬|"
         r"置之不理|敷衍了事|敷衍塞责|爱理不理|无人理会|没人理会", "negative"),
        ("hanging up", r"挂(?:了)?(?:我)?(?:的)?电话|直接挂断|挂断电话|电话(?:就)?挂了", "negative"),
        ("threats and harassment", r"威胁|恐吓|辱骂|骂人|爆通讯录|暴力催收|骚扰(?:我|家人|父母|亲人|朋友|同事|电话)|"
         r"催收(?:人员)?" + _W + r"{0,6}(?:态度|威胁|恐吓|骚扰|辱骂|骂)|态度(?:极其|非常|十分|很)?(?:恶劣|蛮横|嚣张)",
         "negative"),
        ("mis-selling pressure", r"(?:强制|强行|强迫|诱导|误导)(?:我)?(?:搭售|购买|办理|开通|签|贷款|消费|投保)|"
         r"(?:业务员|客户经理|工作人员|销售|客服)" + _W + r"{0,8}(?:忽悠|诱导|误导|欺骗|隐瞒|没有说明|未告知|不告知)",
         "negative"),
        ("helpful staff", r"(?:耐心|热情|细致|认真|及时)(?:地)?(?:解答|解释|帮|处理|服务|接待)|服务(?:很|非常|"
         r"特别)?(?:周到|贴心)|"
         r"(?:工作人员|客服|柜员|经理|小姐姐)" + _W + r"{0,6}(?:很|非常|特别)?(?:耐心|热情|专业|负责)", "positive"),
    ],
    "efficiency": [
        ("repeated trips", r"跑了?" + _SNUM + r"(?:趟|次|回)|来回跑|跑断腿|白跑", "negative"),
        ("repeated calls", r"打了?" + _SNUM + r"(?:个|次|通)?(?:电话|客服)|" + _SNUM + r"次(?:打)?(?:电话|致电|"
         r"联系|反映|投诉)|"
         r"(?:多次|反复|屡次|无数次|好几次|几次)(?:打电话|致电|联系|反映|投诉|催促|催|申请|沟通)", "negative"),
        ("no answer", r"(?:电话|客服|热线)" + _W + r"{0,6}(?:打不通|没人接|无人接|接不通|占线)|没人接|无人接听|"
         r"打不进去", "negative"),
        ("no reply", r"(?:迟迟|一直|始终|至今|到现在|仍然|依然)(?:都)?(?:没|未|不)(?:有)?(?:给|人)?(?:回复|答复|"
         r"处理|解决|到账|退款|"
         r"联系|回应|结果|消息|审批|审核|办理|下来)|石沉大海|没有下文|杳无音信|遥遥无期", "negative"),
        ("slow process", r"(?:手续|流程|程序|步骤)" + _W + r"{0,4}(?:繁琐|复杂|麻烦|太多)|繁琐|效率(?:太|很|极)?低|"
         r"(?:审批|审核|办理|处理|放款|到账|理赔|维修)" + _W + r"{0,4}(?:太慢|很慢|慢|拖延|超时)", "negative"),
        ("crowding", r"人(?:太|很|特别|非常|超级|好|实在太)多|排(?:了)?(?:很|好)?长(?:的)?队|排长队", "negative"),
        ("fast process", r"(?:审批|审核|办理|处理|放款|到账|理赔|维修|回复|解决)" + _W + r"{0,4}(?:很快|迅速|"
         r"及时|高效|神速)|"
         + _SNUM + r"(?:分钟|小时)(?:就|便)(?:通过|到账|办好|解决|处理好|放款)", "positive"),
    ],
    "product_defect": [
        ("no network", r"没(?:有)?信号|无信号|信号(?:差|不好|弱|很差|太差|中断)|断网|上不了网|无法上网|不能上网|"
         r"网络(?:故障|中断|异常|"
         r"连接失败)|无网络|宽带(?:断|故障|不通|坏|掉线)|掉线|光纤中断|停机", "negative"),
        ("app and system", r"闪退|登不上|登录不上|无法登录|登录失败|系统(?:故障|错误|异常|崩溃|出错|bug|"
         r"升级失败)|(?:app|软件|客户端|网银|"
         r"手机银行)" + _W + r"{0,6}(?:打不开|崩溃|闪退|报错|用不了|出错|异常|故障)", "negative"),
        ("failed transactions", r"(?:转账|交易|支付|付款|提现|还款|扣款|充值|缴费)" + _W + r"{0,3}(?:失败|不成功|异常)|"
         r"刷不了卡|卡(?:不能用|用不了|被吞)|(?:无法|不能)(?:转账|支付|付款|取款|提现|还款|绑卡)", "negative"),
        ("device faults", r"死机|黑屏|自动重启|重启|假死|无法开机|开不了机|发烫|耗电(?:快|严重)|bug", "negative"),
    ],
}

for _topic, _entries in SERVICE_LEXICON.items():
    DEFAULT_LEXICON[_topic].extend(_entries)
