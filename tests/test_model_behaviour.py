"""Behavioural checks on the product model (trained from labels/ once per test run).

The paragraphs below were written for these tests and are in no training file: they state plainly what
a reader would tag them with.
"""

import pytest

CLEAR = {
    "digital_government": [
        "全面推行“一网通办”，市民办理户籍、社保等高频事项实现网上办、掌上办，线下窗口排队时间明显缩短。",
        "依托省一体化政务服务平台，推动电子证照跨部门互认，企业开办全程网办，材料不再重复提交。",
        "优化12345政务服务便民热线，对群众诉求实行接诉即办、限时办结，办理情况在政府门户网站公开。",
    ],
    "data_security": [
        "个人信息处理者应当采取加密、去标识化等安全技术措施，防止个人信息泄露、篡改、丢失。",
        "建立数据分类分级保护制度，重要数据出境前应当依法申报数据出境安全评估。",
        "运营者应当落实关键信息基础设施安全保护责任，定期开展网络安全检测和风险评估。",
    ],
    "youth": [
        "实施高校毕业生就业促进计划，开发一批见习岗位，对离校未就业毕业生提供不断线的就业服务。",
        "加强未成年人网络保护，网络游戏服务提供者应当落实防沉迷要求，不得向未成年人提供诱导性内容。",
        "发挥共青团组织作用，团结带领广大青年在乡村振兴和科技创新一线建功立业。",
    ],
    "income_distribution": [
        "完善按劳分配为主体、多种分配方式并存的制度，提高劳动报酬在初次分配中的比重，扩大中等收入群体。",
        "健全最低工资标准调整机制，加大个人所得税等调节力度，缩小城乡居民收入差距，扎实推进共同富裕。",
        "发挥第三次分配作用，鼓励企业和个人参与慈善公益事业，规范收入分配秩序，合理调节过高收入。",
    ],
    "ecology": ["深入打好蓝天碧水净土保卫战，细颗粒物平均浓度下降百分之三，地表水优良水体比例持续提升。"],
    "rural": ["稳定粮食播种面积，新建高标准农田五百万亩，巩固拓展脱贫攻坚成果，防止规模性返贫。"],
}

NONE = [
    "坚持党要管党、全面从严治党，深入推进党风廉政建设和反腐败斗争。",
    "本条例自2025年3月1日起施行。",
    "积极发展全球伙伴关系，推动构建人类命运共同体，维护国际公平正义。",
]


@pytest.mark.parametrize(("theme", "text"), [(t, x) for t, texts in CLEAR.items() for x in texts])
def test_clear_paragraphs_get_their_theme(real_model, theme, text):
    (prediction,) = real_model.predict([text])
    assert theme in prediction.themes, prediction.scores


@pytest.mark.parametrize("text", NONE)
def test_paragraphs_about_none_of_the_themes_get_none(real_model, text):
    (prediction,) = real_model.predict([text])
    assert prediction.themes == [], prediction.scores


PLACES = [("浙江", "广东"), ("浙江", "甘肃"), ("杭州", "成都"), ("上海", "贵阳")]


@pytest.mark.parametrize(("original", "swapped"), PLACES)
def test_swapping_a_place_name_changes_nothing(real_model, original, swapped):
    texts = [
        f"{original}深入推进数字化改革，政务服务事项实现一网通办，群众办事最多跑一次。",
        f"{original}出台条例，要求数据处理者落实数据安全保护义务，开展风险评估。",
        f"{original}实施青年发展型城市建设，为来{original}就业创业的高校毕业生提供住房补贴。",
        f"{original}扎实推动共同富裕，城乡居民收入倍差缩小，中等收入群体持续扩大。",
    ]
    before = real_model.predict(texts)
    after = real_model.predict([t.replace(original, swapped) for t in texts])
    assert [p.themes for p in before] == [p.themes for p in after]


def test_traditional_characters_give_the_same_themes(real_model):
    simplified, traditional = real_model.predict(
        [
            "加强数据安全和个人信息保护，落实网络安全等级保护制度。",
            "加強數據安全和個人信息保護，落實網絡安全等級保護制度。",
        ]
    )
    assert simplified.themes == traditional.themes
    assert simplified.scores == pytest.approx(traditional.scores)
