//! Demo admission applications in every stage, and a few 交办 handovers (one citing an
//! admitted entry, accepted and reported back; one not admitted and refused; one waiting),
//! played through the same use case people use, at times in the past.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use tiaokuai_core::access::Principal;
use tiaokuai_core::admission::{
    working_days_after, AdmissionCmd, Application, HandoverDraft, Review,
};
use tiaokuai_core::calendar::cst_date;

const DAY: i64 = 86_400_000;
const QINGSHAN: &str = "370999001";
const CHENGGUAN: &str = "370999009";

async fn who(engine: &Engine, username: &str) -> Result<Principal> {
    engine
        .principal_of(username)
        .await?
        .ok_or_else(|| AppError::Io(format!("demo account {username} is missing")))
}

/// A step as `user` at `at`.
async fn step(engine: &Engine, user: &str, at: i64, cmd: AdmissionCmd) -> Result<u64> {
    let p = who(engine, user).await?;
    engine.admission_step(&p, at, cmd).await
}

/// An application filed at `at`, starting comfortably after the notice period and ending
/// `days` calendar days later.
async fn application(
    engine: &Engine,
    at: i64,
    title: &str,
    content: &str,
    basis: &str,
    days: i64,
) -> Result<Application> {
    let (start, advance) = engine
        .with_state(|s| {
            let cal = &s.events.calendar;
            let adv = s.admission.config.advance_days;
            (working_days_after(cal, cst_date(at), adv + 3), adv)
        })
        .await?;
    let end = start + chrono::Duration::days(days);
    let _ = advance;
    Ok(Application {
        title: title.into(),
        content: content.into(),
        basis: basis.into(),
        start_date: start.to_string(),
        end_date: end.to_string(),
        recurring: days > 200,
        powers: "对辖区内相关主体的督促检查权".into(),
        funds: "按每个乡镇（街道）每年 2 万元划拨工作经费".into(),
        staff: "部门派驻 1 名业务指导人员".into(),
        attachments: vec!["实施方案.pdf".into()],
        consult: vec![QINGSHAN.into(), CHENGGUAN.into()],
    })
}

fn opinion(id: u64, agree: bool, text: &str) -> AdmissionCmd {
    AdmissionCmd::Opinion {
        id,
        agree,
        text: text.into(),
    }
}

fn review(id: u64, review: Review, pass: bool, comment: &str) -> AdmissionCmd {
    AdmissionCmd::Review {
        id,
        review,
        pass,
        comment: comment.into(),
    }
}

fn approve(id: u64, doc: &str) -> AdmissionCmd {
    AdmissionCmd::Decide {
        id,
        approve: true,
        document_no: doc.into(),
        comment: "经县委、县政府研究同意".into(),
    }
}

/// Files one application at `at` by `user` and takes it `through` steps: 0 filed, 1 both
/// opinions, 2 编办 passed, 3 司法局 passed, 4 approved.
async fn through(
    engine: &Engine,
    user: &str,
    at: i64,
    app: Application,
    through: u8,
    doc: &str,
) -> Result<u64> {
    let id = step(engine, user, at, AdmissionCmd::Apply { application: app }).await?;
    if through >= 1 {
        step(
            engine,
            "qingshan_op",
            at + DAY,
            opinion(id, true, "同意，建议同步下放经费"),
        )
        .await?;
        step(engine, "chengguan_op", at + DAY, opinion(id, true, "")).await?;
    }
    if through >= 2 {
        let c = "事项清晰，权责匹配";
        step(
            engine,
            "bianban",
            at + 2 * DAY,
            review(id, Review::Establishment, true, c),
        )
        .await?;
    }
    if through >= 3 {
        let c = "依据合法有效";
        step(
            engine,
            "sifa",
            at + 3 * DAY,
            review(id, Review::Justice, true, c),
        )
        .await?;
    }
    if through >= 4 {
        step(engine, "leader", at + 4 * DAY, approve(id, doc)).await?;
    }
    Ok(id)
}

