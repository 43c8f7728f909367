//! Why imported workbooks, uploaded photos, accounts and request bodies are refused: the
//! reasons the application and server layers add to the core's.

use super::catalogue::{reasons, Sample};
use crate::lists::ListKind;

impl Sample for ListKind {
    fn sample() -> Self {
        ListKind::Power
    }
}

reasons! {
    pub enum ImportReason(names) {
        UnknownListKind = "unknown_list_kind"
            en("cannot tell which list this is: name it in the title or sheet, or give --kind")
            zh("无法判断是哪一类清单：请在标题或工作表名中注明，或指定 --kind"),
        NoListHeader { kind: ListKind } = "no_list_header"
            en("no header row with 序号 and 事项名称 for {} in the first 10 rows", kind.label_en())
            zh("前 10 行中没有含“序号”和“事项名称”的{}表头", kind.label_zh()),
        NoOrgHeader = "no_org_header"
            en("no header row found in the first 10 rows (expected columns such as 编码/名称/类型, 账号/姓名, or 编码/边界)")
            zh("前 10 行中没有表头（应有 编码/名称/类型、账号/姓名 或 编码/边界 等列）"),
        ColumnMissing = "column_missing"
            en("required column is missing")
            zh("缺少必需的列"),
        UnknownPowerType { value: String } = "unknown_power_type"
            en("unknown power type '{value}'")
            zh("无法识别的权力类型「{value}」"),
        FlowType = "flow_type"
            en("use 并联 or 串联")
            zh("请填写“并联”或“串联”"),
        Subkind { value: String } = "subkind"
            en("'{value}' must be 协同管理 or 协同办理")
            zh("「{value}」须为“协同管理”或“协同办理”"),
        DuplicateNumber { number: String, first: String } = "duplicate_item_number"
            en("duplicate item number '{number}' (first used at {first})")
            zh("事项编号「{number}」重复（首次出现在 {first}）"),
        UnknownUnitKind { value: String } = "unknown_unit_kind"
            en("unknown unit type '{value}'")
            zh("无法识别的单位类型「{value}」"),
        DuplicateCode { code: String, first: usize } = "duplicate_code"
            en("duplicate code '{code}' (first used on row {first})")
            zh("编码「{code}」重复（首次出现在第 {first} 行）"),
        DuplicateUsername { user: String, first: usize } = "duplicate_username"
            en("duplicate username '{user}' (first used on row {first})")
            zh("账号「{user}」重复（首次出现在第 {first} 行）"),
        UnknownGridKind { value: String } = "unknown_grid_kind"
            en("unknown grid type '{value}' (use 综合 or 专属)")
            zh("无法识别的网格类型「{value}」（请填写“综合”或“专属”）"),
        GrantShape { value: String } = "grant_shape"
            en("'{value}' is not of the form role@unit")
            zh("「{value}」不是“角色@单位”的形式"),
        UnknownRole { value: String } = "unknown_role"
            en("unknown role '{value}'")
            zh("无法识别的角色「{value}」"),
        FileUnreadable { detail: String } = "file_unreadable"
            en("cannot read the file: {detail}")
            zh("无法读取文件：{detail}"),
        CellUnreadable { detail: String } = "cell_unreadable"
            en("cannot read the cell: {detail}")
            zh("无法读取单元格：{detail}"),
        PhotoTooLarge { mb: String, max: usize } = "photo_too_large"
            en("the photo is {mb} MB; at most {max} MB")
            zh("照片过大（{mb} MB，每张不超过 {max} MB）"),
        NotAnImage = "not_an_image"
            en("not an image (JPEG, PNG, WebP, GIF or HEIF)")
            zh("不是图片（支持JPEG、PNG、WebP、GIF、HEIF）"),
        PhotoNotUploaded { hash: String } = "photo_not_uploaded"
            en("photo {hash} was not uploaded")
            zh("照片未上传成功，请重新选择"),
        NoPhoto = "no_photo"
            en("no file in the field 'photo'")
            zh("请求中没有照片"),
        PasswordTooShort { min: usize } = "password_too_short"
            en("must have at least {min} characters")
            zh("至少 {min} 个字符"),
        UsernameTaken { user: String } = "username_taken"
            en("a person with username '{user}' already exists")
            zh("用户名「{user}」已存在"),
        NoRole = "no_role"
            en("you hold no role")
            zh("您没有任何角色"),
        NoProposedItem = "no_proposed_item"
            en("the application has no proposed item")
            zh("申请中没有拟调整的事项"),
        FromRequired = "from_required"
            en("from is required, e.g. 2026-02-13T16:00")
            zh("请填写起算时间，如 2026-02-13T16:00"),
        LimitRequired = "limit_required"
            en("limit is required, e.g. 5d, 2h, 30m or 30cm")
            zh("请填写时限，如 5d、2h、30m 或 30cm"),
        BadQuery { detail: String } = "bad_query"
            en("the query does not fit: {detail}")
            zh("查询参数格式不正确：{detail}"),
        ExpectedObject = "expected_object"
            en("expected a JSON object such as {{\"cmd\":\"sign\",\"assignment\":1}}")
            zh("应为 JSON 对象，如 {{\"cmd\":\"sign\",\"assignment\":1}}"),
        ReportNotCommand = "report_not_command"
            en("a new report is POST /api/v1/events, not a command")
            zh("上报新事件请用 POST /api/v1/events，而不是命令"),
        BodyPathMismatch { body: String, path: String } = "body_path_mismatch"
            en("the body names '{body}', the path '{path}'")
            zh("请求内容中的「{body}」与路径中的「{path}」不一致"),
        NotUtf8 = "not_utf8"
            en("the CSV is not UTF-8 text")
            zh("CSV 不是 UTF-8 文本"),
        BadBody { detail: String } = "bad_body"
            en("the request body does not fit: {detail}")
            zh("请求内容格式不正确：{detail}"),
    }
}
