#!/usr/bin/env python3
"""Generate the demo county's organisation: demo/org/units.csv, people.csv, grids.csv.

The county is fictional: 青川县 (370999) of 临泉市 (370900). The script is deterministic (fixed
seeds, no clock, stdlib only), so running it again rewrites identical files:

    python3 demo/generate_org.py
"""
import csv
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "org"
CITY, COUNTY, CENTRE = "370900", "370999", "370999-ZHZX"
UNIT_HEADER = ["编码", "名称", "简称", "别名", "类型", "上级编码", "所属部门编码", "所在乡镇编码"]
PEOPLE_HEADER = ["账号", "姓名", "手机", "所属单位编码", "角色"]
GRID_HEADER = ["编码", "名称", "类型", "所属村社编码", "网格长账号", "网格员账号", "边界"]

# Townships in code order: (name, 类型, block column, block row); block row 0 is the south edge.
TOWNSHIPS = [
    ("青山镇", "镇", 0, 2), ("柳林镇", "镇", 1, 2), ("河口镇", "镇", 2, 2), ("石桥镇", "镇", 3, 2),
    ("白马镇", "镇", 3, 1), ("龙泉镇", "镇", 0, 0), ("杨庄镇", "镇", 2, 0), ("桃园乡", "乡", 3, 0),
    ("城关街道", "街道", 1, 1), ("东城街道", "街道", 2, 1), ("西城街道", "街道", 0, 1), ("南湖街道", "街道", 1, 0),
]

