from classifier.paragraphs import split_paragraphs


def test_seed_page_splits_into_55_paragraphs(seed_text):
    paragraphs = split_paragraphs(seed_text)
    assert len(paragraphs) == 55
    for standalone in ("陈畴镛", "新书荐评", "构建合理分配格局的支撑体系", "之江青年论坛", "叶子鹏"):
        assert standalone in paragraphs


def test_seed_page_breaks_are_joined(seed_text):
    joined = "".join(split_paragraphs(seed_text))
    for word in ("实现全省数字资源", "中低收入群体收入", "强调了劳动在创造财富", "长期性、系统性"):
        assert word in joined
    assert not any(p.endswith(("实现全", "群体收", "强调了劳", "一个长期")) for p in split_paragraphs(seed_text))


def test_no_text_lost(seed_text):
    paragraphs = split_paragraphs(seed_text)
    assert "".join(paragraphs) == "".join(seed_text.split())


def test_headings_and_articles_stay_separate():
    text = "一、总体要求\n\n坚持以人民为中心。\n第一条 为了保护个人信息，制定本法。\n第二条 本法适用于境内。"
    assert split_paragraphs(text) == [
        "一、总体要求",
        "坚持以人民为中心。",
        "第一条 为了保护个人信息，制定本法。",
        "第二条 本法适用于境内。",
    ]


def test_hard_wrapped_lines_are_joined():
    text = (
        "各地要加快推进政务服务标准化、规范化、便利化建设，推动\n"
        "更多事项网上办、掌上办，切实提升企业和群众的\n获得感。\n\n下一段。"
    )
    assert split_paragraphs(text) == [
        "各地要加快推进政务服务标准化、规范化、便利化建设，推动更多事项网上办、掌上办，切实提升企业和群众的获得感。",
        "下一段。",
    ]


def test_blank_input():
    assert split_paragraphs("\n \n\t\n") == []
