"""The reasons of a pair written out for people, in the interface's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .scoring import Reason


def _channel(is_in_plan: bool) -> str:
    return _("计划内") if is_in_plan else _("计划外")


def reason_text(reason: dict) -> str:
    """One reason ({"code": …, "a": …, "b": …, "value": …}) as a sentence."""
    code, a, b, value = reason.get("code"), reason.get("a"), reason.get("b"), reason.get("value")
    texts = {
        Reason.SIMILAR_NAME: lambda: _("名称相似度 {value}").format(value=value),
        Reason.SIMILAR_DESCRIPTION: lambda: _("项目说明相似度 {value}").format(value=value),
        Reason.SAME_DIVISION: lambda: _("同一受援地：{a}").format(a=a),
        Reason.PARENT_DIVISION: lambda: _("相邻受援地：{a} ↔ {b}").format(a=a, b=b),
        Reason.YEARS: lambda: _("计划年度：{a} ↔ {b}").format(a=a, b=b),
        Reason.SAME_CATEGORY: lambda: _("同一项目类别"),
        Reason.OTHER_CATEGORY: lambda: _("项目类别不同"),
        Reason.OTHER_ASSET_TYPE: lambda: _("一个是固定资产投资，一个不是"),
        Reason.OTHER_SUPPORTER: lambda: _("不同支援方：{a} ↔ {b}").format(a=a, b=b),
        Reason.SAME_SUPPORTER: lambda: _("同一支援方：{a}").format(a=a),
        Reason.OTHER_CHANNEL: lambda: _("不同资金渠道：{a} ↔ {b}").format(a=_channel(a), b=_channel(b)),
        Reason.PHASE: lambda: _("分期：第{a}期 ↔ 第{b}期").format(a=a, b=b),
        Reason.OTHER_NUMBER: lambda: _("编号不同：{a} ↔ {b}").format(a=a, b=b),
        Reason.OTHER_TOWN: lambda: _("乡镇或村不同：{a} ↔ {b}").format(a=a, b=b),
        Reason.OTHER_YEAR_IN_NAME: lambda: _("名称中的年度不同：{a} ↔ {b}").format(a=a, b=b),
        Reason.OTHER_PLACE: lambda: _("地名不同：{a} ↔ {b}").format(a=a or "—", b=b or "—"),
        Reason.REPLACED_WORD: lambda: _("用词不同：{a} ↔ {b}").format(a=a, b=b),
        Reason.ADDED_WORD: lambda: _("一方多出：{words}").format(words=a or b),
        Reason.RECURRING_ACTIVITY: lambda: _("非固定资产的年度性活动，年度不同"),
    }
    text = texts.get(code)
    return text() if text else str(code)


def reason_texts(reasons: list[dict]) -> list[str]:
    return [reason_text(reason) for reason in reasons]
