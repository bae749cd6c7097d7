#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Generate the committed CSV fixtures under Fixtures/ (deterministic, stdlib only).

    python3 Scripts/dev/make_fixtures.py           # (re)generate everything, then run the checker
    python3 Scripts/dev/make_fixtures.py --check   # only run the independent checker on Fixtures/

Field names, order, enum values, bounds and Chinese aliases are read from
Rules/schemas/*.yaml (a tiny YAML-subset reader is included below), so the
fixtures follow the schemas.  Everything random comes from one
random.Random(SEED); no set/dict-of-str iteration order is ever relied upon,
so two runs produce byte-identical files.

The checker (``check_all``) is written independently of the generator: it
parses the files from disk with its own byte-level CSV reader, re-implements
every validation rule, asserts that the good files are fully valid (plus a
number of realism/consistency properties), and that every bad file produces
exactly the (line, field, reason_code) list of its manifest -- no more, no
less -- and that every listed bad row has exactly one defect.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "Rules" / "schemas"
FIXTURES = ROOT / "Fixtures"
BAD = FIXTURES / "bad"

SEED = 20261127
AS_OF = dt.date(2026, 11, 27)   # "today" for ages / expiry windows

# ---------------------------------------------------------------------------
# Tiny YAML-subset reader (enough for Rules/schemas/*.yaml)
# ---------------------------------------------------------------------------


def _split_top(s: str) -> list[str]:
    out, depth, cur = [], 0, []
    for ch in s:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur))
    return out


def _scalar(s: str):
    s = s.strip()
    if s.startswith("[") and s.endswith("]"):
        return [_scalar(x) for x in _split_top(s[1:-1])]
    if s.startswith("{") and s.endswith("}"):
        out = {}
        for part in _split_top(s[1:-1]):
            k, _, v = part.partition(":")
            out[k.strip()] = _scalar(v)
        return out
    if s in ("true", "false"):
        return s == "true"
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


def load_schema(kind: str) -> dict:
    doc: dict = {}
    fields: list[dict] = []
    cur: dict | None = None
    in_fields = False
    for raw in (SCHEMA_DIR / f"{kind}.yaml").read_text("utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        if indent == 0:
            key, _, val = line.partition(":")
            in_fields = key == "fields"
            if not in_fields:
                doc[key] = _scalar(val)
            continue
        if in_fields:
            if line.startswith("- "):
                cur = {}
                fields.append(cur)
                line = line[2:]
            key, _, val = line.partition(":")
            assert cur is not None
            cur[key.strip()] = _scalar(val)
    doc["fields"] = fields
    return doc


# ---------------------------------------------------------------------------
# Generator side: national-standard helpers
# ---------------------------------------------------------------------------

G_ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
G_ID_C = "10X98765432"
G_USCC_CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
G_USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def g_id_check(s17: str) -> str:
    return G_ID_C[sum(int(c) * w for c, w in zip(s17, G_ID_W)) % 11]


def g_uscc_check(s17: str) -> str:
    c = 31 - sum(G_USCC_CS.index(ch) * w for ch, w in zip(s17, G_USCC_W)) % 31
    return G_USCC_CS[0 if c == 31 else c]


def add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + n, day=28)


def age_at(birth: dt.date, on: dt.date = AS_OF) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def iso(d: dt.date) -> str:
    return d.strftime("%Y-%m-%d")


ERQI_TOWNS = [f"410103{n:03d}" for n in range(1, 14)] + ["410103100", "410103200"]
ZZ_OTHER_DIVS = ["410102001", "410104002", "410105003", "410122100"]
OUT_PROV_DIVS = ["411302001", "320102001"]
RURAL_DIVS = {"410103100", "410103200", "410122100"}

BIRTHPLACE_OTHER = ["410122", "410181", "410184", "410182", "411302", "411081", "412702",
                    "410381", "411422", "410922", "130102", "340104"]

SURNAMES = ("王王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙马马朱胡郭郭何高林罗郑梁谢宋唐许"
            "韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾夏付方"
            "白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾毛郝龚邵万钱严武戴孔常牛申楚靳岳翟")
RARE_SURNAMES = ["欧阳", "司马", "上官"]

GIVEN = {
    ("old", "男"): "建国 国庆 德福 长海 振华 玉林 保国 广田 志刚 春生 金山 树林 文明 福来 庆丰 学军 永祥 和平 铁柱 满仓 富贵 振山 德胜 明".split(),
    ("old", "女"): "秀英 桂兰 淑珍 玉兰 凤英 秀兰 桂英 翠花 素芳 玉珍 春梅 金凤 淑华 爱莲 秀珍 桂芝 巧云 月娥 玉霞 兰".split(),
    ("mid", "男"): "伟 强 磊 军 勇 涛 斌 鹏 杰 超 志强 建华 海峰 卫东 红军 立新 晓东 永刚 俊杰 国栋 新民 文军 建军 振宇".split(),
    ("mid", "女"): "丽 静 敏 艳 娟 霞 芳 燕 红霞 海燕 丽娟 晓红 玉梅 春燕 彩霞 雪梅 丽萍 秀云 慧敏 金花 晓丽 红梅".split(),
    ("young", "男"): "浩 鑫 宇 博 帅 浩然 子豪 宇航 晨阳 俊豪 家乐 鹏飞 一鸣 明轩 志远 天宇 昊天 嘉豪 凯 旭东".split(),
    ("young", "女"): "婷 倩 璐 雪 佳 欣怡 雨婷 梦瑶 佳琪 思琪 晓雪 可欣 雅琪 诗雨 梦洁 静怡 紫涵 媛媛 瑶".split(),
    ("kid", "男"): "子轩 浩宇 宇轩 梓睿 沐宸 一诺 俊熙 睿泽 皓轩 奕辰 明哲 锦程 子墨 思远 宇泽 铭 朗".split(),
    ("kid", "女"): "梓涵 一诺 欣怡 子涵 雨桐 梓萱 诗涵 可馨 语汐 若曦 依依 梦琪 思彤 沐晴 安琪 悦 琪".split(),
}

MOBILE_PREFIXES = ("130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 "
                   "176 177 178 180 181 182 183 185 186 187 188 189 191 193 195 198 199").split()

AREA_CODES = {"41": "0371", "4113": "0377", "32": "025"}


def other_gender(g: str) -> str:
    return "女" if g == "男" else "男"


class Gen:
    """All randomness goes through self.r (one seeded PRNG)."""

    def __init__(self) -> None:
        self.r = random.Random(SEED)
        self.used_ids: set[str] = set()
        self.used_uscc: set[str] = set()
        self.used_ent_names: set[str] = set()
        self.used_lic: set[str] = set()
        self.hh_seq = 1000
        self.rs = load_schema("residents")
        self.es = load_schema("enterprises")
        self.ls = load_schema("licences")

    # -- basic pickers ------------------------------------------------------
    def surname(self) -> str:
        if self.r.random() < 0.012:
            return self.r.choice(RARE_SURNAMES)
        return self.r.choice(SURNAMES)

    def given(self, birth: dt.date, gender: str) -> str:
        y = birth.year
        era = "old" if y < 1960 else "mid" if y < 1990 else "young" if y < 2010 else "kid"
        return self.r.choice(GIVEN[(era, gender)])

    def division(self) -> str:
        x = self.r.random()
        if x < 0.87:
            return self.r.choice(ERQI_TOWNS)
        if x < 0.97:
            return self.r.choice(ZZ_OTHER_DIVS)
        return self.r.choice(OUT_PROV_DIVS)

    def mobile(self) -> str:
        return self.r.choice(MOBILE_PREFIXES) + "".join(self.r.choice("0123456789") for _ in range(8))

    def landline(self, div: str = "410103001", hyphen: bool = True) -> str:
        area = AREA_CODES.get(div[:4]) or AREA_CODES.get(div[:2]) or "0371"
        local = self.r.choice("5688") + "".join(self.r.choice("0123456789") for _ in range(7))
        return f"{area}-{local}" if hyphen else f"{area}{local}"

    def birth_for_age(self, age: int) -> dt.date:
        lo = dt.date(AS_OF.year - age - 1, AS_OF.month, AS_OF.day) + dt.timedelta(days=1)
        hi = dt.date(AS_OF.year - age, AS_OF.month, AS_OF.day)
        if age == 0:
            hi = dt.date(2026, 9, 30)
        return lo + dt.timedelta(days=self.r.randint(0, (hi - lo).days))

    def make_id(self, region: str, birth: dt.date, gender: str, date_str: str | None = None) -> str:
        ds = date_str or birth.strftime("%Y%m%d")
        while True:
            seq = self.r.randint(0, 99) * 10 + int(self.r.choice("13579" if gender == "男" else "02468"))
            if seq == 0:
                continue
            s17 = f"{region}{ds}{seq:03d}"
            idn = s17 + g_id_check(s17)
            if idn not in self.used_ids:
                self.used_ids.add(idn)
                return idn

    # -- households -----------------------------------------------------------
    def household_skeleton(self, kind: str, **kw) -> list[dict]:
        r = self.r
        M: list[dict] = []
        hs = self.surname()

        def add(rel, age, g, sn):
            M.append(dict(relation=rel, age=max(0, min(105, age)), gender=g, surname=sn))

        def head_gender(p_male=0.72):
            return "男" if r.random() < p_male else "女"

        if kind == "single_old":
            add("户主", kw.get("head_age") or r.randint(62, 94), head_gender(0.45), hs)
        elif kind == "single_young":
            add("户主", kw.get("head_age") or r.randint(22, 45), head_gender(0.55), hs)
        elif kind == "siblings":
            a = r.randint(30, 72)
            add("户主", a, head_gender(), hs)
            add("其他", max(20, a + r.randint(-8, 8)), r.choice("男女"), hs)
        elif kind == "couple":
            a = kw.get("head_age") or r.randint(26, 88)
            g = head_gender(0.78)
            add("户主", a, g, hs)
            add("配偶", kw.get("spouse_age") or max(20, a + r.randint(-5, 4)), other_gender(g), self.surname())
        elif kind in ("nuclear", "single_parent"):
            a = kw.get("head_age") or r.randint(27, 55)
            g = head_gender(0.75 if kind == "nuclear" else 0.35)
            add("户主", a, g, hs)
            youngest = a
            father_sn = hs
            if kind == "nuclear":
                sa = max(21, a + r.randint(-4, 3))
                ssn = self.surname()
                add("配偶", sa, other_gender(g), ssn)
                youngest = min(a, sa)
                father_sn = hs if g == "男" else ssn
            ages = kw.get("kid_ages") or [r.randint(0, max(0, min(30, youngest - 22)))
                                          for _ in range(r.choice([1, 1, 1, 2, 2, 3]))]
            for k in ages:
                add("子女", k, r.choice("男女"), father_sn)
        elif kind == "three_gen_up":
            a = kw.get("head_age") or r.randint(32, 62)
            g = head_gender(0.7)
            add("户主", a, g, hs)
            youngest = a
            father_sn = hs
            if r.random() < 0.85 or kw.get("head_age"):
                sa = max(21, a + r.randint(-4, 3))
                ssn = self.surname()
                add("配偶", sa, other_gender(g), ssn)
                youngest = min(a, sa)
                father_sn = hs if g == "男" else ssn
            for k in kw.get("kid_ages", [r.randint(0, max(0, min(30, youngest - 22)))
                                         for _ in range(r.choice([0, 1, 1, 2]))]):
                add("子女", k, r.choice("男女"), father_sn)
            pa = kw.get("parent_ages") or []
            if not pa:
                fa = min(104, a + r.randint(23, 33))
                if fa - a >= 20:
                    pa = [fa, max(a + 20, fa + r.randint(-5, 2))][: r.choice([1, 2, 2])]
            for i, p in enumerate(pa):
                if i == 0:
                    add("父母", p, "男" if len(pa) == 2 or r.random() < 0.4 else "女", hs)
                else:
                    add("父母", p, "女", self.surname())
            if len(pa) == 1 and M[-1]["gender"] == "女":
                M[-1]["surname"] = self.surname()
        elif kind == "three_gen_down":
            a = kw.get("head_age") or r.randint(52, 80)
            g = head_gender(0.7)
            add("户主", a, g, hs)
            father_sn = hs
            if r.random() < 0.85 or kw.get("head_age"):
                ssn = self.surname()
                add("配偶", max(40, a + r.randint(-4, 3)), other_gender(g), ssn)
                father_sn = hs if g == "男" else ssn
            ca = kw.get("child_age") or max(22, a - r.randint(23, 32))
            cg = r.choice("男男女")
            add("子女", ca, cg, father_sn)
            in_law_sn = None
            if r.random() < 0.75 or kw.get("child_age"):
                in_law_sn = self.surname()
                add("其他", max(20, ca + r.randint(-3, 3)), other_gender(cg), in_law_sn)
            gk_sn = father_sn if cg == "男" else (in_law_sn or father_sn)
            for k in kw.get("grand_ages") or [r.randint(0, max(0, min(17, ca - 21)))
                                              for _ in range(r.choice([1, 1, 2]))]:
                add("孙子女", k, r.choice("男女"), gk_sn)
        else:
            raise ValueError(kind)
        return M[:6]

    RANDOM_KINDS = [("single_old", 9), ("single_young", 6), ("couple", 16), ("nuclear", 27),
                    ("single_parent", 5), ("three_gen_up", 14), ("three_gen_down", 12), ("siblings", 3)]

    def random_kind(self) -> str:
        kinds, weights = zip(*self.RANDOM_KINDS)
        return self.r.choices(kinds, weights=weights)[0]

    def new_household_id(self, div: str) -> str:
        self.hh_seq += self.r.randint(1, 37)
        return f"H{div[:6]}{self.hh_seq:07d}"

    def realise_household(self, skel: list[dict], div: str | None = None) -> dict:
        """Turn a skeleton into persons with ids/names/births; attributes come later."""
        r = self.r
        div = div or self.division()
        county = div[:6]
        rural = div in RURAL_DIVS
        hukou = "农业" if r.random() < (0.7 if rural else 0.08) else "非农业"
        hh = dict(id=self.new_household_id(div), div=div, hukou=hukou, members=[],
                  land_total=round(r.uniform(1.5, 9.0), 2) if hukou == "农业" else 0.0,
                  dibao=False)
        for m in skel:
            birth = self.birth_for_age(m["age"])
            if county.startswith("4101") and r.random() > 0.72:
                region = r.choice(BIRTHPLACE_OTHER)
            else:
                region = county
            p = dict(m)
            p.update(birth=birth, id=self.make_id(region, birth, m["gender"]),
                     name=m["surname"] + self.given(birth, m["gender"]),
                     alive=True, tekun=False, disability=None, hh=hh)
            p["age"] = age_at(birth)
            hh["members"].append(p)
        return hh

    def attributes(self, hh: dict) -> None:
        """Fill the remaining per-person fields; call after dibao/tekun/disability/alive decided."""
        r = self.r
        n = len(hh["members"])
        share = round(hh["land_total"] / n, 2) if hh["hukou"] == "农业" else 0.0
        for p in hh["members"]:
            a = p["age"]
            farm = hh["hukou"] == "农业"
            # school stage
            if not p["alive"] or a < 3:
                stage = "无"
            elif a <= 5:
                stage = "学前"
            elif a <= 11:
                stage = "小学"
            elif a <= 14:
                stage = "初中"
            elif a <= 17:
                stage = "高中"
            elif a <= 22:
                stage = "本科" if r.random() < 0.7 else "无"
            else:
                stage = "无"
            p["stage"] = stage
            # income
            if not p["alive"] or a < 16 or stage != "无":
                inc = 0.0
            elif p["tekun"]:
                inc = r.choice([0.0, round(r.uniform(600, 2400), -1)])
            elif hh["dibao"]:
                inc = 0.0 if r.random() < 0.4 else round(r.uniform(2000, 12000), -1)
            elif a < 23:
                inc = round(r.uniform(18000, 45000), -2)
            elif a <= 60:
                if r.random() < 0.06:
                    inc = 0.0
                elif farm:
                    inc = round(r.uniform(12000, 48000), -2)
                else:
                    inc = round(min(240000, r.lognormvariate(11.0, 0.45)), -2)
            else:
                inc = round(r.uniform(2400, 9600), -1) if farm else round(r.uniform(24000, 66000), -1)
            if inc and r.random() < 0.2:
                inc += r.choice([0.5, 0.25, 0.8, 0.35])
            p["income"] = inc
            # medical insurance
            if (not farm and 23 <= a <= 60 and inc >= 36000 and r.random() < 0.75) or \
                    (not farm and a > 60 and inc >= 24000):
                mi = "职工"
            else:
                mi = "城乡居民"
            if a >= 18 and r.random() < 0.02:
                mi = "无"
            p["mi"] = mi
            # phone
            if a < 16:
                ph = ""
            elif a >= 75:
                x = r.random()
                ph = self.landline(hh["div"]) if x < 0.35 else self.mobile() if x < 0.9 else ""
            else:
                x = r.random()
                ph = self.mobile() if x < 0.92 else self.landline(hh["div"]) if x < 0.97 else ""
            p["phone"] = ph
            p["farm"] = share
            p["consent"] = "是" if r.random() < 0.87 else "否"

    def resident_row(self, p: dict, date_fmt: str = "%Y-%m-%d") -> dict:
        hh = p["hh"]
        def money(x: float) -> str:
            return str(int(x)) if x == int(x) else f"{x:.2f}"
        return {
            "id_number": p["id"],
            "name": p["name"],
            "gender": p["gender"],
            "birth_date": p["birth"].strftime(date_fmt),
            "hukou_division": hh["div"],
            "hukou_type": hh["hukou"],
            "household_id": hh["id"],
            "relation": p["relation"],
            "phone": p["phone"],
            "alive": "是" if p["alive"] else "否",
            "dibao": "是" if hh["dibao"] else "否",
            "tekun": "是" if p["tekun"] else "否",
            "disability_level": str(p["disability"]) if p["disability"] else "",
            "school_stage": p["stage"],
            "medical_insurance": p["mi"],
            "annual_income_yuan": money(p["income"]),
            "farmland_mu": f"{p['farm']:.2f}" if p["farm"] else "0",
            "consent_push": p["consent"],
        }

    def simple_households(self, n_persons: int, exact: bool = True) -> list[dict]:
        """Households for the small files: no dibao/tekun/disability/deaths, exact person count."""
        hhs, total = [], 0
        while total < n_persons:
            kind = self.random_kind()
            skel = self.household_skeleton(kind)
            if exact and total + len(skel) > n_persons:
                skel = self.household_skeleton("single_young" if self.r.random() < 0.6 else "single_old")
                if total + len(skel) > n_persons:
                    continue
            hh = self.realise_household(skel)
            self.attributes(hh)
            hhs.append(hh)
            total += len(hh["members"])
        return hhs

    # -- enterprises ----------------------------------------------------------
    INDUSTRIES = [
        ("A01", ["农业科技有限公司", "生态农业有限公司"], (10, 40), 2),
        ("A05", ["农业服务有限公司"], (10, 30), 1),
        ("B10", ["矿业有限公司"], (40, 100), 1),
        ("C13", ["粮油有限公司", "面业有限公司"], (80, 200), 3),
        ("C14", ["食品有限公司", "速冻食品有限公司"], (60, 150), 3),
        ("C15", ["饮品有限公司"], (60, 150), 1),
        ("C18", ["服饰有限公司"], (20, 50), 2),
        ("C23", ["印务有限公司", "彩印有限公司"], (20, 60), 1),
        ("C26", ["化工有限公司"], (80, 250), 1),
        ("C27", ["药业有限公司", "制药有限公司"], (60, 180), 2),
        ("C29", ["塑业有限公司"], (30, 90), 1),
        ("C30", ["建材有限公司", "耐火材料有限公司"], (40, 120), 2),
        ("C33", ["金属制品有限公司"], (40, 100), 2),
        ("C34", ["机械设备有限公司", "重工有限公司"], (50, 120), 3),
        ("C35", ["智能装备有限公司", "专用设备有限公司"], (50, 120), 2),
        ("C36", ["汽车配件有限公司"], (60, 150), 1),
        ("C38", ["电气有限公司", "电缆有限公司"], (60, 160), 2),
        ("C39", ["电子科技有限公司", "智能科技有限公司"], (60, 180), 3),
        ("C40", ["仪器仪表有限公司"], (40, 100), 1),
        ("D44", ["热力有限公司", "新能源有限公司"], (100, 300), 1),
        ("E47", ["建设工程有限公司", "建筑工程有限公司"], (40, 120), 3),
        ("E48", ["路桥工程有限公司", "市政工程有限公司"], (40, 120), 2),
        ("E49", ["机电安装工程有限公司"], (30, 80), 1),
        ("E50", ["装饰工程有限公司", "装饰设计工程有限公司"], (20, 60), 2),
        ("F51", ["商贸有限公司", "贸易有限公司", "供应链管理有限公司"], (150, 600), 8),
        ("F52", ["超市有限公司", "大药房有限公司", "百货有限公司", "便利店有限公司"], (30, 120), 7),
        ("G54", ["物流有限公司", "运输有限公司"], (20, 60), 3),
        ("G58", ["货运代理有限公司"], (50, 150), 1),
        ("G59", ["仓储有限公司"], (20, 60), 1),
        ("H61", ["酒店管理有限公司", "宾馆有限公司"], (8, 25), 2),
        ("H62", ["餐饮管理有限公司", "餐饮有限公司"], (8, 25), 4),
        ("I63", ["通信技术有限公司"], (40, 120), 1),
        ("I64", ["网络科技有限公司"], (30, 120), 2),
        ("I65", ["软件科技有限公司", "信息技术有限公司", "数据科技有限公司"], (25, 80), 6),
        ("J69", ["融资担保有限公司"], (50, 200), 1),
        ("K70", ["置业有限公司", "房地产开发有限公司", "物业服务有限公司"], (50, 300), 3),
        ("L72", ["企业管理咨询有限公司", "人力资源服务有限公司"], (10, 50), 3),
        ("M73", ["研究院有限公司"], (20, 70), 1),
        ("M74", ["检测技术有限公司", "工程设计有限公司"], (20, 70), 2),
        ("M75", ["科技发展有限公司"], (20, 70), 2),
        ("N77", ["环保科技有限公司"], (30, 90), 1),
        ("O80", ["家政服务有限公司"], (5, 20), 1),
        ("O81", ["汽车维修有限公司"], (10, 30), 1),
        ("P83", ["教育科技有限公司", "职业技能培训学校有限公司"], (10, 40), 1),
        ("Q84", ["门诊部有限公司", "医院有限公司"], (20, 60), 1),
        ("R86", ["文化传媒有限公司"], (15, 50), 1),
        ("R89", ["体育文化有限公司"], (10, 40), 1),
    ]
    GETIHU = [("H62", "{s}记烩面馆", (15, 60)), ("F52", "{s}家便利店", (20, 80)),
              ("F52", "{g}五金建材店", (20, 90)), ("O80", "{g}理发店", (5, 20)),
              ("O81", "{g}汽车修理部", (10, 40)), ("F52", "{g}水果店", (10, 50)),
              ("H62", "{s}记胡辣汤馆", (10, 40)), ("F52", "{g}副食店", (10, 50))]
    BRANDS = ("华信 中原 豫丰 金鼎 嵩岳 德润 恒达 鑫源 宏图 博远 天瑞 瑞祥 锦程 汇通 正弘 商都 绿源 远航 佳禾 "
              "盛世 宏利 永泰 启明 凯越 华豫 嘉和 众诚 鼎盛 万通 腾飞 兴业 福瑞 瑞丰 聚能 创源 星辰 明德 同舟 "
              "新航 智联 卓越 信达 鸿运 安泰 豫通 海纳 和润 天成 昊源 润泽 科达 思创 云帆 数智 光合 智远 银河 "
              "凤凰 百川 弘毅 中科 德信 恒通 致远 铭泰 祥和 金瑞 华达 合创 新锐 卓群 宇鑫 金诺 亿达 同创").split()

    def ent_name(self, suffixes: list[str], big: bool) -> str:
        for _ in range(1000):
            prefix = "河南" if big and self.r.random() < 0.5 else "郑州"
            name = prefix + self.r.choice(self.BRANDS) + self.r.choice(suffixes)
            if name not in self.used_ent_names:
                self.used_ent_names.add(name)
                return name
        raise RuntimeError("names exhausted")

    def make_uscc(self, kind_digit: str, county: str, est: dt.date) -> str:
        while True:
            if est.year >= 2016:
                org = "MA" + "".join(self.r.choice("0123456789" * 4 + "ABCDEFGHJKLMNPQRTUWXY")
                                     for _ in range(7))
            else:
                org = "".join(self.r.choice("0123456789") for _ in range(8)) + self.r.choice("0123456789X")
            s17 = "9" + kind_digit + county + org
            u = s17 + g_uscc_check(s17)
            if u not in self.used_uscc:
                self.used_uscc.add(u)
                return u

    def enterprise(self, getihu: bool = False) -> dict:
        r = self.r
        div = self.division()
        est = dt.date(1998, 1, 1) + dt.timedelta(days=int((dt.date(2026, 9, 30) - dt.date(1998, 1, 1)).days
                                                           * (r.random() ** 0.7)))
        if getihu:
            ind, pattern, (rlo, rhi) = r.choice(self.GETIHU)
            s = self.surname()
            g = s + r.choice(GIVEN[("mid", "男")] + GIVEN[("mid", "女")])
            while True:
                name = "二七区" + pattern.format(s=s, g=g)
                if name not in self.used_ent_names:
                    self.used_ent_names.add(name)
                    break
                s = self.surname()
                g = s + r.choice(GIVEN[("mid", "男")])
            emp = r.randint(1, 8)
            revenue = round(r.uniform(rlo, rhi), 2)
            suffix_kind = "2"
        else:
            codes = self.INDUSTRIES
            ind, suffixes, (rlo, rhi), _w = r.choices(codes, weights=[c[3] for c in codes])[0]
            band = r.choices(["micro", "small", "medium", "large"], weights=[33, 40, 16, 11])[0]
            emp = {"micro": (1, 9), "small": (10, 99), "medium": (100, 299), "large": (300, 2000)}[band]
            emp = int(round(emp[0] * (emp[1] / emp[0]) ** r.random()))
            name = self.ent_name(suffixes, emp >= 100)
            revenue = round(emp * r.uniform(rlo, rhi) * r.uniform(0.3, 0.8), 2)
            suffix_kind = "1"
        uscc = self.make_uscc(suffix_kind, div[:6], est)
        assets = round(revenue * r.uniform(0.4, 2.4) * (2.5 if ind == "K70" else 1.0), 2)
        tax = round(revenue * r.uniform(0.005, 0.055), 2)
        insured = int(emp * r.uniform(0.55, 1.0)) if emp >= 3 else r.randint(0, emp)
        ui = round(insured * 0.0378 * r.uniform(0.8, 1.5), 2)
        grads = (0 if emp < 10 else r.randint(0, 3) if emp < 100 else r.randint(0, 15) if emp < 300
                 else r.randint(5, 30))
        layoff = 0.0 if r.random() < 0.6 else round(r.uniform(0.3, 8.0), r.choice([1, 2]))
        x = r.random()
        phone = self.mobile() if x < 0.7 else self.landline(div)
        return dict(uscc=uscc, name=name, div=div, est=est, ind=ind, emp=emp, revenue=revenue,
                    assets=assets, tax=tax, high_tech=False, cert=None, above=False, first_above=None,
                    dishonest=False, insured=insured, layoff=layoff, ui=ui, grads=grads, phone=phone,
                    consent="是" if r.random() < 0.8 else "否", getihu=getihu,
                    missing=set(), est_fmt="%Y-%m-%d")

    @staticmethod
    def above_threshold(ind: str) -> float:
        sec = ind[0]
        if sec in "BCD" or ind == "F51" or sec == "E":
            return 2000.0
        if ind == "F52":
            return 500.0
        if sec == "H":
            return 200.0
        return 1000.0

    def enterprise_row(self, e: dict) -> dict:
        def num(x):
            return f"{x:.2f}" if isinstance(x, float) else str(x)
        m = e["missing"]
        return {
            "uscc": e["uscc"],
            "name": e["name"],
            "reg_division": e["div"],
            "established": e["est"].strftime(e["est_fmt"]),
            "industry": e["ind"],
            "employees": "" if "employees" in m else str(e["emp"]),
            "revenue_wan": "" if "revenue_wan" in m else num(e["revenue"]),
            "assets_wan": num(e["assets"]),
            "tax_paid_wan": num(e["tax"]),
            "high_tech": "是" if e["high_tech"] else "否",
            "high_tech_cert_date": iso(e["cert"]) if e["cert"] else "",
            "above_scale": "是" if e["above"] else "否",
            "first_above_scale_year": str(e["first_above"]) if e["first_above"] else "",
            "dishonest": "是" if e["dishonest"] else "否",
            "insured_employees": str(e["insured"]),
            "layoff_rate": "" if "layoff_rate" in m else (
                "0" if e["layoff"] == 0 else (f"{e['layoff']:.2f}".rstrip("0").rstrip("."))),
            "unemployment_insurance_paid_wan": num(e["ui"]),
            "new_graduates_hired": str(e["grads"]),
            "contact_phone": e["phone"],
            "consent_push": e["consent"],
        }


# ---------------------------------------------------------------------------
# CSV writing (bytes; explicit line endings; tracks physical line numbers)
# ---------------------------------------------------------------------------


def csv_field(v) -> bytes:
    if isinstance(v, bytes):
        return v
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v.encode("utf-8")


class Out:
    def __init__(self, eol: bytes = b"\n", bom: bool = False) -> None:
        self.buf = bytearray(b"\xef\xbb\xbf" if bom else b"")
        self.eol = eol
        self.manifest: list[tuple[int, str, str]] = []
        self.warnings: list[tuple[int, str, str]] = []
        self.records = 0

    def line(self) -> int:
        return self.buf.count(b"\n") + 1

    def row(self, fields, bad: tuple[str, str] | None = None, eol: bool = True,
            warn: tuple[str, str] | None = None) -> int:
        start = self.line()
        self.buf += b",".join(csv_field(f) for f in fields)
        if eol:
            self.buf += self.eol
        if bad:
            self.manifest.append((start, bad[0], bad[1]))
        if warn:
            self.warnings.append((start, warn[0], warn[1]))
        self.records += 1
        return start

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(self.buf))

    def write_manifest(self, path: Path) -> None:
        lines = ["line,field,reason_code"] + [f"{l},{f},{c}" for l, f, c in sorted(self.manifest)]
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        # Rows imported with a data-quality warning (a value outside a hand-kept list).
        warnings = path.with_name(path.name.replace(".expected.csv", ".warnings.csv"))
        if self.warnings:
            lines = ["line,field,reason_code"] + [f"{l},{f},{c}" for l, f, c in sorted(self.warnings)]
            warnings.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        elif warnings.exists():
            warnings.unlink()


# ---------------------------------------------------------------------------
# Generation of every fixture
# ---------------------------------------------------------------------------


def generate() -> None:
    g = Gen()
    r = g.r
    rnames = [f["name"] for f in g.rs["fields"]]
    enames = [f["name"] for f in g.es["fields"]]
    lnames = [f["name"] for f in g.ls["fields"]]
    r_zh = [f["aliases"][0] for f in g.rs["fields"]]
    e_zh = [f["aliases"][0] for f in g.es["fields"]]

    # ---------------- residents.csv ----------------
    forced = [
        ("three_gen_up", dict(head_age=72, parent_ages=[101, 97], kid_ages=[])),
        ("single_old", dict(head_age=93)),
        ("couple", dict(head_age=86, spouse_age=84)),
        ("nuclear", dict(head_age=31, kid_ages=[0, 2])),
        ("three_gen_down", dict(head_age=58, child_age=33, grand_ages=[1, 4])),
        ("nuclear", dict(head_age=34, kid_ages=[1])),
        ("three_gen_up", dict(head_age=66, parent_ages=[91], kid_ages=[38])),
        ("nuclear", dict(head_age=45, kid_ages=[19, 16, 13])),
        ("nuclear", dict(head_age=40, kid_ages=[10, 7])),
        ("three_gen_down", dict(head_age=62, child_age=36, grand_ages=[8, 5])),
        ("single_old", dict(head_age=81)),
        ("single_old", dict(head_age=76)),
        ("single_old", dict(head_age=69)),
        ("single_old", dict(head_age=88)),
        ("single_old", dict(head_age=72)),
    ]
    target = 300
    skels = [g.household_skeleton(k, **kw) for k, kw in forced]
    total = sum(len(s) for s in skels)
    while total < target:
        s = g.household_skeleton(g.random_kind())
        if total + len(s) > target:
            s = g.household_skeleton("single_young")
        skels.append(s)
        total += len(s)
    # division per household: force the out-of-province share to ~3% of households
    hhs = []
    for i, s in enumerate(skels):
        div = None
        if i in (20, 47):
            div = OUT_PROV_DIVS[0 if i == 20 else 1]
        elif i < 15:
            div = ERQI_TOWNS[i % len(ERQI_TOWNS)] if i != 1 else "410103200"
        hhs.append(g.realise_household(s, div))
    # tekun: single elderly households
    singles = [h for h in hhs if len(h["members"]) == 1 and h["members"][0]["age"] >= 60]
    for h in singles[:7]:
        h["members"][0]["tekun"] = True
    # dibao: 4 multi-person households (not tekun), spread out
    multi = [h for h in hhs[15:] if len(h["members"]) >= 2]
    for h in (multi[3], multi[17], multi[31], multi[44]):
        h["dibao"] = True
    # deaths: the 97-year-old mother of household 0 plus two more elderly non-heads
    hhs[0]["members"][-1]["alive"] = False
    old = [p for h in hhs[15:] for p in h["members"] if p["age"] >= 78 and p["relation"] != "户主"]
    for p in old[:2]:
        p["alive"] = False
    # disability (~5%), alive persons only, biased to older ages
    everyone = [p for h in hhs for p in h["members"]]
    cands = [p for p in everyone if p["alive"]]
    weights = [3 if p["age"] >= 50 else 1 for p in cands]
    chosen: list[dict] = []
    while len(chosen) < 15:
        p = r.choices(cands, weights=weights)[0]
        if all(p is not q for q in chosen):
            chosen.append(p)
    for p in chosen:
        p["disability"] = r.randint(1, 4)
    for h in hhs:
        g.attributes(h)
    rows = []
    for h in hhs:
        for p in h["members"]:
            rows.append(g.resident_row(p))
    # missing optional values (a few %)
    idx = list(range(len(rows)))
    for field, k in (("annual_income_yuan", 9), ("phone", 3), ("medical_insurance", 8),
                     ("hukou_type", 7), ("dibao", 8)):
        for i in r.sample(idx, k):
            if field == "dibao" and rows[i]["dibao"] == "是":
                continue
            rows[i][field] = ""
    # two good rows using the alternative date forms
    for i, fmt in ((23, "%Y%m%d"), (57, "%Y/%m/%d")):
        b = dt.date.fromisoformat(rows[i]["birth_date"])
        rows[i]["birth_date"] = b.strftime(fmt)
    o = Out()
    o.row(rnames)
    for row in rows:
        o.row([row[n] for n in rnames])
    o.write(FIXTURES / "residents.csv")
    persons_by_id = {p["id"]: p for p in everyone}

    # ---------------- enterprises.csv ----------------
    ents = [g.enterprise(getihu=(i % 10 == 7)) for i in range(100)]
    # above scale (~20%)
    # above scale: the 20 enterprises furthest above their sector's revenue threshold
    qual = [e for e in ents if not e["getihu"] and e["est"].year <= 2024
            and e["revenue"] >= g.above_threshold(e["ind"])]
    qual.sort(key=lambda e: -e["revenue"] / g.above_threshold(e["ind"]))
    for e in sorted(qual[:20], key=lambda e: ents.index(e)):
        e["above"] = True
        e["first_above"] = r.randint(max(2015, e["est"].year + 1), 2025)
    # high tech (exactly 10): C / I / M / N / D sections, >= 10 staff, established <= 2019
    ht_cands = [e for e in ents if e["ind"][0] in "CIMND" and not e["getihu"]
                and e["emp"] >= 10 and e["est"].year <= 2019]
    ht = r.sample(ht_cands, 10)
    ht.sort(key=lambda e: ents.index(e))
    cert_dates = [dt.date(2021, 11, 3), dt.date(2022, 10, 18),        # expired
                  dt.date(2023, 12, 16), dt.date(2024, 1, 21),        # expire within 90 days
                  dt.date(2023, 10, 30), dt.date(2024, 5, 8), dt.date(2024, 12, 6),
                  dt.date(2025, 3, 14), dt.date(2025, 10, 28), dt.date(2022, 12, 1)]
    for e, d in zip(ht, cert_dates):
        e["high_tech"] = True
        e["cert"] = d
    for i in (12, 41, 88):
        ents[i]["dishonest"] = True
    for field, picks in (("employees", (5, 61, 93)), ("revenue_wan", (16, 70, 97)),
                         ("layoff_rate", (9, 38, 66, 81))):
        for i in picks:
            ents[i]["missing"].add(field)
    ents[11]["est_fmt"] = "%Y%m%d"
    ents[52]["est_fmt"] = "%Y/%m/%d"
    ents[30]["phone"] = g.landline(ents[30]["div"], hyphen=False)
    o = Out()
    o.row(e_zh)
    for e in ents:
        row = g.enterprise_row(e)
        o.row([row[n] for n in enames])
    o.write(FIXTURES / "enterprises.csv")

    # ---------------- licences.csv ----------------
    lic: list[dict] = []

    def rand_issue(after: dt.date, latest: dt.date = dt.date(2026, 10, 31)) -> dt.date:
        lo = max(after, dt.date(2016, 1, 1))
        if lo >= latest:
            return latest
        return lo + dt.timedelta(days=r.randint(0, (latest - lo).days))

    def add_lic(holder, kind, ltype, no, issue, expiry):
        assert no not in g.used_lic, no
        g.used_lic.add(no)
        assert expiry is None or expiry >= issue
        lic.append(dict(holder_id=holder, holder_kind=kind, license_type=ltype, license_no=no,
                        issue_date=iso(issue), expiry_date=iso(expiry) if expiry else ""))

    def digits(n):
        return "".join(r.choice("0123456789") for _ in range(n))

    for i, e in enumerate(ents):
        u, est, ind = e["uscc"], e["est"], e["ind"]
        if i % 11 != 4:  # ~91% of enterprises have their business licence in the 证照库
            issue = est if r.random() < 0.7 else rand_issue(est + dt.timedelta(days=30))
            expiry = None
            if r.random() < 0.15:  # fixed business term (营业期限) of 20/30/50 years
                expiry = next(add_years(est, y) - dt.timedelta(days=1) for y in (20, 30, 50)
                              if add_years(est, y) > max(issue, AS_OF))
            add_lic(u, "企业", "营业执照", u, issue, expiry)
        if e["high_tech"]:
            c = e["cert"]
            add_lic(u, "企业", "高新技术企业证书", f"GR{c.year}41{digits(6)}", c, add_years(c, 3) - dt.timedelta(days=1))
        if ind in ("F52", "H61", "H62") and "药房" not in e["name"] and r.random() < 0.6:
            iss = rand_issue(est, dt.date(2026, 6, 30))
            add_lic(u, "企业", "食品经营许可证", f"JY{'2' if e['getihu'] else '1'}{e['div'][:6]}{digits(7)}",
                    iss, add_years(iss, 5) - dt.timedelta(days=1))
        if "药房" in e["name"]:
            iss = rand_issue(est)
            add_lic(u, "企业", "药品经营许可证", f"豫CB371{digits(4)}", iss, add_years(iss, 5) - dt.timedelta(days=1))
        if ind in ("G54", "G58"):
            iss = rand_issue(est)
            add_lic(u, "企业", "道路运输经营许可证", f"豫交运管许可郑字{e['div'][:6]}{digits(6)}号",
                    iss, add_years(iss, 4) - dt.timedelta(days=1))
        if ind in ("B10", "C26", "E47", "E48") and r.random() < 0.6:
            iss = rand_issue(est)
            add_lic(u, "企业", "安全生产许可证", f"（豫）JZ安许证字〔{iss.year}〕01{digits(4)}",
                    iss, add_years(iss, 3) - dt.timedelta(days=1))
        if ind in ("C26", "C27", "C30", "C33", "D44", "C13") and r.random() < 0.6:
            iss = rand_issue(est, dt.date(2026, 8, 31))
            add_lic(u, "企业", "排污许可证", f"{u}001{r.choice('VUQ')}", iss, add_years(iss, 5) - dt.timedelta(days=1))
        if ind[0] == "E" and r.random() < 0.6:
            iss = rand_issue(est)
            add_lic(u, "企业", "建筑业企业资质证书", f"D241{digits(6)}", iss, add_years(iss, 5) - dt.timedelta(days=1))
        if ind == "Q84":
            iss = rand_issue(est)
            add_lic(u, "企业", "医疗机构执业许可证", f"PDY{digits(5)}{e['div'][:6]}17D1{digits(3)}",
                    iss, add_years(iss, 5) - dt.timedelta(days=1))
    for p in everyone:
        if p["disability"]:
            iss = dt.date(2016, 1, 1) + dt.timedelta(days=r.randint(0, 3600))
            iss = max(iss, p["birth"] + dt.timedelta(days=180))
            add_lic(p["id"], "个人", "残疾人证", f"{p['id']}{r.randint(1, 7)}{p['disability']}",
                    iss, add_years(iss, 10) - dt.timedelta(days=1))
    o = Out()
    o.row(lnames)
    for l in lic:
        o.row([l[n] for n in lnames])
    o.write(FIXTURES / "licences.csv")

    # ---------------- residents_zh.csv ----------------
    o = Out()
    o.row(r_zh)
    for h in g.simple_households(10):
        for p in h["members"]:
            row = g.resident_row(p)
            o.row([row[n] for n in rnames])
    o.write(FIXTURES / "residents_zh.csv")

    # ---------------- bad/residents_bad.csv ----------------
    pool = [p for h in g.simple_households(60) for p in h["members"]]
    used: list[dict] = []

    def take(pred=lambda p: True) -> dict:
        for p in pool:
            if pred(p) and all(p is not q for q in used):
                used.append(p)
                return p
        raise RuntimeError("pool exhausted")

    def rrow(p, **over) -> dict:
        row = g.resident_row(p)
        row.update(over)
        return row

    def cells(row) -> list:
        return [row[n] for n in rnames]

    o = Out(eol=b"\r\n", bom=True)
    o.row(rnames)
    first = rrow(take(lambda p: p["age"] >= 18))
    o.row(cells(first))
    o.row(cells(rrow(take())))
    p = take(lambda p: p["id"][-1] != "X")
    wrong = G_ID_C[(G_ID_C.index(p["id"][-1]) + 3) % 11]
    o.row(cells(rrow(p, id_number=p["id"][:-1] + wrong)), ("id_number", "bad_check_digit"))
    repeat_me = rrow(take())
    o.row(cells(repeat_me))
    o.row(cells(rrow(take(lambda p: p["relation"] == "子女" and p["age"] < 30), name='王"小",\n明')))
    p = take()
    o.row(cells(rrow(p, id_number=p["id"][:17])), ("id_number", "bad_format"))
    o.row(cells(rrow(take())))
    p = take(lambda p: p["age"] >= 18)
    o.row(cells(rrow(p, birth_date=iso(p["birth"] + dt.timedelta(days=40)))), ("birth_date", "birth_mismatch"))
    p = take()
    o.row(cells(rrow(p, gender=other_gender(p["gender"]))), ("gender", "gender_mismatch"))
    o.row(cells(rrow(take())))
    # bad_date: embedded date 2001-02-28 (valid), birth_date 2001-02-30
    p = take(lambda p: 20 <= p["age"] <= 30 and p["relation"] != "户主")
    p["birth"] = dt.date(2001, 2, 28)
    p["age"] = age_at(p["birth"])
    p["id"] = g.make_id(p["id"][:6], p["birth"], p["gender"])
    p["stage"] = "无"
    o.row(cells(rrow(p, birth_date="2001-02-30")), ("birth_date", "bad_date"))
    o.row(cells(rrow(take(lambda p: p["relation"] != "户主"), relation="朋友")), ("relation", "bad_enum"))
    o.row(cells(rrow(take())))
    o.row(cells(rrow(take(), hukou_type="城镇")), ("hukou_type", "bad_enum"))
    o.row(cells(rrow(take(), disability_level="7")), ("disability_level", "bad_number"))
    o.row(cells(rrow(take(lambda p: p["age"] >= 18), annual_income_yuan="-5")), ("annual_income_yuan", "bad_number"))
    o.row(cells(rrow(take())))
    o.row(cells(rrow(take(), farmland_mu="abc")), ("farmland_mu", "bad_number"))
    o.row(cells(rrow(take(), hukou_division="990103001")), ("hukou_division", "bad_division"))
    o.row(cells(rrow(take(), hukou_division="410100001")), ("hukou_division", "bad_division"))
    o.row(cells(rrow(take())))
    o.row(cells(rrow(take(), hukou_division="41010300")), ("hukou_division", "bad_division"))
    o.row(cells(rrow(take(), name="")), ("name", "missing_required"))
    o.row(cells(rrow(take())))
    dup = dict(first)
    dup["name"] = first["name"][0] + ("丽" if first["name"][-1] != "丽" else "静")
    o.row(cells(dup), ("id_number", "duplicate_key"))
    o.row(cells(repeat_me))  # exact repeat: not an error
    o.row(cells(rrow(take())) + ["备注"], ("", "wrong_column_count"))
    o.row(cells(rrow(take())))
    enc = cells(rrow(take()))
    enc[rnames.index("name")] = enc[rnames.index("name")][0].encode("utf-8") + b"\xff\xfe"
    o.row(enc, ("name", "bad_encoding"))
    o.row(cells(rrow(take(lambda p: p["age"] >= 16), phone="12345")), ("phone", "bad_format"))
    # bad_format: embedded date 1999-02-30 does not exist (check char computed correctly)
    p = take(lambda p: 22 <= p["age"] <= 35)
    s17 = f"{p['id'][:6]}19990230{p['id'][14:17]}"
    bad_id = s17 + g_id_check(s17)
    p["birth"] = dt.date(1999, 2, 28)
    p["stage"] = "无"
    o.row(cells(rrow(p, id_number=bad_id)), ("id_number", "bad_format"))
    for i in range(17):
        if i == 3:    # a 二七区 street missing from divisions.yaml: imported, warned
            o.row(cells(rrow(take(), hukou_division="410103099")), warn=("hukou_division", "unknown_division"))
        elif i == 8:  # township part 600 breaks GB/T 10114's ranges
            o.row(cells(rrow(take(), hukou_division="410103600")), ("hukou_division", "bad_division"))
        else:
            o.row(cells(rrow(take())))
    trunc = cells(rrow(take()))[:8]
    o.row(trunc, ("", "wrong_column_count"), eol=False)
    o.write(BAD / "residents_bad.csv")
    bad_counts = [("residents_bad.csv", o.records - 1, len(o.manifest))]
    o.write_manifest(BAD / "residents_bad.expected.csv")

    # ---------------- bad/residents_reject.csv ----------------
    pool = [p for h in g.simple_households(20) for p in h["members"]]
    used = []
    o = Out()
    o.row(rnames)
    plan = {2: ("id_number", "bad_check_digit"), 5: ("gender", "gender_mismatch"),
            9: ("hukou_type", "bad_enum"), 12: ("farmland_mu", "bad_number"),
            15: ("hukou_division", "bad_division"), 18: ("household_id", "missing_required")}
    for i in range(20):
        p = take()
        row = rrow(p)
        bad = plan.get(i)
        if bad:
            f = bad[0]
            if f == "id_number":
                row[f] = p["id"][:-1] + G_ID_C[(G_ID_C.index(p["id"][-1]) + 5) % 11]
            elif f == "gender":
                row[f] = other_gender(p["gender"])
            elif f == "hukou_type":
                row[f] = "居民"
            elif f == "farmland_mu":
                row[f] = "-1.5"
            elif f == "hukou_division":
                row[f] = "410100001"
            else:
                row[f] = ""
        o.row(cells(row), bad)
    o.write(BAD / "residents_reject.csv")
    bad_counts.append(("residents_reject.csv", o.records - 1, len(o.manifest)))
    o.write_manifest(BAD / "residents_reject.expected.csv")

    # ---------------- bad/residents_missing_column.csv ----------------
    o = Out()
    cols = [n for n in rnames if n != "id_number"]
    o.row(cols)
    for h in g.simple_households(10):
        for p in h["members"]:
            row = g.resident_row(p)
            o.row([row[n] for n in cols])
    o.write(BAD / "residents_missing_column.csv")
    n_missing_col = o.records - 1

    # ---------------- bad/enterprises_bad.csv ----------------
    o = Out()
    o.row(e_zh)
    ebad = [g.enterprise(getihu=(i == 13)) for i in range(21)]
    for e in ebad:
        if e["revenue"] >= g.above_threshold(e["ind"]) and e["est"].year <= 2024 and not e["getihu"]:
            e["above"] = True
            e["first_above"] = r.randint(max(2015, e["est"].year + 1), 2025)
    ebad[6]["high_tech"], ebad[6]["cert"] = True, dt.date(2024, 8, 20)
    ebad[6]["est"] = min(ebad[6]["est"], dt.date(2015, 3, 2))

    def erow(e, **over):
        row = g.enterprise_row(e)
        row.update(over)
        return [row[n] for n in enames]

    def bad_check_uscc(u: str) -> str:
        return u[:-1] + G_USCC_CS[(G_USCC_CS.index(u[-1]) + 7) % 31]

    eplan = {
        1: (dict(uscc=bad_check_uscc(ebad[1]["uscc"])), ("uscc", "bad_check_digit")),
        3: (dict(uscc=ebad[3]["uscc"][:10] + "O" + ebad[3]["uscc"][11:]), ("uscc", "bad_format")),
        5: (dict(industry="Z99"), ("industry", "bad_enum")),
        8: (dict(industry="C99"), None),  # a division outside section C's list: a warning
        10: (dict(employees="-1"), ("employees", "bad_number")),
        12: (dict(layoff_rate="120"), ("layoff_rate", "bad_number")),
        14: (dict(high_tech="是", high_tech_cert_date=""), ("high_tech_cert_date", "missing_required")),
        16: (dict(established="2023-13-01"), ("established", "bad_date")),
        18: (dict(reg_division="410103"), ("reg_division", "bad_division")),
    }
    for i, e in enumerate(ebad):
        over, bad = eplan.get(i, ({}, None))
        o.row(erow(e, **over), bad, warn=("industry", "unknown_industry") if i == 8 else None)
    o.buf += b"\n"  # trailing blank line: not an error
    o.write(BAD / "enterprises_bad.csv")
    bad_counts.append(("enterprises_bad.csv", o.records - 1, len(o.manifest)))
    o.write_manifest(BAD / "enterprises_bad.expected.csv")

    # ---------------- bad/licences_bad.csv ----------------
    o = Out()
    o.row(lnames)
    lic_nos_good = [l["license_no"] for l in lic]
    good_ents = [e for e in ents if not e["getihu"]]
    adults = [p for p in everyone if p["age"] >= 18 and p["alive"] and not p["disability"]]

    def lrow(holder, kind, ltype, no, issue, expiry, bad=None):
        o.row([holder, kind, ltype, no, issue, expiry], bad)
        assert no == "" or no.startswith("JY") or no not in lic_nos_good

    def new_no(prefix, n=6):
        while True:
            no = prefix + "".join(r.choice("0123456789") for _ in range(n))
            if no not in g.used_lic:
                g.used_lic.add(no)
                return no

    def pick(pred, skip=0):
        found = [e for e in good_ents if pred(e)]
        return found[min(skip, len(found) - 1)]

    def on(e, d: str, years: int | None):
        """Issue date d, but never before the holder was established; expiry after `years`."""
        iss = max(dt.date.fromisoformat(d), e["est"] + dt.timedelta(days=60)) if e else dt.date.fromisoformat(d)
        iss = min(iss, dt.date(2026, 10, 31))
        exp = add_years(iss, years) - dt.timedelta(days=1) if years else None
        return iso(iss), iso(exp) if exp else ""

    shop = pick(lambda e: e["ind"] in ("F52", "H62") and "药房" not in e["name"])
    shop2 = pick(lambda e: e["ind"] in ("F52", "H62", "H61") and "药房" not in e["name"], 3)
    factory = pick(lambda e: e["ind"] in ("C26", "C27", "C30", "C33", "C13", "C14"))
    factory2 = pick(lambda e: e["ind"][0] == "C", 5)
    builder = pick(lambda e: e["ind"][0] == "E")
    builder2 = pick(lambda e: e["ind"][0] == "E", 1)
    pharmacy = pick(lambda e: "药房" in e["name"] or e["ind"] == "F52")
    clinic = pick(lambda e: e["ind"] == "Q84" or e["ind"][0] == "Q")
    trucker = pick(lambda e: e["ind"][0] == "G")
    gth = [e for e in ents if e["getihu"] and e["ind"] in ("H62", "F52")][0]

    lrow(shop["uscc"], "企业", "食品经营许可证", new_no(f"JY1{shop['div'][:6]}", 7), *on(shop, "2025-03-18", 5))
    o.row([adults[3]["id"], "个人", "驾驶证", adults[3]["id"], "2019-07-02", "2029-07-01"],
          warn=("license_type", "unknown_value"))  # licence types are a hand-kept list
    lrow(factory["uscc"], "企业", "排污许可证", new_no(factory["uscc"] + "00", 1) + "V", *on(factory, "2024-06-11", 5))
    iss, _ = on(builder, "2025-09-01", None)
    lrow(builder["uscc"], "企业", "安全生产许可证", new_no(f"（豫）JZ安许证字〔{iss[:4]}〕02", 4), iss,
         iso(dt.date.fromisoformat(iss) - dt.timedelta(days=1)), ("expiry_date", "bad_date"))
    lrow(trucker["uscc"], "企业", "道路运输经营许可证", new_no(f"豫交运管许可郑字{trucker['div'][:6]}") + "号",
         *on(trucker, "2024-02-29", 4))
    lrow(adults[7]["id"], "企业", "道路运输经营许可证", new_no("豫交运管许可郑字410103") + "号", "2023-05-06", "2027-05-05",
         ("holder_kind", "bad_enum"))
    lrow(builder2["uscc"], "企业", "建筑业企业资质证书", new_no("D241"), *on(builder2, "2022-01-10", 5))
    lrow(bad_check_uscc(pharmacy["uscc"]), "企业", "药品经营许可证", new_no("豫CB371", 4), *on(pharmacy, "2023-03-03", 5),
         ("holder_id", "bad_check_digit"))
    lrow(clinic["uscc"], "企业", "医疗机构执业许可证", new_no("PDY", 5) + f"{clinic['div'][:6]}17D1002",
         *on(clinic, "2021-12-20", 5))
    lrow(shop2["uscc"], "企业", "食品经营许可证", "", *on(shop2, "2024-04-04", 5), ("license_no", "missing_required"))
    lrow(factory2["uscc"], "企业", "排污许可证", new_no(factory2["uscc"] + "00", 1) + "U", *on(factory2, "2026-01-15", 5))
    lrow(gth["uscc"], "企业", "食品经营许可证", new_no(f"JY2{gth['div'][:6]}", 7), *on(gth, "2026-02-02", 5))
    o.write(BAD / "licences_bad.csv")
    bad_counts.append(("licences_bad.csv", o.records - 1, len(o.manifest)))
    o.write_manifest(BAD / "licences_bad.expected.csv")

    bad_table = {n[:-4]: f"{rec} / {bad}" for n, rec, bad in bad_counts}
    write_readme(n_res=len(rows), n_ent=len(ents), n_lic=len(lic), n_missing_col=n_missing_col, **bad_table,
                 n_above=sum(e["above"] for e in ents))


README = """\
# 测试数据（Fixtures）

本目录下所有 CSV 均由 `python3 Scripts/dev/make_fixtures.py` 生成（固定随机种子，结果可重复，
请勿手工修改；需要调整时改脚本后重新生成）。`python3 Scripts/dev/make_fixtures.py --check`
只运行脚本内置的独立校验器：重新校验合格文件，并核对每个问题文件与其清单完全一致。
字段名、顺序、枚举值、取值范围和中文别名取自 `Rules/schemas/*.yaml`。
数据均为虚构，身份证号、统一社会信用代码的校验位按国家标准计算。统计口径日期为 2026-11-27。

## 合格数据（全部行均应导入成功）

| 文件 | 行数 | 说明 |
| --- | --- | --- |
| `residents.csv` | {n_res} | 居民，英文规范表头，UTF-8 无 BOM，LF。二七区为主的 1–6 人家庭，每户一名户主；含 X 校验位、百岁老人、婴幼儿、低保/特困、残疾、少量可选字段为空；两行出生日期分别用 `YYYYMMDD`、`YYYY/MM/DD` 写法 |
| `residents_zh.csv` | 10 | 居民，中文表头（各字段别名列表的第一个），无需映射文件即可导入；身份证号与 `residents.csv` 不重复 |
| `enterprises.csv` | {n_ent} | 企业，中文表头（各字段第一个别名）。含个体工商户、高新技术企业（10 家）、规上企业（{n_above} 家）、失信企业，少量从业人数/营业收入/裁员率为空；两行成立日期用另两种日期写法 |
| `licences.csv` | {n_lic} | 电子证照，英文规范表头。持证主体均存在于上面两个文件中：营业执照、各类许可证、高新技术企业证书（与认定日期同日发证，有效期 3 年，含已过期和 90 天内到期的）、残疾人证 |

## 问题数据（`bad/`）

每个问题文件 `bad/NAME.csv` 旁有清单 `bad/NAME.expected.csv`，表头为 `line,field,reason_code`，按行号排序，
只列出应被隔离的记录：

- `line`：记录起始的物理行号（表头为第 1 行；带引号且含换行的字段会使一条记录占两行，其后行号顺延）；
- `field`：按 schema 字段顺序第一个不合格的规范字段名；列数错误（`wrong_column_count`）时为空，
  重复主键（`duplicate_key`）时为主键字段；
- `reason_code`：`bad_check_digit`、`bad_format`、`birth_mismatch`、`gender_mismatch`、`bad_date`、`bad_enum`、
  `bad_number`、`bad_division`、`missing_required`、`duplicate_key`、`wrong_column_count`、`bad_encoding`。

未列出的行都合格（包括与前面某行完全相同的重复行，它不算错误）。

值结构正确、只是不在人工维护的名单中（二七区街道名单、门类下的大类名单、证照类型列表）的行照常导入，
另记数据质量警告；有这类行的文件旁有 `bad/NAME.warnings.csv`（表头同上，`reason_code` 为
`unknown_division`、`unknown_industry`、`unknown_value`），`quarantine list --warnings` 应与它完全一致。

| 文件 | 记录数 / 问题记录 | 说明 |
| --- | --- | --- |
| `bad/residents_bad.csv` | {residents_bad} | 带 UTF-8 BOM、CRLF 行尾。合格行与各类问题行交错：校验位错、号码过短、身份证内嵌日期不存在、电话格式错、出生日期/性别与身份证不符、不存在的日期、枚举值错、数值错、区划错（含乡级代码 600）、二七区名单外的街道 410103099（警告，照常导入）、必填为空、重复主键、完全重复行（合格）、多一列、姓名含非法字节（0xFF 0xFE）、一行姓名带逗号/双引号/换行（合格，占两行），最后一行被截断且无换行 |
| `bad/enterprises_bad.csv` | {enterprises_bad} | 中文表头，LF，文件末尾多一个空行（不算错误）：信用代码校验位错、含字母 O、行业代码 Z99（门类不存在）、C99（C 门类无此大类：警告，照常导入）、从业人数 -1、裁员率 120、高新企业缺证书日期、成立日期 2023-13-01、区划只有 6 位 |
| `bad/licences_bad.csv` | {licences_bad} | 证照类型不在代码表（警告，照常导入）、有效期早于发证日期、企业类型却填身份证号、信用代码校验位错、证照编号为空 |
| `bad/residents_reject.csv` | {residents_reject} | 6 行有问题（30%），超过默认 5% 上限，整批应被拒绝 |
| `bad/residents_missing_column.csv` | {n_missing_col} / — | 缺少 `id_number` 列，整个文件应被拒绝（无清单） |
"""


def write_readme(**counts) -> None:
    (FIXTURES / "README.md").write_bytes(README.format(**counts).encode("utf-8"))


# ===========================================================================
# Independent checker (does not use any generator helper above except the
# schema reader; re-implements the rules from the brief)
# ===========================================================================

PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
             "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
             "65", "71", "81", "82"}
ZHENGZHOU_COUNTIES = {"410102", "410103", "410104", "410105", "410106", "410108", "410122", "410171",
                      "410172", "410173", "410181", "410182", "410183", "410184", "410185"}
SECTIONS = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
            "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
            "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
            "S": (91, 97), "T": (98, 98)}


class CheckError(AssertionError):
    pass


def need(cond, msg):
    if not cond:
        raise CheckError(msg)


def parse_csv_bytes(data: bytes):
    """Return (bom, records); record = (start_line, [field bytes], terminated)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    recs = []
    fields: list[bytes] = []
    cur = bytearray()
    inq = quoted = False
    line = start = 1
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if inq:
            if c == 0x22:
                if i + 1 < n and data[i + 1] == 0x22:
                    cur.append(0x22)
                    i += 2
                    continue
                inq = False
            else:
                if c == 0x0A:
                    line += 1
                cur.append(c)
            i += 1
            continue
        if c == 0x22 and not cur and not quoted:
            inq = quoted = True
        elif c == 0x2C:
            fields.append(bytes(cur))
            cur, quoted = bytearray(), False
        elif c == 0x0D and i + 1 < n and data[i + 1] == 0x0A:
            pass
        elif c == 0x0A:
            fields.append(bytes(cur))
            recs.append((start, fields, True))
            fields, cur, quoted = [], bytearray(), False
            line += 1
            start = line
        else:
            cur.append(c)
        i += 1
    need(not inq, "unterminated quote at EOF")
    if cur or fields or quoted:
        fields.append(bytes(cur))
        recs.append((start, fields, False))
    return bom, recs


def c_parse_date(s: str):
    for pat in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{4})(\d{2})(\d{2})", r"(\d{4})/(\d{2})/(\d{2})"):
        m = re.fullmatch(pat, s)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def c_id(s: str):
    """-> (reason or None, info dict)"""
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return "bad_format", None
    if s[:2] not in PROVINCES:
        return "bad_format", None
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return "bad_format", None
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    if "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11] != s[17]:
        return "bad_check_digit", None
    return None, {"birth_date": birth, "gender": "男" if int(s[16]) % 2 else "女", "kind": "个人"}


C_USCC_CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def c_uscc(s: str):
    if len(s) != 18 or any(ch not in C_USCC_CS for ch in s):
        return "bad_format", None
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    v = 31 - sum(C_USCC_CS.index(a) * b for a, b in zip(s, w)) % 31
    if C_USCC_CS[v % 31] != s[17]:
        return "bad_check_digit", None
    return None, {"kind": "企业"}


def c_holder(s: str):
    if re.fullmatch(r"\d{17}[\dX]", s) and s[:2] in PROVINCES:
        return c_id(s)
    return c_uscc(s)


def c_erqi_streets() -> set[str]:
    """The erqi section of divisions.yaml (the hand-kept street list)."""
    codes, section = set(), ""
    for raw in (SCHEMA_DIR / "divisions.yaml").read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.endswith(":"):
            section = line[:-1]
        elif line.startswith("-") and section == "erqi":
            codes.add(line[1:].split()[0])
    return codes


ERQI_STREETS = c_erqi_streets()


def c_division(s: str):
    """bad_division by structure; unknown_division (a warning) for a 二七区 street not listed."""
    if not re.fullmatch(r"\d{9}", s) or s[:2] not in PROVINCES:
        return "bad_division"
    if s[:4] == "4101" and s[:6] not in ZHENGZHOU_COUNTIES:
        return "bad_division"
    if s[2:6] == "0000" or s[4:6] == "00":
        return "bad_division"
    if not 1 <= int(s[6:]) <= 599:
        return "bad_division"
    if s[:6] == "410103" and s not in ERQI_STREETS:
        return "unknown_division"
    return None


def c_number(s: str, f: dict, integer: bool):
    pat = r"-?\d+" if integer else r"-?\d+(\.\d{1,2})?"
    if not re.fullmatch(pat, s):
        return "bad_number"
    v = float(s)
    if "min" in f and v < f["min"]:
        return "bad_number"
    if "max" in f and v > f["max"]:
        return "bad_number"
    return None


def c_type(f: dict, s: str):
    t = f["type"]
    if t == "id_number":
        return c_id(s)
    if t == "uscc":
        return c_uscc(s)
    if t == "holder_id":
        return c_holder(s)
    if t == "text":
        return None, None
    if t == "enum":
        outside = "unknown_value" if f.get("membership") == "warn" else "bad_enum"
        return (None if s in f["values"] else outside), None
    if t == "bool":
        return (None if s in ("是", "否") else "bad_enum"), None
    if t == "date":
        d = c_parse_date(s)
        return ("bad_date" if d is None else None), d
    if t == "division":
        return c_division(s), None
    if t == "integer":
        return c_number(s, f, True), None
    if t == "decimal":
        return c_number(s, f, False), None
    if t == "phone":
        ok = re.fullmatch(r"1[3-9]\d{9}", s) or re.fullmatch(r"0\d{2,3}-?\d{7,8}", s)
        return (None if ok else "bad_format"), None
    if t == "industry":
        m = re.fullmatch(r"([A-Ta-t])(\d{2})", s)
        if not m:
            return "bad_enum", None
        lo, hi = SECTIONS[m[1].upper()]
        return (None if lo <= int(m[2]) <= hi else "unknown_industry"), None
    raise CheckError(f"unknown type {t}")


MATCH_REASON = {"gender": "gender_mismatch", "birth_date": "birth_mismatch", "kind": "bad_enum"}


def c_row_errors(schema: dict, row: dict, warns: list | None = None) -> list[tuple[str, str]]:
    """All field errors of a decoded row (canonical name -> str), in schema order; warnings
    (values outside hand-kept lists, codes unknown_*) go to `warns`."""
    errs = []
    info: dict[str, object] = {}
    for f in schema["fields"]:
        name = f["name"]
        if name not in row:
            continue
        v = row[name]
        if v == "":
            req = f.get("required", False)
            rw = f.get("required_when")
            if rw and row.get(rw["field"]) == rw["equals"]:
                req = True
            if req:
                errs.append((name, "missing_required"))
            emp = f.get("empty")
            if isinstance(emp, dict) and isinstance(emp.get("when"), dict):
                need(emp["when"]["field"] in row, f"{name}: conditional empty needs {emp['when']['field']}")
            continue
        reason, parsed = c_type(f, v)
        if reason and reason.startswith("unknown_"):
            if warns is not None:
                warns.append((name, reason))
            reason = None
        if reason:
            errs.append((name, reason))
            continue
        info[name] = parsed
        if "must_match" in f:
            src, attr = f["must_match"].split(".")
            src_info = info.get(src)
            if isinstance(src_info, dict):
                mine = c_parse_date(v) if attr == "birth_date" else v
                if src_info[attr] != mine:
                    errs.append((name, MATCH_REASON[attr]))
        if "not_before" in f:
            other = info.get(f["not_before"])
            if isinstance(other, dt.date) and parsed < other:
                errs.append((name, "bad_date"))
    return errs


class Refused(Exception):
    pass


def c_header(schema: dict, header: list[str]) -> list[str | None]:
    lookup: dict[str, str] = {}
    for f in schema["fields"]:
        for a in [f["name"], f["label"]] + list(f.get("aliases", [])):
            need(lookup.get(a, f["name"]) == f["name"], f"alias {a} ambiguous")
            lookup[a] = f["name"]
    cols = [lookup.get(h.strip()) for h in header]
    for f in schema["fields"]:
        if (f.get("required") or f["name"] == schema["key"]) and f["name"] not in cols:
            raise Refused(f"missing column {f['name']}")
    return cols


def c_validate_file(schema: dict, path: Path):
    """-> (header, problems [(line, field, reason)], good_rows [dict], meta)"""
    data = path.read_bytes()
    bom, recs = parse_csv_bytes(data)
    need(recs, f"{path}: empty")
    header = [b.decode("utf-8") for b in recs[0][1]]
    cols = c_header(schema, header)
    problems, good, all_counts, warnings = [], [], {}, []
    seen: dict[str, list[bytes]] = {}
    key = schema["key"]
    n_records = 0
    for start, fields, _term in recs[1:]:
        if fields == [b""]:
            continue  # blank line
        n_records += 1
        if len(fields) != len(header):
            problems.append((start, "", "wrong_column_count"))
            continue
        row, enc_bad = {}, None
        for c, b in zip(cols, fields):
            try:
                s = b.decode("utf-8")
            except UnicodeDecodeError:
                enc_bad = enc_bad or c
                continue
            if c:
                row[c] = s
        if enc_bad:
            problems.append((start, enc_bad, "bad_encoding"))
            continue
        warns: list[tuple[str, str]] = []
        errs = c_row_errors(schema, row, warns)
        all_counts[start] = len(errs)
        if errs:
            problems.append((start, errs[0][0], errs[0][1]))
            continue
        k = row[key]
        if k in seen:
            if seen[k] != fields:
                problems.append((start, key, "duplicate_key"))
            continue
        seen[k] = fields
        good.append(row)
        warnings += [(start, f, c) for f, c in warns]
    return header, problems, good, dict(bom=bom, data=data, records=n_records, err_counts=all_counts,
                                        warnings=warnings)


def c_read_manifest(path: Path) -> list[tuple[int, str, str]]:
    lines = path.read_text("utf-8").splitlines()
    need(lines[0] == "line,field,reason_code", f"{path}: bad manifest header")
    out = []
    for l in lines[1:]:
        a, b, c = l.split(",")
        out.append((int(a), b, c))
    need(out == sorted(out), f"{path}: not sorted")
    return out


def check_all() -> None:
    rs, es, ls = (load_schema(k) for k in ("residents", "enterprises", "licences"))
    rnames = [f["name"] for f in rs["fields"]]
    summary = []

    def good_file(schema, name, expect_header):
        path = FIXTURES / name
        header, problems, good, meta = c_validate_file(schema, path)
        need(header == expect_header, f"{name}: header {header}")
        need(not problems, f"{name}: unexpected problems {problems[:5]}")
        need(not meta["warnings"], f"{name}: unexpected warnings {meta['warnings'][:5]}")
        need(not meta["bom"] and b"\r" not in meta["data"], f"{name}: BOM/CR present")
        need(meta["data"].endswith(b"\n") and not meta["data"].endswith(b"\n\n"), f"{name}: EOF")
        need(len(good) == meta["records"], f"{name}: exact repeats in a good file")
        summary.append(f"{name}: {len(good)} rows OK")
        return good

    # ---- residents.csv ----
    res = good_file(rs, "residents.csv", rnames)
    need(290 <= len(res) <= 310, "residents count")
    ages = {}
    for row in res:
        b = c_parse_date(row["birth_date"])
        ages[row["id_number"]] = AS_OF.year - b.year - ((AS_OF.month, AS_OF.day) < (b.month, b.day))
    need(all(0 <= a <= 105 for a in ages.values()), "age range")
    need(sum(a >= 80 for a in ages.values()) >= 4, "few >= 80")
    need(sum(a >= 90 for a in ages.values()) >= 2, "few >= 90")
    need(sum(a < 3 for a in ages.values()) >= 4, "few under 3")
    need(sum(r["id_number"][-1] == "X" for r in res) >= 5, "X check chars")
    need(sum(not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["birth_date"]) for r in res) == 2, "alt date forms")
    hh: dict[str, list[dict]] = {}
    for row in res:
        hh.setdefault(row["household_id"], []).append(row)
    for hid, mem in hh.items():
        need(1 <= len(mem) <= 6, f"{hid}: size")
        heads = [m for m in mem if m["relation"] == "户主"]
        need(len(heads) == 1, f"{hid}: heads")
        ha = ages[heads[0]["id_number"]]
        need(ha >= 18, f"{hid}: head age")
        for m in mem:
            a, rel = ages[m["id_number"]], m["relation"]
            if rel == "配偶":
                need(abs(a - ha) <= 12 and m["gender"] != heads[0]["gender"], f"{hid}: spouse")
            elif rel == "子女":
                need(ha - a >= 18, f"{hid}: child age")
            elif rel == "父母":
                need(a - ha >= 18, f"{hid}: parent age")
            elif rel == "孙子女":
                need(ha - a >= 36, f"{hid}: grandchild age")
        need(len({m["hukou_division"] for m in mem}) == 1, f"{hid}: division")
        need(len({m["dibao"] for m in mem} - {""}) <= 1, f"{hid}: dibao")
        types = {m["hukou_type"] for m in mem} - {""}
        need(len(types) <= 1, f"{hid}: hukou_type")
        land = [float(m["farmland_mu"]) for m in mem]
        if any(x > 0 for x in land):
            need(types <= {"农业"} and all(x > 0 for x in land), f"{hid}: land")
        else:
            need(types <= {"非农业"}, f"{hid}: 农业 household without land")
        need(hid.startswith("H" + mem[0]["hukou_division"][:6]) and len(hid) == 14, f"{hid}: id form")
    for row in res:
        a = ages[row["id_number"]]
        st = row["school_stage"]
        if row["alive"] == "否" or a < 3 or a > 22:
            need(st == "无", f"stage {a} {st}")
        elif a <= 17:
            exp = "学前" if a <= 5 else "小学" if a <= 11 else "初中" if a <= 14 else "高中"
            need(st == exp, f"stage {a} {st}")
        else:
            need(st in ("本科", "无"), f"stage {a} {st}")
        if row["tekun"] == "是":
            need(row["dibao"] != "是", "tekun+dibao")
    n = len(res)
    cnt = lambda f, v: sum(r[f] == v for r in res)  # noqa: E731
    need(1 <= cnt("alive", "否") <= 5, "deaths")
    need(0.02 <= cnt("dibao", "是") / n <= 0.08, "dibao share")
    need(0.01 <= cnt("tekun", "是") / n <= 0.05, "tekun share")
    dis = [r for r in res if r["disability_level"]]
    need(0.03 <= len(dis) / n <= 0.07, "disability share")
    need(cnt("consent_push", "是") / n >= 0.75, "consent")
    for f in ("annual_income_yuan", "phone", "medical_insurance", "hukou_type", "dibao"):
        blank = sum(r[f] == "" and ages[r["id_number"]] >= 16 for r in res)
        need(1 <= blank <= 0.06 * n, f"missing {f}: {blank}")
    divs = [r["hukou_division"] for r in res]
    erqi = sum(d.startswith("410103") for d in divs) / n
    outp = sum(not d.startswith("41") for d in divs) / n
    need(0.75 <= erqi <= 0.93 and 0.005 <= outp <= 0.06, f"division mix {erqi:.2f} {outp:.2f}")
    res_ids = {r["id_number"] for r in res}

    # ---- residents_zh.csv ----
    zh = good_file(rs, "residents_zh.csv", [f["aliases"][0] for f in rs["fields"]])
    need(len(zh) == 10 and not ({r["id_number"] for r in zh} & res_ids), "residents_zh")

    # ---- enterprises.csv ----
    ent = good_file(es, "enterprises.csv", [f["aliases"][0] for f in es["fields"]])
    need(95 <= len(ent) <= 105, "enterprise count")
    ne = len(ent)
    ent_by = {e["uscc"]: e for e in ent}
    need(len({e["name"] for e in ent}) == ne, "enterprise names unique")
    need(sum(e["high_tech"] == "是" for e in ent) == 10, "high tech count")
    abv = [e for e in ent if e["above_scale"] == "是"]
    need(0.15 <= len(abv) / ne <= 0.25, f"above scale share {len(abv)}")
    need(sum(e["industry"][0] == "C" for e in ent) >= 20, "manufacturing share")
    need(len({e["industry"][0] for e in ent}) >= 10, "section spread")
    for e in ent:
        if e["high_tech"] == "是":
            need(2021 <= c_parse_date(e["high_tech_cert_date"]).year <= 2025, "cert year")
        else:
            need(e["high_tech_cert_date"] == "", "cert date only when high tech")
        if e["above_scale"] == "是":
            need(2015 <= int(e["first_above_scale_year"]) <= 2025, "first above year")
        else:
            need(e["first_above_scale_year"] == "", "first above only when above")
        if e["employees"]:
            need(1 <= int(e["employees"]) <= 2000, "employees range")
            need(int(e["insured_employees"]) <= int(e["employees"]), "insured <= employees")
            need(int(e["new_graduates_hired"]) <= int(e["employees"]), "grads <= employees")
        if e["layoff_rate"]:
            need(0 <= float(e["layoff_rate"]) <= 8, "layoff range")
        need(0 <= int(e["new_graduates_hired"]) <= 30, "grads range")
        need(e["uscc"][0] == "9" and e["uscc"][1] in "12", "uscc kind")
    need(sum(e["uscc"][2:8] == "410103" for e in ent) / ne >= 0.75, "uscc division")
    need(sum(e["dishonest"] == "是" for e in ent) / ne <= 0.06, "dishonest")
    need(sum(not re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["established"]) for e in ent) == 2, "alt date forms")

    # ---- licences.csv ----
    lic = good_file(ls, "licences.csv", [f["name"] for f in ls["fields"]])
    need(140 <= len(lic) <= 165, f"licence count {len(lic)}")
    for l in lic:
        if l["holder_kind"] == "企业":
            need(l["holder_id"] in ent_by, f"unknown enterprise {l['holder_id']}")
        else:
            need(l["holder_id"] in res_ids, f"unknown resident {l['holder_id']}")
    need(sum(l["license_type"] == "营业执照" for l in lic) >= 0.85 * ne, "business licences")
    gx = [l for l in lic if l["license_type"] == "高新技术企业证书"]
    need(len(gx) == 10, "high tech certificates")
    expired = soon = 0
    for l in gx:
        e = ent_by[l["holder_id"]]
        need(e["high_tech"] == "是" and l["issue_date"] == e["high_tech_cert_date"], "cert issue = cert date")
        iss, exp = c_parse_date(l["issue_date"]), c_parse_date(l["expiry_date"])
        need(exp == add_years(iss, 3) - dt.timedelta(days=1), "3-year validity")
        expired += exp < AS_OF
        soon += AS_OF <= exp <= AS_OF + dt.timedelta(days=90)
    need(expired >= 2 and soon >= 2, f"expired {expired} soon {soon}")
    cj = {l["holder_id"] for l in lic if l["license_type"] == "残疾人证"}
    need(cj == {r["id_number"] for r in dis}, "disability certificates")
    need(sum(l["license_type"] == "残疾人证" for l in lic) == len(dis), "one disability cert each")
    ent_ids = set(ent_by)
    lic_nos = {l["license_no"] for l in lic}

    # ---- bad files against manifests ----
    def bad_file(schema, name, expect_header, crlf=False, bom=False, threshold=None):
        path = BAD / name
        header, problems, good, meta = c_validate_file(schema, path)
        need(header == expect_header, f"{name}: header")
        need(meta["bom"] == bom, f"{name}: BOM")
        data = meta["data"]
        if crlf:
            need(data.count(b"\r\n") >= data.count(b"\n") - 1, f"{name}: not CRLF")
        else:
            need(b"\r" not in data, f"{name}: CR")
        manifest = c_read_manifest(BAD / name.replace(".csv", ".expected.csv"))
        need(sorted(problems) == manifest,
             f"{name}: checker found {sorted(problems)}\n  manifest {manifest}")
        warnings_path = BAD / name.replace(".csv", ".warnings.csv")
        expected_warnings = c_read_manifest(warnings_path) if warnings_path.exists() else []
        need(sorted(meta["warnings"]) == expected_warnings,
             f"{name}: checker found warnings {sorted(meta['warnings'])}\n  manifest {expected_warnings}")
        for line, field, reason in manifest:
            if reason in ("wrong_column_count", "bad_encoding", "duplicate_key"):
                continue
            need(meta["err_counts"].get(line) == 1, f"{name}:{line} has more than one defect")
        keys = {r[schema["key"]] for r in good}
        other = {"residents": res_ids | {r["id_number"] for r in zh},
                 "enterprises": ent_ids, "licences": lic_nos}[schema["kind"]]
        need(not (keys & other), f"{name}: keys collide with good files")
        if threshold is not None:
            need(len(manifest) / meta["records"] > threshold, f"{name}: not above threshold")
        summary.append(f"{name}: {meta['records']} records, {len(manifest)} bad, {len(good)} imported")
        return good, manifest, meta

    good, manifest, meta = bad_file(rs, "residents_bad.csv", rnames, crlf=True, bom=True)
    reasons = {c for _, _, c in manifest}
    need(reasons == {"bad_check_digit", "bad_format", "birth_mismatch", "gender_mismatch", "bad_date",
                     "bad_enum", "bad_number", "bad_division", "missing_required", "duplicate_key",
                     "wrong_column_count", "bad_encoding"}, f"residents_bad reasons {reasons}")
    need(not meta["data"].endswith(b"\n"), "residents_bad: last line must be unterminated")
    need(manifest[-1][2] == "wrong_column_count", "residents_bad: truncated last record")
    need(meta["records"] - len(manifest) > len(manifest), "residents_bad: mostly good rows")
    need(any(',' in r["name"] and '"' in r["name"] and "\n" in r["name"] for r in good), "multiline name")

    _, manifest, meta = bad_file(es, "enterprises_bad.csv", [f["aliases"][0] for f in es["fields"]])
    need(meta["data"].endswith(b"\n\n"), "enterprises_bad: trailing blank line")
    _, manifest, meta = bad_file(ls, "licences_bad.csv", [f["name"] for f in ls["fields"]])
    for l in _:
        need(l["holder_id"] in (ent_ids if l["holder_kind"] == "企业" else res_ids), "licences_bad holder")
    _, manifest, meta = bad_file(rs, "residents_reject.csv", rnames, threshold=0.05)
    need(meta["records"] == 20 and len(manifest) == 6, "reject file shape")

    try:
        c_validate_file(rs, BAD / "residents_missing_column.csv")
        raise CheckError("residents_missing_column.csv was not refused")
    except Refused as exc:
        need("id_number" in str(exc), "refused for the wrong reason")
        summary.append(f"residents_missing_column.csv: refused ({exc})")
    need(not (BAD / "residents_missing_column.expected.csv").exists(), "no manifest for missing column")

    print("check OK")
    for s in summary:
        print("  " + s)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only run the checker on existing fixtures")
    args = ap.parse_args()
    if not args.check:
        generate()
        for p in sorted(FIXTURES.rglob("*")):
            if p.is_file():
                print(f"{hashlib.sha256(p.read_bytes()).hexdigest()[:12]}  {p.relative_to(ROOT)}")
    try:
        check_all()
    except CheckError as exc:
        print(f"CHECK FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
