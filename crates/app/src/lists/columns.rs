//! Logical columns of list tables and the header names (with synonyms) real lists use.

use tiaokuai_core::lists::ListKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Number,
    Domain,
    Name,
    Primary,
    PrimaryDuty,
    Supporting,
    SupportingDuty,
    LegalBasis,
    Problem,
    GridHandling,
    TownshipHandling,
    DepartmentEnforcement,
    Keywords,
    Aliases,
    FlowType,
    Steps,
    SignHours,
    RespondHours,
    ArriveHours,
    CompleteDays,
    PowerType,
    Division,
    Guide,
    Accountability,
    Subkind,
    Leader,
    StaffA,
    StaffB,
    Document,
    DelegatedOn,
    TransitionEnd,
}

/// (field, canonical header, synonyms). Order matters: the first match wins, so the more
/// specific headers (主体责任单位) come before the general ones (主体责任).
const COMMON: &[(Field, &str, &[&str])] = &[
    (
        Field::Number,
        "序号",
        &["编号", "事项编号", "事项编码", "编码"],
    ),
    (
        Field::Domain,
        "领域",
        &["类别", "事项类别", "所属领域", "事项分类", "行业领域"],
    ),
    (
        Field::Name,
        "事项名称",
        &["名称", "事项", "项目名称", "权力事项名称"],
    ),
    (
        Field::LegalBasis,
        "法律法规依据",
        &[
            "法律依据",
            "监督执法依据",
            "依据",
            "设定依据",
            "法律法规及政策依据",
            "实施依据",
        ],
    ),
    (Field::Keywords, "关键词", &["关键字"]),
    (Field::Aliases, "别名", &["俗称", "群众表述"]),
];

const TERRITORIAL: &[(Field, &str, &[&str])] = &[
    (
        Field::Primary,
        "主体责任单位",
        &[
            "主体责任部门",
            "牵头部门",
            "责任主体",
            "主体责任主体",
            "主体责任单位名称",
            "主体单位",
        ],
    ),
    (
        Field::PrimaryDuty,
        "主体责任",
        &["主体责任职责", "主体责任内容", "牵头部门职责", "主体职责"],
    ),
    (
        Field::Supporting,
        "配合责任单位",
        &[
            "配合责任部门",
            "配合部门",
            "配合单位",
            "协同部门",
            "配合责任主体",
        ],
    ),
    (
        Field::SupportingDuty,
        "配合责任",
        &["配合责任职责", "配合责任内容", "配合部门职责", "配合职责"],
    ),
    (Field::Problem, "问题描述", &["具体情形", "问题情形"]),
    (
        Field::GridHandling,
        "前端网格管理",
        &["网格职责", "处置分工前端网格管理"],
    ),
    (
        Field::TownshipHandling,
        "镇街综合管理",
        &["乡镇(街道)职责", "镇街职责", "处置分工镇街综合管理"],
    ),
    (
        Field::DepartmentEnforcement,
        "部门监管执法",
        &["部门职责", "区县部门监管执法", "处置分工部门监管执法"],
    ),
    (Field::FlowType, "流程类型", &["流转方式"]),
    (Field::Steps, "办理流程", &["运行流程", "流程"]),
    (Field::SignHours, "签收时限(小时)", &["签收时限"]),
    (Field::RespondHours, "响应时限(小时)", &["响应时限"]),
    (Field::ArriveHours, "到场时限(小时)", &["到场时限"]),
    (Field::CompleteDays, "办结时限(工作日)", &["办结时限"]),
];

const POWER: &[(Field, &str, &[&str])] = &[
    (
        Field::PowerType,
        "权力类型",
        &["事项类型", "职权类型", "类型"],
    ),
    (
        Field::Primary,
        "实施主体",
        &["实施部门", "行使主体", "责任主体"],
    ),
    (
        Field::Division,
        "承办机构",
        &["内设机构", "承办科室", "责任科室"],
    ),
    (Field::Guide, "责任事项", &["责任事项内容"]),
    (
        Field::Accountability,
        "追责情形",
        &["追责对象范围", "问责情形"],
    ),
];

const BOUNDARY: &[(Field, &str, &[&str])] = &[
    (Field::Primary, "牵头部门", &["主办部门", "牵头单位"]),
    (Field::Supporting, "协办部门", &["配合部门", "协办单位"]),
    (Field::Steps, "环节", &["流程环节", "监管环节"]),
    (Field::PrimaryDuty, "牵头部门职责", &["主办部门职责"]),
    (Field::SupportingDuty, "协办部门职责", &["配合部门职责"]),
];