# Departments: (code suffix, full name, short name, aliases, divisions).
DEPARTMENTS = [
    ("BB", "中共青川县委机构编制委员会办公室", "县委编办", "编办、县编办、机构编制委员会办公室", "体制改革股、机构编制股、事业单位登记管理股"),
    ("SF", "青川县司法局", "司法局", "县司法局", "行政执法协调监督股、法治调研股、人民参与和促进法治股"),
    ("JW", "中共青川县纪律检查委员会 青川县监察委员会", "县纪委监委", "纪委监委、县纪委、县监委", "党风政风监督室、第一纪检监察室、案件审理室"),
    ("ZJ", "青川县住房和城乡建设局", "住建局", "县住建局、住房城乡建设局", "村镇建设股、物业管理股、建筑市场监管股、房地产市场监管股"),
    ("ZF", "青川县综合行政执法局", "综合执法局", "城管局、城管执法局、县综合执法局", "执法一大队、执法二大队、市容环境卫生管理股"),
    ("HB", "青川县生态环境分局", "生态环境局", "临泉市生态环境局青川分局、生态环境分局、环保局", "生态环境保护综合执法大队、污染防治股、环境监测站"),
    ("ZR", "青川县自然资源和规划局", "自然资源局", "自然资源和规划局、县自然资源局、国土局", "国土空间规划股、耕地保护股、自然资源执法监察大队"),
    ("SJ", "青川县市场监督管理局", "市场监管局", "县市场监管局、市场监督管理局", "食品安全协调股、特种设备安全监察股、价格监督检查和反不正当竞争股"),
    ("YJ", "青川县应急管理局", "应急局", "应急管理局、县应急局", "安全生产综合协调股、危险化学品安全监督管理股、防灾减灾救灾股"),
    ("NY", "青川县农业农村局", "农业农村局", "农业局、县农业农村局", "乡村振兴股、农田建设管理股、农业综合行政执法大队"),
    ("SL", "青川县水利局", "水利局", "县水利局", "河湖长制工作股、水旱灾害防御股、农村水利水电股"),
    ("JT", "青川县交通运输局", "交通局", "交通运输局、县交通局", "公路管理股、运输管理股、交通运输综合执法大队"),
    ("GA", "青川县公安局", "公安局", "县公安局", "治安管理大队、交通警察大队、刑事侦查大队"),
    ("WJ", "青川县卫生健康局", "卫健局", "卫生健康局、县卫健局", "医政医管股、疾病预防控制股、基层卫生股"),
    ("JY", "青川县教育和体育局", "教体局", "教育局、体育局、县教体局", "基础教育股、学校安全管理股、体育股"),
    ("RS", "青川县人力资源和社会保障局", "人社局", "人力资源社会保障局、县人社局", "劳动保障监察大队、就业促进股、养老保险股"),
    ("MZ", "青川县民政局", "民政局", "县民政局", "社会救助股、养老服务股、基层政权建设和社区治理股"),
    ("WL", "青川县文化和旅游局", "文旅局", "文化旅游局、县文旅局", "文化市场综合执法大队、旅游发展股、公共文化服务股"),
    ("SW", "青川县商务局", "商务局", "县商务局", "市场运行和消费促进股、对外贸易股"),
    ("FG", "青川县发展和改革局", "发改局", "发展改革局、发改委", "投资股、能源发展股、价格股"),
    ("CZ", "青川县财政局", "财政局", "县财政局", "预算股、国库股、农业农村股"),
    ("GX", "青川县工业和信息化局", "工信局", "工业和信息化局、县工信局", "产业发展股、中小企业股"),
    ("TY", "青川县退役军人事务局", "退役军人局", "退役军人事务局", "优抚股、移交安置与就业创业股"),
    ("YB", "青川县医疗保障局", "医保局", "医疗保障局、县医保局", "待遇保障股、基金监管股"),
    ("TJ", "青川县统计局", "统计局", "县统计局", "综合统计股、农村统计股"),
    ("SJJ", "青川县审计局", "审计局", "县审计局", "财政审计股、经济责任审计股"),
    ("SP", "青川县行政审批服务局", "审批局", "行政审批服务局、审批服务局", "投资建设审批股、社会事务审批股、政务服务中心管理股"),
    ("XFJY", "青川县消防救援大队", "消防大队", "消防救援大队、县消防大队", "防火监督股、灭火救援股"),
    ("QX", "青川县气象局", "气象局", "县气象局", "防灾减灾股、气象台"),
    ("SWJ", "国家税务总局青川县税务局", "税务局", "县税务局、青川县税务局", "纳税服务股、征收管理股"),
    ("RF", "青川县人民防空办公室", "人防办", "人民防空办公室、县人防办", "人防工程管理股、通信警报股"),
    ("XF", "青川县信访局", "信访局", "县信访局", "办信股、接访股、督查督办股"),
    ("ZFB", "青川县人民政府办公室", "县政府办", "政府办、县政府办公室、12345热线管理办公室", "督查室、12345政务服务便民热线管理股、综合股"),
    ("ZFW", "中共青川县委政法委员会", "县委政法委", "政法委", "平安建设股、网格化服务管理股"),
    ("SG", "中共青川县委社会工作部", "县委社会工作部", "社会工作部、社工部", "基层治理股、志愿服务股"),
    ("DSJ", "青川县大数据中心", "大数据中心", "大数据局、县大数据中心", "数据资源股、信息化建设股"),
    ("XM", "青川县畜牧兽医事业发展中心", "畜牧中心", "畜牧兽医中心、畜牧局", "动物防疫股、畜产品质量安全股"),
    ("GXS", "青川县供销合作社联合社", "供销社", "县供销社、供销合作社", "业务发展股、合作指导股"),
]

