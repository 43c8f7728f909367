//! A self-contained benchmark: builds an index over synthetic but realistic
//! list items and times a mix of short keyword queries and long colloquial
//! messages. Used by `benches/search.rs` and by the CLI (`tiaokuai bench lists`).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use tantivy::tokenizer::TokenStream;

use crate::analysis::word_analyzer;
use crate::{ListIndex, SearchDoc};

/// Small deterministic PRNG (SplitMix64), so every run sees the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

/// (domain, subjects with their aliases, responsible units, laws)
type Domain = (
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
    &'static [&'static str],
    &'static [&'static str],
);

const DOMAINS: &[Domain] = &[
    (
        "生态环境",
        &[
            ("餐饮油烟", &["油烟", "饭店排烟", "烧烤油烟"]),
            ("建筑扬尘", &["扬尘", "工地灰尘"]),
            ("噪声污染", &["噪音", "吵闹", "夜间施工"]),
            ("工业废气", &["异味", "臭味", "废气"]),
            ("秸秆焚烧", &["烧秸秆", "露天焚烧"]),
            ("污水直排", &["偷排污水", "排污口"]),
        ],
        &["区生态环境局", "区综合行政执法局", "街道办事处"],
        &["大气污染防治法", "噪声污染防治法", "水污染防治法"],
    ),
    (
        "城乡建设",
        &[
            ("违法建设", &["违建", "私搭乱建", "加盖"]),
            ("燃气安全", &["燃气泄漏", "煤气味"]),
            ("房屋安全", &["危房", "墙体开裂"]),
            ("工程质量", &["房子漏水", "质量问题"]),
        ],
        &["区住房和城乡建设局", "区自然资源和规划局", "街道办事处"],
        &["城乡规划法", "建筑法", "城镇燃气管理条例"],
    ),
    (
        "人力资源社会保障",
        &[
            ("拖欠工资", &["欠薪", "讨薪", "拖欠农民工工资"]),
            ("社会保险缴纳", &["社保", "不交社保"]),
            ("劳动合同", &["不签合同", "辞退赔偿"]),
        ],
        &["区人力资源和社会保障局", "区总工会"],
        &["劳动合同法", "保障农民工工资支付条例", "社会保险法"],
    ),
    (
        "市容环境",
        &[
            ("占道经营", &["流动摊贩", "马路市场", "摆摊"]),
            ("生活垃圾清运", &["垃圾清运", "垃圾堆放"]),
            ("户外广告", &["广告牌", "乱贴小广告"]),
            ("犬只管理", &["遛狗不牵绳", "流浪狗"]),
        ],
        &["区城市管理局", "区综合行政执法局", "街道办事处"],
        &["城市市容和环境卫生管理条例", "城市生活垃圾管理办法"],
    ),
    (
        "交通运输",
        &[
            ("停车秩序", &["乱停车", "僵尸车", "车位"]),
            ("出租车服务", &["拒载", "绕路", "网约车"]),
            ("公交运营", &["公交晚点", "公交线路"]),
        ],
        &["公安交警大队", "区交通运输局"],
        &["道路交通安全法", "道路运输条例"],
    ),
    (
        "市场监管",
        &[
            ("预付卡消费", &["预付卡", "办卡跑路", "退费难"]),
            ("食品安全", &["食品过期", "无证餐饮", "地沟油"]),
            ("价格违法", &["乱收费", "价格欺诈"]),
            ("虚假宣传", &["虚假广告", "保健品"]),
        ],
        &["区市场监督管理局", "区商务局"],
        &["食品安全法", "消费者权益保护法", "价格法"],
    ),
    (
        "房屋管理",
        &[
            ("群租房", &["群租", "隔断房", "二房东"]),
            ("物业服务", &["物业不作为", "物业费"]),
            ("房屋租赁", &["押金不退", "中介"]),
        ],
        &["区住房和城乡建设局", "公安分局", "街道办事处"],
        &["物业管理条例", "商品房屋租赁管理办法"],
    ),
    (
        "农业农村",
        &[
            ("非法捕捞", &["电鱼", "禁渔期捕鱼"]),
            ("宅基地管理", &["宅基地", "农村建房"]),
            ("农资质量", &["假种子", "假化肥"]),
        ],
        &["区农业农村局", "乡镇人民政府", "村民委员会"],
        &["渔业法", "土地管理法", "种子法"],
    ),
    (
        "公共安全",
        &[
            ("消防通道", &["楼道堆物", "电动车充电", "消防通道堵塞"]),
            ("安全生产", &["无证作业", "安全隐患"]),
        ],
        &["消防救援大队", "区应急管理局", "街道办事处"],
        &["消防法", "安全生产法"],
    ),
    (
        "市政设施",
        &[
            ("桥梁维护", &["桥面破损", "人行天桥"]),
            ("道路破损", &["路面塌陷", "坑洼"]),
            ("线缆管理", &["线缆外露", "飞线", "光缆垂落"]),
            ("路灯照明", &["路灯不亮", "照明"]),
        ],
        &["区城市管理局", "通信运营企业", "供电公司"],
        &["城市道路管理条例", "电信设施保护规定"],
    ),
];