/// Loads the demo applications and handovers; `now_ms` is the load time.
pub async fn load(engine: &Engine, now_ms: i64) -> Result<()> {
    // An entry admitted long ago that has expired.
    let at = now_ms - 420 * DAY;
    let a = application(
        engine,
        at,
        "秋季秸秆禁烧巡查",
        "秋收期间组织秸秆禁烧巡查",
        "《大气污染防治法》第七十七条",
        90,
    )
    .await?;
    through(engine, "huanbao", at, a, 4, "青政办发〔2025〕21号").await?;
    // Admitted and in force: cited by a handover below.
    let at = now_ms - 30 * DAY;
    let a = application(
        engine,
        at,
        "城镇燃气安全入户排查",
        "每季度对辖区餐饮场所和居民用户开展燃气安全入户排查",
        "《城镇燃气管理条例》第五条；《安全生产法》第八十条",
        365,
    )
    .await?;
    let entry = through(engine, "zhujian", at, a, 4, "青政办发〔2026〕37号").await?;
    // Awaiting the county's approval.
    let at = now_ms - 12 * DAY;
    let a = application(
        engine,
        at,
        "农村自建房安全隐患排查",
        "对辖区农村自建房开展安全隐患排查并建立台账",
        "《建设工程质量管理条例》；省自建房安全专项整治方案",
        180,
    )
    .await?;
    through(engine, "zhujian", at, a, 3, "").await?;
    // Under the legality review.
    let at = now_ms - 10 * DAY;
    let a = application(
        engine,
        at,
        "食品摊贩登记备案",
        "对辖区食品摊贩开展登记备案和日常巡查",
        "《食品安全法》第三十六条",
        365,
    )
    .await?;
    through(engine, "shichang", at, a, 2, "").await?;
    // Under 编办 review: 青山 answered, 城关 stayed silent past the deadline.
    let at = now_ms - 20 * DAY;
    let a = application(
        engine,
        at,
        "河道“四乱”日常巡查",
        "对辖区河道乱占、乱采、乱堆、乱建开展日常巡查",
        "《河道管理条例》第二十四条",
        365,
    )
    .await?;
    let id = step(
        engine,
        "huanbao",
        at,
        AdmissionCmd::Apply { application: a },
    )
    .await?;
    step(
        engine,
        "qingshan_op",
        at + DAY,
        opinion(id, false, "巡查力量不足，建议部门派员共同巡查"),
    )
    .await?;
    // Awaiting the townships' opinions.
    let at = now_ms - DAY;
    let a = application(
        engine,
        at,
        "违法建设日常巡查报告",
        "对辖区违法建设开展日常巡查并每月报告",
        "《城乡规划法》第六十四条",
        365,
    )
    .await?;
    through(engine, "zhifa", at, a, 0, "").await?;
    // Sent back by 编办.
    let at = now_ms - 15 * DAY;
    let a = application(
        engine,
        at,
        "户外广告设施统计",
        "统计辖区户外广告设施并报送",
        "内部工作通知",
        60,
    )
    .await?;
    let id = through(engine, "zhifa", at, a, 1, "").await?;
    let c = "依据仅为内部通知，缺少法律法规依据，且未明确工作经费";
    step(
        engine,
        "bianban",
        at + 3 * DAY,
        review(id, Review::Establishment, false, c),
    )
    .await?;
    // Withdrawn by the applicant.
    let at = now_ms - 18 * DAY;
    let a = application(
        engine,
        at,
        "临时性统计报表填报",
        "按月填报行业统计报表",
        "部门工作安排",
        30,
    )
    .await?;
    let id = through(engine, "shichang", at, a, 0, "").await?;
    let w = AdmissionCmd::Withdraw {
        id,
        reason: "改由部门自行统计".into(),
    };
    step(engine, "shichang", at + 2 * DAY, w).await?;

    // 交办: one citing the admitted entry, accepted and reported back by 青山.
    let at = now_ms - 5 * DAY;
    let deadline = cst_date(now_ms + 20 * DAY).to_string();
    let h = HandoverDraft {
        title: "第四季度燃气安全入户排查".into(),
        content: "请于期限前完成辖区燃气安全入户排查并反馈台账".into(),
        townships: vec![QINGSHAN.into(), CHENGGUAN.into()],
        deadline: deadline.clone(),
        entry: Some(entry),
    };
    let hid = step(engine, "zhujian", at, AdmissionCmd::Issue { handover: h }).await?;
    step(
        engine,
        "qingshan_op",
        at + DAY,
        AdmissionCmd::Accept { id: hid },
    )
    .await?;
    let r = AdmissionCmd::Report {
        id: hid,
        text: "已排查餐饮场所 46 家、居民用户 1,208 户，整改隐患 9 处".into(),
    };
    step(engine, "qingshan_op", at + 3 * DAY, r).await?;
    // One not admitted, refused by 青山 and waiting at 城关.
    let h = HandoverDraft {
        title: "建筑工地扬尘每日拍照上报".into(),
        content: "请每日对辖区在建工地扬尘情况拍照上报".into(),
        townships: vec![QINGSHAN.into(), CHENGGUAN.into()],
        deadline,
        entry: None,
    };
    let hid = step(
        engine,
        "zhujian",
        at + DAY,
        AdmissionCmd::Issue { handover: h },
    )
    .await?;
    let r = AdmissionCmd::Refuse {
        id: hid,
        reason: "该事项未经准入".into(),
    };
    step(engine, "qingshan_op", at + 2 * DAY, r).await?;
    Ok(())
}