# Stationed units in every township: (owner suffix, code tag, full-name pattern, short pattern).
STATIONED = [
    ("GA", "PCS", "青川县公安局{t}派出所", "{t}派出所"),
    ("SJ", "SCS", "青川县市场监督管理局{t}市场监督管理所", "{t}市场监管所"),
    ("ZF", "ZD", "青川县综合行政执法局{t}综合行政执法中队", "{t}执法中队"),
    ("SF", "SFS", "青川县司法局{t}司法所", "{t}司法所"),
]
EXTRA_STATIONED = [("ZR", "ZRS", "青川县自然资源和规划局{t}自然资源所", "{t}自然资源所", [1, 2, 3])]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰凤志国海林斌波宁鹏飞俊峰红梅晓东春雪琳浩宇欣怡子涵博文嘉轩德胜德成庆丰学军春生建华永刚秀兰凤英桂芝立新卫东宏伟海燕"
VILLAGE_FORMS = ["{s}家庄", "{s}家洼", "{s}官庄", "{s}家屯", "{s}家寨", "{s}家楼", "东{s}庄", "西{s}庄", "前{s}", "后{s}", "{s}家集", "{s}家店"]
NATURE_VILLAGES = "柳树沟 石河 杏林 泉头 沙岭 双山 黄土崖 马鞍山 梨园 桑园 北坡 前洼 槐树底 大柳行 红石岭 响水 南岭 东沟 西峪 卧龙 凤凰台 青龙湾 黄花店 芦苇湾 三里河 七里铺 古城 榆林 枣园 松树岭".split()
COMMUNITIES = "柳河 文化 建设 幸福 和平 新华 花园 滨河 锦绣 翠湖 振兴 光明 府前 鼓楼 育才 阳光 东关 西关 南关 北关 湖滨 金桥 朝阳 胜利 团结 安居 康乐 长青 书院 泉韵 恒安 丰泽 华新 清源 龙湖 东苑 西苑 望湖 银河 明珠".split()
# Special grids (专属): (township index, village index, cell index, what it covers).
SPECIAL = [(0, 3, 1, "青山工业园区"), (1, 2, 0, "柳林镇中心小学"), (2, 5, 2, "河口物流园区"), (3, 1, 1, "石桥镇卫生院"),
           (4, 6, 0, "白马山景区"), (5, 4, 2, "龙泉经济开发区"), (8, 0, 1, "青川县第一中学"), (9, 3, 0, "青川县人民医院"),
           (10, 7, 2, "西城商贸城"), (11, 2, 1, "南湖湿地公园")]
COLS, ROWS, BLOCK_W, BLOCK_H = 24, 15, 6, 5
WEST, SOUTH, DX, DY = 116.70, 36.175, 0.6 / 24, 0.45 / 15

rng_names = random.Random(370999)
rng_geo = random.Random(20240601)


def unit(code, name, short, kind, parent="", aliases="", owner="", township=""):
    return dict(zip(UNIT_HEADER, [code, name, short, aliases, kind, parent, owner, township]))


def short_of(township):
    return township[:-2] if township.endswith("街道") else township[:-1]


def village_names():
    """Distinct plausible village (村) and community (社区) base names, deterministic."""
    taken = {short_of(t[0]) for t in TOWNSHIPS}
    pool = [f.format(s=s) for s in SURNAMES[:40] for f in VILLAGE_FORMS] + NATURE_VILLAGES
    rng_names.shuffle(pool)
    villages = ["王家庄"] + [v for v in pool if v not in taken and v != "王家庄"]
    communities = list(COMMUNITIES)
    rng_names.shuffle(communities)
    communities.remove("柳河")
    return villages, ["柳河"] + communities


