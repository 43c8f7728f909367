//! Why a field, an organisation record or a list change is refused.

use super::catalogue::{reasons, Sample};
use crate::lists::AdjustmentStatus;
use crate::org::{RoleKind, UnitKind};

impl Sample for UnitKind {
    fn sample() -> Self {
        UnitKind::Town
    }
}
impl Sample for RoleKind {
    fn sample() -> Self {
        RoleKind::GridWorker
    }
}
impl Sample for AdjustmentStatus {
    fn sample() -> Self {
        AdjustmentStatus::SentBack
    }
}

reasons! {
    /// Reasons that fit any field: the field itself says what is wrong where.
    pub enum FieldReason(names) {
        Required = "required"
            en("is required")
            zh("必须填写"),
        Empty = "empty"
            en("is empty")
            zh("不能为空"),
        TooLong { max: usize } = "too_long"
            en("at most {max} characters")
            zh("不超过{max}字"),
        AppearsTwice { value: String } = "appears_twice"
            en("'{value}' appears twice")
            zh("「{value}」重复"),
        UnknownUnit { unit: String } = "unknown_unit"
            en("unknown unit '{unit}'")
            zh("未找到单位「{unit}」"),
        UnknownUnitNear { unit: String, near: String } = "unknown_unit_near"
            en("unknown unit '{unit}' (did you mean: {near}?)")
            zh("未找到单位「{unit}」，是否指：{near}？"),
        UnknownPerson { user: String } = "unknown_person"
            en("unknown person '{user}'")
            zh("未找到人员「{user}」"),
        NotADate { value: String } = "not_a_date"
            en("'{value}' is not a date (YYYY-MM-DD)")
            zh("「{value}」不是有效日期，应为 YYYY-MM-DD"),
        NotANumber { value: String } = "not_a_number"
            en("'{value}' is not a number")
            zh("「{value}」不是数字"),
        NotAllowedValue { value: String, allowed: String } = "not_allowed_value"
            en("'{value}' is not one of {allowed}")
            zh("「{value}」不是可选值（{allowed}）"),
        RequiredOneOf { allowed: String } = "required_one_of"
            en("is required: one of {allowed}")
            zh("必须填写，可选：{allowed}"),
        UnknownValue { value: String } = "unknown_value"
            en("unknown value '{value}'")
            zh("无法识别「{value}」"),
        NotFound { kind: String, id: String } = "not_found"
            en("{kind} {id} not found")
            zh("未找到 {id}（{kind}）"),
        CodeEmpty = "code_empty"
            en("the code is empty")
            zh("编码不能为空"),
        CodeTooLong { max: usize } = "code_too_long"
            en("the code is longer than {max} characters")
            zh("编码不超过{max}个字符"),
        CodeChars { code: String } = "code_chars"
            en("'{code}' may contain only ASCII letters, digits, '_', '-' and '.'")
            zh("「{code}」只能包含英文字母、数字、“_”、“-”和“.”"),
    }
}

reasons! {
    /// Units, people, grids and accounts.
    pub enum OrgReason(names) {
        OwnParent = "own_parent"
            en("a unit cannot be its own parent")
            zh("单位不能以自身为上级"),
        ParentRequired = "parent_required"
            en("a parent unit is required")
            zh("须指定上级单位"),
        ParentKind { kind: UnitKind, parent_kind: UnitKind, parent: String } = "parent_kind"
            en("a {} cannot belong to a {} ('{parent}')", kind.label_en(), parent_kind.label_en())
            zh("{}不能隶属于{}（{}）", kind.label_zh(), parent_kind.label_zh(), names(parent)),
        ParentCycle = "parent_cycle"
            en("the parent lies below this unit (a cycle)")
            zh("上级单位位于本单位之下（形成循环）"),
        OwnerRequired = "owner_required"
            en("a stationed unit needs its owning department")
            zh("派驻机构须指定主管部门"),
        NotADepartment { unit: String } = "not_a_department"
            en("'{unit}' is not a department")
            zh("{}不是县级部门", names(unit)),
        TownshipRequired = "township_required"
            en("a stationed unit needs the township it sits in")
            zh("派驻机构须指定所在乡镇"),
        NotATownship { unit: String } = "not_a_township"
            en("'{unit}' is not a township")
            zh("{}不是乡镇(街道)", names(unit)),
        NotStationedKind = "not_stationed_kind"
            en("only stationed units have an owning department and township")
            zh("只有派驻机构才有主管部门和所在乡镇"),
        KindFixed { unit: String, kind: UnitKind } = "kind_fixed"
            en("unit '{unit}' exists as a {}; its kind cannot change", kind.label_en())
            zh("单位「{unit}」已是{}，类型不能更改", kind.label_zh()),
        BadPhone { value: String } = "bad_phone"
            en("'{value}' is not a phone number")
            zh("「{value}」不是有效的电话号码"),
        ReservedName { marker: String } = "reserved_name"
            en("'{marker}' is reserved for erased people")
            zh("「{marker}」为已删除个人信息的人员保留"),
        GrantUnknownUnit { grant: String, unit: String } = "grant_unknown_unit"
            en("{grant}: unknown unit '{unit}'")
            zh("{grant}：未找到单位「{unit}」"),
        GrantScope { grant: String, role: RoleKind, kind: UnitKind, unit_name: String } = "grant_scope"
            en("{grant}: a {} role cannot be scoped to a {} ({unit_name})", role.label_en(), kind.label_en())
            zh("{grant}：{}角色不能设在{}（{unit_name}）", role.label_zh(), kind.label_zh()),
        NotAVillage { unit: String } = "not_a_village"
            en("'{unit}' is not a village or community")
            zh("{}不是村(社区)", names(unit)),
        BadGeometry { detail: String } = "bad_geometry"
            en("invalid geometry: {detail}")
            zh("网格边界无效：{detail}"),
        PasswordHash = "password_hash"
            en("must be an argon2id hash")
            zh("须为 argon2id 散列"),
        AlreadyErased { user: String } = "already_erased"
            en("the personal data of '{user}' was already erased")
            zh("「{user}」的个人信息已删除"),
        ErasedAccount { user: String } = "erased_account"
            en("the personal data of '{user}' was erased; the account cannot be changed (create a person with another username)")
            zh("「{user}」的个人信息已删除，账号不能再更改（请用其他用户名新建人员）"),
    }
}

