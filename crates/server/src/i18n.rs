//! The message catalogue: every label in Simplified Chinese (default) and English.

use axum_extra::extract::cookie::CookieJar;

pub const LANG_COOKIE: &str = "tk_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// (key, 中文, English)
const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "条块协同", "Tiaokuai"),
    (
        "app.tagline",
        "县乡一体、条抓块统",
        "County–township collaborative governance",
    ),
    ("nav.home", "首页", "Home"),
    ("nav.desk", "工作台", "My desk"),
    ("nav.report", "上报问题", "Report"),
    ("nav.my_reports", "我的上报", "My reports"),
    ("nav.patrol", "巡查", "Patrol"),
    ("nav.patrol_board", "巡查", "Patrols"),
    ("nav.events", "事件", "Events"),
    ("nav.org", "组织机构", "Organisation"),
    ("nav.map", "网格地图", "Grid map"),
    ("nav.account", "我的账号", "My account"),
    ("nav.admin", "人员与权限", "People & roles"),
    ("nav.audit", "日志审计", "Log audit"),
    ("nav.settings", "日历与时限", "Calendar & limits"),
    ("nav.logout", "退出", "Log out"),
    ("nav.lang", "English", "中文"),
    ("login.title", "登录", "Log in"),
    ("login.username", "账号", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    (
        "login.failed",
        "账号或密码不正确",
        "Wrong username or password",
    ),
    (
        "login.limited",
        "尝试次数过多，请稍后再试",
        "Too many attempts; try again in a minute",
    ),
    (
        "login.csrf",
        "页面已过期，请重新登录",
        "The page expired; please log in again",
    ),
    ("home.welcome", "您好", "Hello"),
    ("home.roles", "我的角色", "My roles"),
    ("home.todo", "待办", "What needs me now"),
    (
        "home.todo_empty",
        "暂无待办事项。",
        "Nothing is waiting for you.",
    ),
    ("home.county", "县情概览", "County at a glance"),
    ("home.log", "可信日志", "Tamper-evident log"),
    ("home.entries", "条记录", "entries"),
    ("org.title", "组织机构", "Organisation"),
    ("org.tree", "单位树", "Unit tree"),
    ("org.townships", "乡镇(街道)", "Townships"),
    ("org.departments", "县级部门", "Departments"),
    ("org.units", "单位", "Units"),
    ("org.people", "人员", "People"),
    ("org.grids", "网格", "Grids"),
    ("org.villages", "村(社区)", "Villages & communities"),
    ("org.code", "编码", "Code"),
    ("org.name", "名称", "Name"),
    ("org.short_name", "简称", "Short name"),
    ("org.aliases", "别名", "Aliases"),
    ("org.kind", "类型", "Type"),
    ("org.parent", "上级单位", "Parent unit"),
    ("org.owner", "所属部门", "Owning department"),
    ("org.township", "所在乡镇", "Township"),
    ("org.children", "下级单位", "Subunits"),
    ("org.stationed", "派驻机构", "Stationed units"),
    ("org.phone", "手机", "Phone"),
    ("org.roles", "角色", "Roles"),
    ("org.username", "账号", "Username"),
    ("org.hidden", "（无权查看）", "(not visible to you)"),
    ("org.leader", "网格长", "Grid leader"),
    ("org.workers", "网格员", "Grid workers"),
    ("org.village", "所属村(社区)", "Village"),
    ("org.search", "搜索", "Search"),
    ("map.title", "网格地图", "Grid map"),
    (
        "map.hint",
        "点击网格查看详情；颜色区分乡镇(街道)。",
        "Click a grid for details; colours mark townships.",
    ),
    ("account.title", "我的账号", "My account"),
    ("account.change_password", "修改密码", "Change password"),
    ("account.current", "当前密码", "Current password"),
    (
        "account.new",
        "新密码（至少8位）",
        "New password (at least 8 characters)",
    ),
    ("account.save", "保存", "Save"),
    (
        "account.changed",
        "密码已修改，请重新登录。",
        "Password changed; please log in again.",
    ),
    (
        "account.wrong_current",
        "当前密码不正确",
        "The current password is wrong",
    ),
    ("admin.title", "人员与权限", "People & roles"),
    ("routing.title", "派单推荐采纳情况", "Routing suggestions taken"),
    ("routing.week", "周（周一起）", "Week (from Monday)"),
    ("routing.dispatches", "派单数", "Dispatches"),
    ("routing.with_suggestion", "显示推荐的派单", "With a suggestion shown"),
    ("routing.took_first", "采纳首条推荐", "Took the first suggestion"),
    ("routing.share", "采纳率", "Share"),
    ("admin.add", "新增人员", "Add a person"),
    ("admin.password", "初始密码", "Initial password"),
    (
        "admin.roles_hint",
        "每行一个，格式：角色@单位编码，如 county_dispatcher@370999-ZHZX",
        "One per line: role@unit code, e.g. county_dispatcher@370999-ZHZX",
    ),
    ("admin.added", "已新增", "Added"),
    ("admin.unit", "所属单位编码", "Unit code"),
    ("audit.title", "日志审计", "Log audit"),
    ("audit.verify", "完整性校验", "Integrity check"),
    (
        "audit.intact",
        "日志完整：所有哈希与签名校验通过。",
        "The log is intact: every hash and signature verifies.",
    ),
    (
        "audit.broken",
        "日志已被篡改：",
        "The log was tampered with: ",
    ),
    ("audit.seq", "序号", "Seq"),
    ("audit.time", "时间", "Time"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.kind", "操作", "Action"),
    ("audit.hash", "哈希", "Hash"),
    ("audit.proof", "证明", "Proof"),
    (
        "audit.checkpoint",
        "最新签名检查点",
        "Latest signed checkpoint",
    ),
    ("audit.size", "规模", "Size"),
    ("audit.root", "根哈希", "Root"),
    ("nav.lists", "清单", "Lists"),
    ("nav.stats", "统计分析", "Statistics"),
    ("nav.assessment", "考核评价", "Assessment"),
    ("nav.admission", "准入", "Admission"),
    ("nav.delegation", "赋权", "Delegated powers"),
    ("lists.title", "责任清单", "Responsibility lists"),
    ("lists.kind", "清单类型", "List kind"),
    ("lists.all", "全部", "All"),
    ("lists.domain", "领域", "Domain"),
    ("lists.unit", "责任单位", "Unit"),
    ("lists.version", "版本", "Version"),
    ("lists.count", "事项数", "Items"),
    ("lists.first", "仅显示前", "showing the first"),
    ("lists.versions", "版本记录", "Versions"),
    ("lists.adjustments", "动态调整", "Adjustments"),
    ("lists.adjustment", "调整申请", "Adjustment"),
    ("lists.upload", "导入清单", "Import lists"),
    ("lists.number", "序号", "No."),
    ("lists.name", "事项名称", "Item"),
    ("lists.primary", "主体责任", "Primary"),
    ("lists.supporting", "配合责任", "Supporting"),
    ("lists.primary_duty", "主体责任职责", "Primary duties"),
    ("lists.supporting_duty", "配合责任职责", "Supporting duties"),
    ("lists.legal_basis", "法律法规依据", "Legal basis"),
    ("lists.problem", "问题描述", "Problem description"),
    ("lists.flow_type", "流程类型", "Flow type"),
    ("lists.keywords", "关键词", "Keywords"),
    ("lists.effective", "生效日期", "Effective"),
    ("lists.apply", "申请调整", "Apply for a change"),
    ("lists.flow", "办理流程", "Flow"),
    ("lists.history", "版本历史", "Version history"),
    ("lists.compare", "版本比较", "Compare versions"),
    ("lists.document", "文号", "Document no."),
    ("lists.source", "来源", "Source"),
    ("lists.changes", "变更内容", "Changes"),
    ("lists.in_force", "现行", "In force"),
    ("lists.change", "变化", "Change"),
    ("lists.fields", "字段", "Fields"),
    ("lists.no_diff", "两个版本没有差异。", "The versions do not differ."),
    ("lists.adj_kind", "调整类型", "Change"),
    ("lists.applicant", "申请人", "Applicant"),
    ("lists.status", "状态", "Status"),
    ("lists.reason", "调整理由", "Reason"),
    ("lists.basis", "依据", "Basis"),
    ("lists.opinions", "涉及单位意见", "Opinions of the units involved"),
    ("lists.before", "调整前", "Before"),
    ("lists.after", "调整后", "After"),
    ("lists.impact", "影响预览", "Impact preview"),
    ("lists.actions", "我的操作", "My actions"),
    ("lists.no_actions", "当前没有需要您办理的操作。", "Nothing for you to do here now."),
    ("lists.comment", "意见", "Comment"),
    ("lists.send_back", "退回修改", "Send back"),
    ("lists.steps", "办理过程", "Steps"),
    ("lists.submit", "提交申请", "Submit"),
    ("lists.errors", "发现问题，未导入任何内容", "Problems found; nothing was imported"),
    ("lists.mapping", "列对应关系（请确认）", "Column mapping (please confirm)"),
    ("lists.sheet", "工作表", "Sheet"),
    ("lists.columns", "识别的列", "Recognised columns"),
    ("lists.confirm_import", "确认导入并发布新版本", "Import and publish a new version"),
    ("lists.file", "清单文件（.xlsx / .csv，20MB 以内）", "List file (.xlsx / .csv, up to 20 MB)"),
    ("lists.check", "检查文件", "Check the file"),
    ("lists.upload_hint", "系统按表头名称识别各列（支持标题行、合并表头、多单位同格），导入前列出全部错误，要么全部导入，要么不导入。", "Columns are recognised by header names (title rows, merged headers and several units per cell are fine). Every error is listed before anything is imported: all or nothing."),
    ("public.title", "这事归谁管？", "Whose job is it?"),
    ("public.ask", "请用一句话描述您遇到的问题", "Describe the problem in a sentence"),
    ("public.placeholder", "例如：楼下饭店油烟太大、工地拖欠工资、路边占道经营", "e.g. restaurant fumes, unpaid wages, street vendors blocking the road"),
    ("public.search", "查询", "Search"),
    ("public.none", "没有找到相关事项，请换个说法，或拨打12345热线。", "Nothing found; try other words, or call the 12345 hotline."),
    ("public.why", "依据", "Why"),
    ("err.title", "出错了", "Error"),
    ("err.forbidden_title", "无权访问", "Forbidden"),
    (
        "err.forbidden",
        "您的角色无权查看此页面。",
        "Your roles do not allow you to see this page.",
    ),
    ("err.not_found_title", "未找到", "Not found"),
    (
        "err.not_found",
        "找不到您要的内容。",
        "What you asked for does not exist.",
    ),
    (
        "err.internal",
        "服务器内部错误，已记录。",
        "Internal error; it has been logged.",
    ),
];

impl Lang {
    pub fn t(self, key: &str) -> &'static str {
        match MESSAGES.iter().find(|(k, _, _)| *k == key) {
            Some((_, zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "??",
        }
    }

    /// An inline label for pages that keep their wording next to their markup.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> &'static str {
        match self {
            Lang::Zh => "en",
            Lang::En => "zh",
        }
    }

    pub fn from_jar(jar: &CookieJar) -> Lang {
        match jar.get(LANG_COOKIE).map(|c| c.value()) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut keys: Vec<&str> = MESSAGES.iter().map(|m| m.0).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len(), "duplicate message keys");
        assert!(MESSAGES
            .iter()
            .all(|(_, zh, en)| !zh.is_empty() && !en.is_empty()));
    }

    fn cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Chinese text is Chinese and English text carries no Chinese, so neither page leaks the
    /// other language through the catalogue.
    #[test]
    fn each_language_is_its_own() {
        // The language switch names the other language on purpose.
        let bad: Vec<&str> = MESSAGES
            .iter()
            .filter(|(k, zh, en)| *k != "nav.lang" && (!cjk(zh) || cjk(en)))
            .map(|m| m.0)
            .collect();
        assert!(bad.is_empty(), "mixed languages in {bad:?}");
    }

    /// Every key the templates ask for exists (a missing one renders as "??").
    #[test]
    fn every_key_used_by_a_template_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = vec![];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("lang.t(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if !MESSAGES.iter().any(|m| m.0 == key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "unknown message keys: {missing:?}");
    }
}