def build_units():
    units = [unit(CITY, "临泉市", "临泉", "市"),
             unit(COUNTY, "青川县", "青川", "县", CITY, "临泉市青川县")]
    townships, villages = [], []
    for i, (name, kind, _, _) in enumerate(TOWNSHIPS, 1):
        code, short = f"{COUNTY}{i:03d}", short_of(name)
        aliases = [f"青川县{name}"] + ([f"{name}办事处"] if kind == "街道" else [])
        units.append(unit(code, name, short, kind, COUNTY, "、".join(aliases)))
        townships.append(code)
    for code, (name, kind, _, _) in zip(townships, TOWNSHIPS):
        units.append(unit(f"{code}-ZHS", f"{name}综合信息指挥室", f"{name}指挥室", "乡镇指挥室", code,
                          f"{name}社会治理中心、{short_of(name)}指挥室"))
    village_pool, community_pool = village_names()
    for code, (name, kind, _, _) in zip(townships, TOWNSHIPS):
        for v in range(10):
            is_community = (v < 8) if kind == "街道" else (v == 9)
            # 街道 take community names from the front (城关 gets 柳河), towns from the back.
            base = (community_pool.pop(0) if kind == "街道" else community_pool.pop()) if is_community else village_pool.pop(0)
            vkind = "社区" if is_community else "村"
            vcode = f"{code}{v + 1:03d}"
            units.append(unit(vcode, base + vkind, base, vkind, code, f"{name}{base}{vkind}"))
            villages.append(vcode)
    units.append(unit(CENTRE, "青川县社会治理指挥中心", "县指挥中心", "县指挥中心", COUNTY, "县社会治理中心、12345热线办"))
    for suffix, name, short, aliases, _ in DEPARTMENTS:
        units.append(unit(f"D-{suffix}", name, short, "部门", COUNTY, aliases))
    for suffix, *_, divisions in DEPARTMENTS:
        for k, div in enumerate(divisions.split("、"), 1):
            units.append(unit(f"D-{suffix}-{k:02d}", div, div, "科室", f"D-{suffix}"))
    for owner, tag, full, short, *only in STATIONED + EXTRA_STATIONED:
        for i, (code, (name, kind, _, _)) in enumerate(zip(townships, TOWNSHIPS), 1):
            if only and i not in only[0]:
                continue
            t = short_of(name)
            units.append(unit(f"D-{owner}-{tag}-{i:03d}", full.format(t=t), short.format(t=t), "派驻机构",
                              f"D-{owner}", short.format(t=name), f"D-{owner}", code))
    return units, townships, villages


class People:
    def __init__(self):
        self.rows, self.names, self.phones = [], set(), set()

    def add(self, username, unit_code, *roles):
        name = self.person_name()
        phone = self.phone()
        self.rows.append(dict(zip(PEOPLE_HEADER, [username, name, phone, unit_code, ";".join(roles)])))
        return username

    def person_name(self):
        while True:
            n = rng_names.choice(SURNAMES) + "".join(rng_names.choice(GIVEN) for _ in range(rng_names.choice((1, 2, 2))))
            if n not in self.names:
                self.names.add(n)
                return n

    def phone(self):
        while True:
            p = rng_names.choice(("13", "15", "18")) + "".join(str(rng_names.randrange(10)) for _ in range(9))
            if p not in self.phones:
                self.phones.add(p)
                return p


def lattice():
    """Jittered lattice points and bent edge midpoints; shared edges are computed once."""
    pts = [[(round(WEST + (i + rng_geo.uniform(-0.3, 0.3)) * DX, 6), round(SOUTH + (j + rng_geo.uniform(-0.3, 0.3)) * DY, 6))
            for j in range(ROWS + 1)] for i in range(COLS + 1)]

    def bend(a, b):
        k = rng_geo.uniform(-0.12, 0.12)
        return (round((a[0] + b[0]) / 2 - (b[1] - a[1]) * k, 6), round((a[1] + b[1]) / 2 + (b[0] - a[0]) * k, 6))

    hmid = {(i, j): bend(pts[i][j], pts[i + 1][j]) for j in range(ROWS + 1) for i in range(COLS)}
    vmid = {(i, j): bend(pts[i][j], pts[i][j + 1]) for i in range(COLS + 1) for j in range(ROWS)}

    def ring(i, j):  # counter-clockwise: SW, S, SE, E, NE, N, NW, W, SW
        r = [pts[i][j], hmid[i, j], pts[i + 1][j], vmid[i + 1, j], pts[i + 1][j + 1], hmid[i, j + 1], pts[i][j + 1], vmid[i, j]]
        return r + [r[0]]
    return ring


def shrink(ring, f=0.55):
    cx = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    cy = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    return [(round(cx + (x - cx) * f, 6), round(cy + (y - cy) * f, 6)) for x, y in ring]


def geojson(ring):
    return json.dumps({"type": "Polygon", "coordinates": [[[x, y] for x, y in ring]]}, separators=(",", ":"))