const ACTIONS: &[&str] = &[
    "监督检查",
    "日常巡查",
    "投诉处理",
    "专项整治",
    "行政处罚",
    "隐患排查",
    "纠纷调处",
];
const PLACES: &[&str] = &[
    "居民小区",
    "建筑工地",
    "沿街商铺",
    "农贸市场",
    "学校周边",
    "河道沿岸",
    "城中村",
    "工业园区",
    "商业综合体",
    "背街小巷",
    "村庄",
    "公交站点",
];
const EFFECTS: &[&str] = &[
    "影响居民正常生活",
    "存在安全隐患",
    "群众反映强烈",
    "影响市容环境",
    "损害消费者权益",
    "造成环境污染",
    "影响道路通行",
];
const KINDS: &[&str] = &[
    "territorial",
    "power",
    "boundary",
    "joint",
    "delegated",
    "village",
];

/// Queries of the benchmark: keywords, aliases and citizens' messages.
pub const QUERIES: &[&str] = &[
    "油烟",
    "违建",
    "欠薪",
    "占道经营",
    "群租房",
    "电鱼",
    "线缆外露",
    "停车",
    "预付卡",
    "秸秆焚烧",
    "桥",
    "噪音",
    "垃圾清运",
    "燃气泄漏",
    "物业费",
    "社保",
    "流浪狗",
    "路灯不亮",
    "消防通道",
    "食品安全",
    "楼下饭店的油烟太大了熏得没法开窗",
    "工地老板拖欠我们三个月工资，到现在一分钱都没给",
    "隔壁邻居在楼顶私自加盖了一层房子，谁来管管",
    "小区门口每天晚上都有人摆摊卖烧烤，路都堵了",
    "我在健身房办的卡，现在老板跑路了，钱退不回来",
    "晚上十二点了工地还在施工，吵得睡不着，明天还要上班",
    "有人在河里电鱼，请尽快处理",
    "楼道里堆满了杂物，还有人给电动车充电，太危险了",
    "闻到很重的煤气味，是不是燃气泄漏了，物业也不管",
    "垃圾桶满了好几天没人清运，臭得要命，夏天苍蝇到处飞",
    "路面塌陷了一个大坑，晚上骑电动车很危险，希望相关部门尽快修复",
    "公司不给我们交社保，也不签劳动合同，辞退了也不给赔偿",
    "附近工厂每天晚上排放废气，有很大的异味，孩子一直咳嗽",
    "出租车司机拒载还绕路，态度很差",
    "房东押金不退，中介也不接电话，我该找哪个部门",
];

