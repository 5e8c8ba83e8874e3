"""Report prose: filler paragraphs in the style of the seeds, and sentences that state figures.

Filler never states an exact figure that maps onto a key (only approximate ones, `600多条`, which
SPEC §4 keeps out of the keys), so the figures a report states are exactly those the truth records.
Templates are written in simplified characters with `{slots}`; the report's script converts them.
"""

from __future__ import annotations

import random

from ..parsing.model import Number

OPENING = (
    "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定,特向社会公布{agency}{year}年政府信息公开工作年度报告。"
    "本报告由{contents}等部分组成。本报告中所列数据的统计期限自{period}止。"
    "本报告电子版可在{agency}门户网站下载。如对本报告有任何疑问,请与{self}办公室联系。"
)
OLD_CONTENTS = ("概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、"
                "因政府信息公开申请行政复议和提起行政诉讼情况、存在的主要问题及改进措施")
NEW_CONTENTS = ("总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
                "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项")
PERIOD = "{year}年1月1日起至{year}年12月31日"
# Seed-like extraction damage: the 年/月/日 glyphs lost, digits fused (SPEC §5).
FUSED_PERIOD = "{year}11日至{year}1231日"

GENERAL = (
    "{year}年,{self}认真贯彻落实《条例》和上级关于政务公开工作的部署要求,坚持以公开为常态、不公开为例外,"
    "围绕中心工作和群众关切,不断完善公开制度,拓展公开渠道,提升公开质量,政府信息公开工作取得了新的成效。",
    "健全组织机构。{self}成立了由主要领导任组长、分管领导任副组长、相关科室负责同志为成员的政务公开领导小组,"
    "领导小组下设办公室,确定专人负责此项工作,强化了组织领导,夯实了工作责任,并将政务公开工作纳入到机关年度"
    "目标责任考核之中。政务公开工作人员积极参加集中培训,提升了业务素质,提高了机关政务公开工作水平。",
    "完善管理制度。坚持问题导向,不断完善政府信息公开保密审查、主动公开、考核考评等管理制度,严格执行"
    "《信息公开工作方案》《信息公开保密审查制度》《新闻发言人和新闻发布制度》等文件,落实公开内容,强化考核结果运用,"
    "机关信息公开制度化、规范化水平不断提升。",
    "加强平台建设。依托门户网站政务公开平台,推进电子政务建设和网上政务公开,把网站列为公开信息的重要途径,"
    "开设了预决算公开、政务动态、人事信息等专栏,将政府信息公开指南及目录逐一上网发布。同时加强政务新媒体建设,"
    "及时发布重大政策、重点工作和重要动态,全年通过政务微博、微信发布信息500多条,保证每周更新2-3次。",
    "强化监督保障。根据有关工作要求对所有拟公开信息进行双重审查,有效保障政府信息发布的真实性、有效性,"
    "做到涉密信息不公开、公开信息不涉密。通过投诉电话、电子邮箱等方式,广泛听取社会各界的意见和要求,"
    "充分发挥社会监督的作用。全年未发生政务公开责任追究的情况。",
    "推进重点领域信息公开。围绕“放管服”改革、财政预决算、重大建设项目、减税降费、社会救助、环境保护等领域,"
    "加大信息公开力度,及时公开政策文件、办事指南和工作动态。全年在门户网站发布各类信息600多条,"
    "较上年有较大幅度增长,方便群众及时了解相关工作动态。",
    "做好政策解读和回应关切。按照“谁起草、谁解读”的原则,重要政策出台后以文字、图表等形式同步进行解读,"
    "全方位解疑释惑。进一步完善舆情收集和回应机制,对社会关注的热点问题及时发布权威信息,"
    "主动回应群众关切,增进社会对各项工作的了解和理解。",
    "规范依申请公开工作。明确了依申请公开的受理机构,指定办公室为信息依申请公开的承办科室,"
    "不断优化受理渠道,规范答复流程和文书格式,严格按照法定时限答复,提高服务质量,满足公众合理信息需求。",
    "严格信息保密审查。严格按照《政府信息公开保密审查制度》的要求,规范信息公开保密审查工作的各个环节,"
    "在信息发布之前由发布人和分管领导签字确认,确保上网信息不涉密、涉密信息不上网,全年未发生失泄密事件。",
    "加强政府信息管理。建立“主要领导亲自抓、分管领导具体抓、各科室各司其职、办公室协调办理”的领导体制和工作机制,"
    "由办公室负责政府信息公开具体工作的组织和协调,安排专人负责政务信息的发布、更新、审核和平台维护,"
    "各科室按职责分工,配合编辑、审核、报送相关信息,确保了信息公开工作的顺利开展。",
    "推进决策公开。实行重大决策预公开制度,除依法应当保密的外,在决策前向社会公布决策草案、决策依据,"
    "广泛听取公众意见,主要通过门户网站的“通知公告”栏目对重大决策进行预公开。机关在拟制公文时,"
    "都明确了主动公开、依申请公开、不予公开等属性,且随公文一并进行报批,有效提高了政务的知情率和社会的参与度。",
    "推进执行和结果公开。围绕年度重点工作任务,及时公开工作推进情况、取得成效和后续举措,"
    "对督查发现的问题及整改落实情况同步公开,主动接受社会监督。对审计发现问题的整改结果、"
    "重点项目的验收结果、评选表彰结果等按规定予以公示,增强了工作的透明度和公信力。",
    "拓展公众参与渠道。通过开通官方微博、微信公众号,设置“局长信箱”“在线咨询”“意见征集”等栏目,"
    "及时发布需要社会广泛知晓的重要改革方案、重大决策措施,认真办理群众来信来电,"
    "做到件件有回音、事事有着落,实现释疑解惑、凝聚共识的目标。",
    "做好建议提案办理结果公开。坚持以“让代表委员满意,让人民群众受益”为目标,以提高办理质量和问题解决率为重点,"
    "创新完善工作制度,强化沟通协调,狠抓督促落实,按规定在门户网站公开建议提案办理复文,"
    "一大批社会关注和群众关心的热点难点问题得到有效解决。",
)