def build(units, townships, villages):
    by_code = {u["编码"]: u for u in units}
    p = People()
    qs, cg = townships[0], townships[8]
    demo = [("admin", "D-DSJ", f"system_admin@{COUNTY}"), ("dispatcher", CENTRE, f"county_dispatcher@{CENTRE}"),
            ("dispatcher2", CENTRE, f"county_dispatcher@{CENTRE}"), ("qingshan_op", f"{qs}-ZHS", f"township_operator@{qs}"),
            ("qingshan_leader", qs, f"township_leader@{qs}"), ("chengguan_op", f"{cg}-ZHS", f"township_operator@{cg}"),
            ("grid_qs01", villages[0], f"grid_worker@{villages[0]}"), ("zhujian", "D-ZJ", "department_handler@D-ZJ"),
            ("zhujian_leader", "D-ZJ", "department_leader@D-ZJ"), ("zhifa", "D-ZF", "department_handler@D-ZF"),
            ("shichang", "D-SJ", "department_handler@D-SJ"), ("huanbao", "D-HB", "department_handler@D-HB"),
            ("bianban", "D-BB", "establishment_reviewer@D-BB"), ("sifa", "D-SF", "justice_reviewer@D-SF"),
            ("jiwei", "D-JW", "discipline_inspector@D-JW"), ("leader", COUNTY, f"leader@{COUNTY}"),
            ("paichusuo_qs", "D-GA-PCS-001", "department_handler@D-GA-PCS-001")]
    for username, unit_code, role in demo:
        p.add(username, unit_code, role)
    for suffix, *_ in DEPARTMENTS:
        d, s = f"D-{suffix}", suffix.lower()
        p.add(f"dept_{s}_handler", d, f"department_handler@{d}")
        p.add(f"dept_{s}_leader", d, f"department_leader@{d}")
    for u in units:
        if u["类型"] in ("科室", "派驻机构"):
            p.add("h_" + u["编码"].lower().replace("-", "_"), u["编码"], f"department_handler@{u['编码']}")
    for t in townships:
        p.add(f"op_{t}", f"{t}-ZHS", f"township_operator@{t}")
        p.add(f"tl_{t}", t, f"township_leader@{t}", f"leader@{t}")
    for k in range(4):  # a few staff members without any role
        p.add(f"staff{k + 1:02d}", COUNTY if k % 2 == 0 else CENTRE)

    ring, grids = lattice(), []
    special = {(t, v, c): what for t, v, c, what in SPECIAL}
    for ti, (tname, _, bx, by) in enumerate(TOWNSHIPS):
        for v in range(10):
            vcode = villages[ti * 10 + v]
            vname = tname + by_code[vcode]["名称"]
            j = by * BLOCK_H + (BLOCK_H - 1 - v // 2)  # village 1-2 in the northern row of the block
            workers = []
            for c in range(3):
                i = bx * BLOCK_W + (v % 2) * 3 + c
                worker = "grid_qs01" if vcode == villages[0] else p.add(f"gw_{vcode}_{c + 1}", vcode, f"grid_worker@{vcode}")
                workers.append(worker)
                grids.append([f"{vcode}-{c + 1:02d}", f"{vname}第{c + 1}网格", "综合", vcode, workers[0], worker, ring(i, j)])
                if (ti, v, c) in special:
                    sw = p.add(f"gw_{vcode}_z1", vcode, f"grid_worker@{vcode}")
                    grids.append([f"{vcode}-Z1", f"{vname}{special[ti, v, c]}专属网格", "专属", vcode, workers[0], sw,
                                  shrink(ring(i, j))])
    grid_rows = [dict(zip(GRID_HEADER, g[:6] + [geojson(g[6])])) for g in grids]
    return p.rows, grid_rows


def write(name, header, rows):
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def read(name, header):
    with open(OUT / name, encoding="utf-8", newline="") as f:
        r = csv.DictReader(f)
        assert r.fieldnames == header, f"{name}: header {r.fieldnames}"
        return list(r)


def segments_cross(a, b, c, d):
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)
    return orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0