const JOINT: &[(Field, &str, &[&str])] = &[
    (Field::Subkind, "类型", &["事项类型", "协同类型"]),
    (Field::Primary, "牵头部门", &["牵头单位"]),
    (
        Field::Division,
        "牵头科室",
        &["责任科室", "牵头部门责任科室"],
    ),
    (Field::Supporting, "协同部门", &["协同单位", "配合部门"]),
    (Field::Leader, "分管领导", &["牵头部门分管领导"]),
    (Field::StaffA, "A岗", &["A岗人员"]),
    (Field::StaffB, "B岗", &["B岗人员"]),
    (
        Field::TownshipHandling,
        "乡镇(街道)职责",
        &["镇街职责", "乡镇职责"],
    ),
    (Field::PrimaryDuty, "牵头部门职责", &["牵头职责"]),
    (Field::SupportingDuty, "协同部门职责", &["协同职责"]),
    (Field::Steps, "办理流程", &["流程"]),
    (Field::Guide, "办事指南", &["指南"]),
];

const DELEGATED: &[(Field, &str, &[&str])] = &[
    (Field::PowerType, "权力类型", &["事项类型", "职权类型"]),
    (
        Field::Primary,
        "原实施部门",
        &["原实施主体", "原行使部门", "下放部门"],
    ),
    (
        Field::Supporting,
        "承接乡镇",
        &["承接镇街", "承接乡镇(街道)", "承接主体"],
    ),
    (Field::Document, "赋权文件", &["文号", "赋权依据文件"]),
    (Field::DelegatedOn, "赋权日期", &["下放日期", "实施日期"]),
    (
        Field::TransitionEnd,
        "过渡期截止",
        &["过渡期截止日期", "过渡期"],
    ),
];

const VILLAGE: &[(Field, &str, &[&str])] = &[
    (Field::Subkind, "类型", &["事项类型"]),
    (Field::Primary, "责任主体", &["实施主体"]),
    (Field::Supporting, "指导部门", &["配合部门", "业务指导部门"]),
    (Field::Guide, "工作内容", &["具体内容"]),
];

pub fn columns(kind: ListKind) -> Vec<(Field, &'static str, &'static [&'static str])> {
    let specific = match kind {
        ListKind::Territorial => TERRITORIAL,
        ListKind::Power => POWER,
        ListKind::Boundary => BOUNDARY,
        ListKind::Joint => JOINT,
        ListKind::Delegated => DELEGATED,
        ListKind::Village => VILLAGE,
    };
    COMMON.iter().chain(specific).copied().collect()
}

/// Fields without which an item of this kind cannot be read.
pub fn required(kind: ListKind) -> &'static [Field] {
    match kind {
        ListKind::Territorial => &[Field::Number, Field::Name, Field::Primary],
        ListKind::Power => &[Field::Number, Field::Name, Field::PowerType, Field::Primary],
        ListKind::Boundary => &[Field::Number, Field::Name, Field::Primary],
        ListKind::Joint => &[Field::Number, Field::Name, Field::Subkind, Field::Primary],
        ListKind::Delegated => &[
            Field::Number,
            Field::Name,
            Field::Primary,
            Field::Supporting,
        ],
        ListKind::Village => &[Field::Number, Field::Name, Field::Subkind],
    }
}

pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '※')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// Maps each field to its column index in `headers`. Exact header matches win over synonyms.
pub fn map_columns(kind: ListKind, headers: &[String]) -> Vec<(Field, usize, String)> {
    let mut out: Vec<(Field, usize, String)> = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for (field, canon, syn) in columns(kind) {
        let pos = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .find(|(_, h)| h.as_str() == canon)
            .or_else(|| {
                headers
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !used.contains(i))
                    .find(|(_, h)| syn.contains(&h.as_str()))
            });
        if let Some((i, h)) = pos {
            used.insert(i);
            out.push((field, i, h.clone()));
        }
    }
    out
}

pub fn canonical_header(kind: ListKind, f: Field) -> &'static str {
    columns(kind)
        .into_iter()
        .find(|(x, _, _)| *x == f)
        .map(|(_, c, _)| c)
        .unwrap_or("?")
}