CLOSING = (
    "{year}年,{self}按要求做了大量的政府信息公开基础工作,但整体水平和标准还需进一步提高,"
    "干部职工对信息公开的意识有待进一步加强,信息公开内容还需细化完善,个别栏目信息更新滞后。",
    "{next_year}年,{self}将进一步完善政府信息公开相关制度和工作机制,进一步梳理主动公开的政府信息,"
    "扩大公开范围,拓宽公开渠道,创新公开办法,丰富公开形式,让更多公众了解政府信息的查询方式和基本内容。",
    "下一步,我们将加强业务学习,定期组织开展学习培训,针对公开文件类别、格式、后台系统操作等内容进行培训指导,"
    "确保信息上传及时、分类准确,努力培养一支政务公开专业队伍,不断提高政务信息公开工作水平和业务能力。",
    "进一步丰富公开内容。对照政务公开工作要点,逐条梳理、压实责任、规定时限,通过门户网站、政务新媒体、"
    "报刊、广播电视等载体,全面、及时、权威、准确地发布文件及信息,持续提升公众的知晓率和满意度。",
    "进一步强化政策解读。加快完善解读机制,重要政策出台后以文字和图表形式及时组织专家学者、政策制定者进行解读,"
    "全方位解疑释惑;进一步完善舆情、热点收集和回应机制,充分发挥各类载体作用,及时发布权威信息。",
)

OLD_HEADINGS = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况",
                "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
                "六、存在的主要问题及改进措施")
NEW_HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")

BOILERPLATE = (
    ("账号+密码登录", "手机+密码登录", "还没有账号?", "立即注册"),
    ("【打印本页】 【关闭窗口】", "分享到:", "扫一扫在手机打开当前页"),
    ("相关链接", "网站地图 | 联系我们 | 使用帮助", "建议使用1920×1080分辨率浏览"),
)