fn synth_item(rng: &mut Rng, i: usize) -> SearchDoc {
    let (domain, subjects, units, laws) = DOMAINS[rng.below(DOMAINS.len())];
    let (subject, aliases) = subjects[rng.below(subjects.len())];
    let action = rng.pick(ACTIONS);
    let place = rng.pick(PLACES);
    let effect = rng.pick(EFFECTS);
    let primary = rng.pick(units);
    let second = rng.pick(units);
    let law = rng.pick(laws);
    let kind = KINDS[i % KINDS.len()];
    let mut keywords: Vec<String> = aliases
        .iter()
        .take(1 + rng.below(aliases.len()))
        .map(|s| s.to_string())
        .collect();
    keywords.push(format!("{place}{subject}"));
    SearchDoc {
        id: format!("{kind}/{i}"),
        kind: kind.to_string(),
        domain: domain.to_string(),
        name: format!("{place}{subject}{action}"),
        keywords,
        problem: format!(
            "{place}存在{subject}问题，群众多次通过热线反映{}，{effect}，需要明确牵头单位和配合单位。",
            aliases.first().copied().unwrap_or(subject)
        ),
        duties: format!(
            "{primary}负责{subject}的{action}，依法查处违法行为并及时反馈处理结果；{second}负责配合做好{place}的日常巡查、\
             信息报送和宣传引导；街道办事处负责属地协调，组织社区网格员开展排查。"
        ),
        legal_basis: format!("《{law}》第{}条、第{}条", 10 + rng.below(90), 10 + rng.below(90)),
        units: vec![primary.to_string(), second.to_string()],
    }
}

/// `n` synthetic items (deterministic).
pub fn synthetic_items(n: usize) -> Vec<SearchDoc> {
    let mut rng = Rng(0x7469_616f_6b75_6169);
    (0..n).map(|i| synth_item(&mut rng, i)).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Builds an index of `n_items` synthetic items, runs `n_queries` queries
/// drawn from [`QUERIES`] and reports build time, throughput and latencies.
pub fn bench_report(n_items: usize, n_queries: usize) -> String {
    let mut out = String::new();
    let t = Instant::now();
    let mut analyzer = word_analyzer();
    let mut warm = analyzer.token_stream("加载词典");
    while warm.advance() {}
    let dict = t.elapsed();

    let items = synthetic_items(n_items);
    let t = Instant::now();
    let index = match ListIndex::build(&items) {
        Ok(index) => index,
        Err(e) => return format!("bench: index build failed: {e}"),
    };
    let build = t.elapsed();
    let rate = n_items as f64 / build.as_secs_f64().max(1e-9);
    let _ = writeln!(out, "jieba dictionary load: {:.0} ms", ms(dict));
    let _ = writeln!(
        out,
        "build: {n_items} items in {:.0} ms ({rate:.0} docs/s)",
        ms(build)
    );

    let mut rng = Rng(42);
    let mut times = Vec::with_capacity(n_queries);
    let (mut total_hits, mut errors, mut empty) = (0usize, 0usize, 0usize);
    let (mut short, mut long) = (Vec::new(), Vec::new());
    for _ in 0..n_queries {
        let q = rng.pick(QUERIES);
        let kind = if rng.below(5) == 0 {
            Some(KINDS[rng.below(KINDS.len())])
        } else {
            None
        };
        let t = Instant::now();
        let res = index.search(q, 20, kind);
        let d = t.elapsed();
        match res {
            Ok(hits) if hits.is_empty() => empty += 1,
            Ok(hits) => total_hits += hits.len(),
            Err(_) => errors += 1,
        }
        times.push(d);
        if q.chars().count() > 10 {
            long.push(d)
        } else {
            short.push(d)
        }
    }
    for v in [&mut times, &mut short, &mut long] {
        v.sort_unstable();
    }
    let line = |label: &str, v: &[Duration]| {
        format!(
            "{label}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms\n",
            v.len(),
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.99)),
            ms(v.last().copied().unwrap_or_default())
        )
    };
    out.push_str(&line("queries (all)", &times));
    out.push_str(&line("  short (<=10 chars)", &short));
    out.push_str(&line("  long (>10 chars)", &long));
    let _ = writeln!(
        out,
        "hits: {total_hits} returned, {empty} queries without hits, {errors} errors (limit 20, 1 in 5 filtered by kind)"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bench_runs() {
        let report = bench_report(300, 30);
        assert!(report.contains("p99="), "{report}");
        assert!(report.contains(" 0 errors"), "{report}");
    }
}
