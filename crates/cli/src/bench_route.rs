//! `tiaokuai bench route`: trains the routing model on a few thousand messages (generated, or
//! read from a CSV) and measures suggestions per second on one core and the latency of one
//! suggestion (p50/p99).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tiaokuai_route::Router;

#[derive(Args)]
pub struct RouteArgs {
    /// Labelled messages to train on [default: generated messages, nothing read from disk].
    #[arg(long)]
    pub train: Option<PathBuf>,
    /// Text columns of --train, joined with a newline.
    #[arg(long, default_value = "title,detail", value_delimiter = ',')]
    pub text: Vec<String>,
    /// Label column of --train.
    #[arg(long, default_value = "unit_type")]
    pub label: String,
    /// Generated training messages (without --train).
    #[arg(long, default_value_t = 3_000)]
    pub messages: usize,
    /// Suggestions to time.
    #[arg(long, default_value_t = 20_000)]
    pub queries: usize,
}

/// Units and the phrases their reports use; messages mix them with shared filler so that the
/// classes overlap as real reports do.
const UNITS: &[(&str, &[&str])] = &[
    (
        "城市管理和综合执法",
        &[
            "占道经营",
            "流动摊贩",
            "违章搭建",
            "夜市噪音",
            "乱贴小广告",
            "渣土车撒漏",
        ],
    ),
    (
        "教育",
        &[
            "学校乱收费",
            "老师周末补课",
            "学生课业负担",
            "幼儿园入园难",
            "校车安全",
            "学籍转学",
        ],
    ),
    (
        "住房和城乡建设",
        &[
            "老旧小区改造",
            "加装电梯",
            "物业服务差",
            "房屋质量问题",
            "燃气管道",
            "开发商延期交房",
        ],
    ),
    (
        "交通运输",
        &[
            "公交线路调整",
            "出租车拒载",
            "道路坑洼",
            "客运班车",
            "货车超载",
            "公路养护",
        ],
    ),
    (
        "公安交警",
        &[
            "闯红灯",
            "违章停车",
            "驾驶证办理",
            "交通信号灯",
            "酒驾",
            "电动车上牌",
        ],
    ),
    (
        "公安",
        &[
            "电信诈骗",
            "夜间盗窃",
            "户口迁移",
            "身份证办理",
            "打架斗殴",
            "赌博窝点",
        ],
    ),
    (
        "人力资源和社会保障",
        &[
            "拖欠工资",
            "社保缴纳",
            "养老保险",
            "失业金领取",
            "劳动合同",
            "工伤认定",
        ],
    ),
    (
        "卫生健康",
        &[
            "医院收费",
            "疫苗接种",
            "诊所无证行医",
            "医保报销",
            "医疗纠纷",
            "卫生院服务",
        ],
    ),
    (
        "生态环境",
        &[
            "工厂排污",
            "河道污染",
            "烧烤油烟",
            "粉尘污染",
            "垃圾焚烧",
            "噪声扰民",
        ],
    ),
    (
        "自然资源和规划",
        &[
            "违法占用耕地",
            "宅基地审批",
            "规划调整",
            "土地征收",
            "不动产登记",
            "采砂挖山",
        ],
    ),
    (
        "市场监督管理",
        &[
            "食品安全",
            "虚假宣传",
            "价格欺诈",
            "过期食品",
            "无证经营",
            "预付卡跑路",
        ],
    ),
    (
        "乡镇/街道",
        &[
            "村里道路硬化",
            "社区环境卫生",
            "村委会账目",
            "低保评定",
            "村民纠纷",
            "小区门口积水",
        ],
    ),
];
const PLACES: &[&str] = &[
    "A市A3区",
    "A市A5区",
    "A市A7县",
    "西湖街道",
    "洋湖街道",
    "白沙镇",
    "青山村",
    "新城社区",
];
const FILLER: &[&str] = &[
    "已经反映多次",
    "严重影响居民生活",
    "希望有关部门尽快处理",
    "周边群众意见很大",
    "请领导重视",
    "至今没有解决",
    "给大家带来很大不便",
    "恳请政府协调",
];

/// One generated report, title line first, like `--text title,detail` gives.
fn message(rng: &mut ChaCha8Rng, unit: usize) -> String {
    let (_, own) = UNITS[unit];
    let place = PLACES.choose(rng).copied().unwrap_or_default();
    let main = own.choose(rng).copied().unwrap_or_default();
    let mut detail = format!("{place}{main}问题，");
    for _ in 0..rng.gen_range(2..6) {
        // Mostly the unit's own phrases, sometimes another unit's (reports mention several).
        let (_, from) = if rng.gen_bool(0.8) {
            UNITS[unit]
        } else {
            UNITS[rng.gen_range(0..UNITS.len())]
        };
        detail.push_str(from.choose(rng).copied().unwrap_or_default());
        detail.push('，');
        detail.push_str(FILLER.choose(rng).copied().unwrap_or_default());
        detail.push('。');
    }
    format!("关于{place}{main}的问题\n{detail}")
}

fn generate(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let unit = i % UNITS.len();
            (message(&mut rng, unit), UNITS[unit].0.to_string())
        })
        .collect()
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

pub fn run(a: RouteArgs) -> anyhow::Result<ExitCode> {
    let (source, train) = match &a.train {
        Some(path) => match crate::route::read_examples(path, &a.text, &a.label) {
            Ok(rows) => (path.display().to_string(), rows),
            Err(crate::route::BadInput(m)) => {
                eprintln!("error: {m}");
                return Ok(ExitCode::from(2));
            }
        },
        None => ("generated".to_string(), generate(a.messages, 7)),
    };
    let start = Instant::now();
    let model = Router::default().train(&train)?;
    println!(
        "train: {} messages ({source}), {} labels, {} terms, {:.2} s",
        train.len(),
        model.labels().len(),
        model.vocabulary_size(),
        start.elapsed().as_secs_f64()
    );
    // Queries: the training texts when read from a file, fresh generated messages otherwise.
    let queries: Vec<String> = match &a.train {
        Some(_) => train.iter().map(|(t, _)| t.clone()).collect(),
        None => generate(a.queries.min(5_000), 8)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    };
    let mean_chars =
        queries.iter().map(|q| q.chars().count()).sum::<usize>() / queries.len().max(1);
    let mut lat = Vec::with_capacity(a.queries);
    let mut sink = 0usize;
    let all = Instant::now();
    for i in 0..a.queries {
        let q = &queries[i % queries.len()];
        let t = Instant::now();
        let s = model.suggest(q, 3);
        lat.push(t.elapsed());
        sink += s.len();
    }
    let secs = all.elapsed().as_secs_f64();
    lat.sort_unstable();
    println!(
        "suggest: {} suggestions (top 3 with reasons, mean {mean_chars} characters) on one thread, {:.2} s = {:.0} suggestions/s; latency p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        a.queries,
        secs,
        a.queries as f64 / secs,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    std::hint::black_box(sink);
    Ok(ExitCode::SUCCESS)
}