def validate():
    units, people, grids = read("units.csv", UNIT_HEADER), read("people.csv", PEOPLE_HEADER), read("grids.csv", GRID_HEADER)
    kind, seen = {}, set()
    for u in units:
        code, k = u["编码"], u["类型"]
        assert code and code not in kind and len(code) <= 64, f"bad or duplicate unit code {code}"
        assert all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in code), code
        assert u["上级编码"] in seen or (k == "市" and not u["上级编码"]), f"{code}: parent not listed before it"
        assert bool(u["所属部门编码"]) == bool(u["所在乡镇编码"]) == (k == "派驻机构"), code
        if k == "派驻机构":
            assert kind[u["所属部门编码"]] == "部门" and kind[u["所在乡镇编码"]] in ("镇", "乡", "街道"), code
        kind[code] = k
        seen.add(code)
    village_names = [u["名称"] for u in units if u["类型"] in ("村", "社区")]
    assert len(set(village_names)) == len(village_names), "village names repeat"
    scopes = {"grid_worker": {"村", "社区"}, "township_operator": {"镇", "乡", "街道"}, "township_leader": {"镇", "乡", "街道"},
              "county_dispatcher": {"县指挥中心"}, "department_handler": {"部门", "科室", "派驻机构"},
              "department_leader": {"部门"}, "establishment_reviewer": {"D-BB"}, "justice_reviewer": {"D-SF"},
              "discipline_inspector": {"D-JW"}, "leader": {"县", "镇", "乡", "街道"}, "system_admin": {COUNTY}}
    usernames = set()
    for p in people:
        name = p["账号"]
        assert name not in usernames and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789_." for ch in name), name
        usernames.add(name)
        assert p["所属单位编码"] in kind and len(p["手机"]) == 11 and p["手机"][:2] in ("13", "15", "18"), name
        for grant in filter(None, p["角色"].split(";")):
            role, scope = grant.split("@")
            assert scope in kind and (kind[scope] in scopes[role] or scope in scopes[role]), f"{name}: {grant}"
    gcodes = set()
    for g in grids:
        assert g["编码"] not in gcodes and kind[g["所属村社编码"]] in ("村", "社区") and g["类型"] in ("综合", "专属"), g["编码"]
        gcodes.add(g["编码"])
        assert g["网格长账号"] in usernames and all(w in usernames for w in g["网格员账号"].split(";")), g["编码"]
        geom = json.loads(g["边界"])
        assert geom["type"] == "Polygon" and len(geom["coordinates"]) == 1, g["编码"]
        r = geom["coordinates"][0]
        assert len(r) >= 4 and r[0] == r[-1], f"{g['编码']}: ring not closed"
        area = sum(r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1] for i in range(len(r) - 1))
        assert area > 0, f"{g['编码']}: ring is not counter-clockwise"
        n = len(r) - 1
        assert not any(segments_cross(r[a], r[a + 1], r[b], r[b + 1]) for a in range(n) for b in range(a + 2, n)
                       if not (a == 0 and b == n - 1)), f"{g['编码']}: self-intersecting"
    counts = {k: sum(1 for v in kind.values() if v in ks) for k, ks in
              [("townships", ("镇", "乡", "街道")), ("villages", ("村", "社区")), ("departments", ("部门",)),
               ("divisions", ("科室",)), ("stationed units", ("派驻机构",))]}
    assert counts["townships"] >= 12 and counts["villages"] >= 100 and counts["departments"] >= 30 and len(grids) >= 300
    special = sum(1 for g in grids if g["类型"] == "专属")
    print(f"units {len(units)}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"people {len(people)}; grids {len(grids)} ({len(grids) - special} 综合, {special} 专属)")


def main():
    units, townships, villages = build_units()
    people, grids = build(units, townships, villages)
    write("units.csv", UNIT_HEADER, units)
    write("people.csv", PEOPLE_HEADER, people)
    write("grids.csv", GRID_HEADER, grids)
    validate()


if __name__ == "__main__":
    main()