Stated = dict[str, Number | None]


def filler(rng: random.Random, count: int) -> list[str]:
    return rng.sample(GENERAL, count)


def applications_sentence(rng: random.Random, received: int) -> str:
    """How a table report's prose mentions its applications (the table holds the figure)."""
    if received == 0:
        return rng.choice(("{year}年,{self}未收到政府信息公开申请。",
                           "{year}年,{self}没有收到有关要求公开信息的申请,未发生不予公开政府信息的情况。"))
    return f"{{year}}年,{{self}}共收到政府信息公开申请{received}件,均已按照规定程序和时限予以答复。"


def old_prose_statements(rng: random.Random, values: dict[str, Number | None]) -> list[tuple[int, str, Stated]]:
    """Sentences of a report with no table, each with the section it belongs in and the figures it
    states (key → value): the truth of that report is exactly the union of these."""
    statements: list[tuple[int, str, Stated]] = []
    if rng.random() < 0.6:
        total, normative = values["proactive.total"], values["proactive.normative_docs"]
        if rng.random() < 0.5:
            statements.append((1, f"{{year}}年度,{{self}}全年主动公开政府信息{total}条,"
                                  f"其中主动公开规范性文件{normative}件。",
                               {"proactive.total": total, "proactive.normative_docs": normative}))
        else:
            statements.append((1, f"{{year}}年度,{{self}}全年主动公开政府信息{total}条。",
                               {"proactive.total": total}))
    statements.append((2, *_applications_statement(rng, values)))
    if rng.random() < 0.8:
        statements.append((3, rng.choice(("{year}年,{self}没有对政府信息公开申请收取任何费用。",
                                          "{year}年,{self}未收取任何政府信息公开费用,也未减免任何费用。")),
                           {"fees.amount_10k_yuan": 0}))
    if rng.random() < 0.9:
        review, litigation = values["review.total"], values["litigation.total"]
        statements.append((4, review_sentence(rng, review, litigation),
                           {"review.total": review, "litigation.total": litigation}))
    return statements


def review_sentence(rng: random.Random, review: Number | None, litigation: Number | None) -> str:
    if review == 0 and litigation == 0:
        return rng.choice(("{year}年,{self}未发生因政府信息公开事项而申请行政复议和提起行政诉讼情况。",
                           "{year}年,{self}没有发生因政府信息公开引发的行政复议申请和行政诉讼。"))
    return f"{{year}}年,{{self}}因政府信息公开申请行政复议{review}件、提起行政诉讼{litigation}件。"


def _applications_statement(rng: random.Random, values: dict[str, Number | None]) -> tuple[str, Stated]:
    received = values["apps.received"]
    if received == 0:
        return rng.choice(("{year}年,{self}没有发生依申请公开政府信息事项。",
                           "{year}年,{self}未收到公民、法人或其他组织提出的政府信息公开申请。")), {"apps.received": 0}
    channels = {"apps.in_person": "当面申请", "apps.fax": "传真申请", "apps.online": "网络申请", "apps.letter": "信函申请"}
    if rng.random() < 0.5:
        return (f"{{year}}年,共收到依申请公开{received}件,已按照程序进行答复,无超期答复情况。",
                {"apps.received": received})
    stated: Stated = {"apps.received": received}
    parts = []
    for key, name in channels.items():
        if values[key]:
            stated[key] = values[key]
            parts.append(f"{name}{values[key]}件")
    return f"{{year}}年,{{self}}共收到政府信息公开申请{received}件,其中{'、'.join(parts)}。", stated


def processing_fee_sentence(rng: random.Random, fee: Number) -> str:
    return rng.choice((
        f"{{year}}年,共收取政府信息公开处理费{fee}元。",
        f"{{year}}年度,{{self}}依据《政府信息公开信息处理费管理办法》收取信息处理费{fee}元。",
    ))