reasons! {
    /// The lists of duties (清单) and their adjustments.
    pub enum ListReason(names) {
        NumberEmpty = "number_empty"
            en("the item number is empty")
            zh("事项编号不能为空"),
        IdShape = "id_shape"
            en("id must be kind/number")
            zh("编号须为“类型/编号”"),
        NameEmpty = "name_empty"
            en("the item name is empty")
            zh("事项名称不能为空"),
        PrimaryMissing = "primary_missing"
            en("the primary (lead) unit is missing")
            zh("缺少主体责任单位"),
        OneLead = "one_lead"
            en("a joint matter has exactly one lead department")
            zh("多部门事项须有且只有一个牵头部门"),
        VersionOrder { version: u32, latest: u32 } = "version_order"
            en("version {version} cannot follow version {latest}")
            zh("版本 {version} 不能接在版本 {latest} 之后"),
        NoChange = "no_change"
            en("a version must change something")
            zh("新版本须有改动"),
        DuplicateNumber = "duplicate_number"
            en("duplicate item number")
            zh("事项编号重复"),
        NoSuchItem = "no_such_item"
            en("no such item in the current version")
            zh("现行版本中没有该事项"),
        UnknownItem { id: String } = "unknown_item"
            en("no list item '{id}'")
            zh("没有清单事项「{id}」"),
        ApprovedOnly = "approved_only"
            en("only an approved adjustment can be published")
            zh("只有已批准的调整才能发布"),
        ApplicationExists { id: String } = "application_exists"
            en("application {id} exists")
            zh("申请 {id} 已存在"),
        SentBackOnly = "sent_back_only"
            en("only a sent-back application can be resubmitted")
            zh("只有被退回的申请可以重新提交"),
        NotAwaitingReview { status: AdjustmentStatus } = "not_awaiting_review"
            en("the application is {}, not awaiting this review", status.as_str())
            zh("申请当前为“{}”，不在此审核环节", status.label_zh()),
        NotAwaitingApproval { status: AdjustmentStatus } = "not_awaiting_approval"
            en("the application is {}, not awaiting approval", status.as_str())
            zh("申请当前为“{}”，不在待批准环节", status.label_zh()),
        SendBackReason = "send_back_reason"
            en("say why the application is sent back")
            zh("请说明退回理由"),
        DocumentNoRequired = "document_no_required"
            en("the approval document number is required")
            zh("须填写批准文号"),
        BasisRequired = "basis_required"
            en("the basis (law, document or ruling) is required")
            zh("须填写依据（法律、文件或裁定）"),
        ItemExists = "item_exists"
            en("an item with this number already exists")
            zh("已有相同编号的事项"),
        DescribeNewItem = "describe_new_item"
            en("describe the new item")
            zh("请填写新事项的内容"),
        DescribeChangedItem = "describe_changed_item"
            en("describe the item after the change")
            zh("请填写调整后的事项内容"),
        KeepNumber = "keep_number"
            en("the proposed item must keep its number")
            zh("调整后的事项须保留原编号"),
        ChangesNothing = "changes_nothing"
            en("the proposal changes nothing")
            zh("调整内容与现行事项相同"),
        OpinionsRequired = "opinions_required"
            en("record the opinions of the units involved")
            zh("请记录相关单位的意见"),
        FileNotAllowed = "file_not_allowed"
            en("only departments, townships and 编办 may apply for a list adjustment")
            zh("只有县级部门、乡镇和编办可以申请调整清单"),
        EstablishmentReviewOnly = "establishment_review_only"
            en("only 编办 reviewers review adjustments")
            zh("只有编办审核人员可以审核调整"),
        JusticeReviewOnly = "justice_review_only"
            en("only 司法局 reviewers check legality")
            zh("只有司法局审核人员可以进行合法性审查"),
        OwnReview = "own_review"
            en("an application cannot be reviewed by its applicant")
            zh("申请人不能审核自己的申请"),
        ApplicantResubmits = "applicant_resubmits"
            en("only the applicant may resubmit")
            zh("只有申请人可以重新提交"),
        OwnApproval = "own_approval"
            en("an application cannot be approved by its applicant")
            zh("申请人不能批准自己的申请"),
        LeaderApproves = "leader_approves"
            en("only a county leader approves list adjustments")
            zh("只有县领导可以批准清单调整"),
        PublishNotAllowed = "publish_not_allowed"
            en("only 编办 publishes list versions")
            zh("只有编办可以发布清单版本"),
    }
}
