//! The columns of each organisation table, with the header synonyms found in real files.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Units,
    People,
    Grids,
}

/// A logical column: the canonical header (used on export) and accepted synonyms.
pub struct Column {
    pub header: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

const fn col(header: &'static str, synonyms: &'static [&'static str], required: bool) -> Column {
    Column {
        header,
        synonyms,
        required,
    }
}

pub const UNIT_COLUMNS: [Column; 8] = [
    col("编码", &["单位编码", "代码", "机构代码", "code"], true),
    col("名称", &["单位名称", "全称", "机构名称", "name"], true),
    col("简称", &["单位简称", "short_name"], false),
    col("别名", &["其他名称", "aliases"], false),
    col("类型", &["单位类型", "机构类型", "kind"], true),
    col(
        "上级编码",
        &["上级单位", "上级单位编码", "上级", "parent"],
        false,
    ),
    col(
        "所属部门编码",
        &["所属部门", "主管部门", "owner_department"],
        false,
    ),
    col(
        "所在乡镇编码",
        &["所在乡镇", "所在乡镇(街道)", "township"],
        false,
    ),
];

pub const PEOPLE_COLUMNS: [Column; 5] = [
    col("账号", &["用户名", "登录名", "username"], true),
    col("姓名", &["name"], true),
    col("手机", &["手机号", "联系电话", "电话", "phone"], false),
    col(
        "所属单位编码",
        &["所属单位", "工作单位", "单位", "unit"],
        true,
    ),
    col("角色", &["角色授权", "roles"], false),
];

pub const GRID_COLUMNS: [Column; 7] = [
    col("编码", &["网格编码", "网格编号", "code"], true),
    col("名称", &["网格名称", "name"], true),
    col("类型", &["网格类型", "kind"], true),
    col(
        "所属村社编码",
        &["所属村社", "所属村(社区)", "村(社区)", "village"],
        true,
    ),
    col("网格长账号", &["网格长", "leader"], false),
    col("网格员账号", &["网格员", "workers"], false),
    col("边界", &["边界GeoJSON", "范围", "geometry"], true),
];

impl TableKind {
    pub fn columns(self) -> &'static [Column] {
        match self {
            TableKind::Units => &UNIT_COLUMNS,
            TableKind::People => &PEOPLE_COLUMNS,
            TableKind::Grids => &GRID_COLUMNS,
        }
    }

    pub fn sheet_name(self) -> &'static str {
        match self {
            TableKind::Units => "单位",
            TableKind::People => "人员",
            TableKind::Grids => "网格",
        }
    }

    /// Recognises a header row: grids have a boundary column, people a username column,
    /// units a type column plus code and name.
    pub fn detect(headers: &[String]) -> Option<TableKind> {
        let has = |k: TableKind, i: usize| {
            k.columns()
                .get(i)
                .map(|c| find(headers, c).is_some())
                .unwrap_or(false)
        };
        if has(TableKind::Grids, 6) && has(TableKind::Grids, 0) {
            Some(TableKind::Grids)
        } else if has(TableKind::People, 0) && has(TableKind::People, 1) {
            Some(TableKind::People)
        } else if has(TableKind::Units, 0) && has(TableKind::Units, 4) {
            Some(TableKind::Units)
        } else {
            None
        }
    }
}

/// Index of a logical column in a header row.
pub fn find(headers: &[String], c: &Column) -> Option<usize> {
    headers
        .iter()
        .position(|h| h == c.header || c.synonyms.contains(&h.as_str()))
}
