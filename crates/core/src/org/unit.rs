use serde::{Deserialize, Serialize};

/// What a unit is. The order is the order the unit tree shows siblings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    City,
    County,
    CountyCommandCentre,
    Department,
    Division,
    StationedUnit,
    /// 街道
    Subdistrict,
    /// 镇 / 乡
    Town,
    TownshipCommandRoom,
    Community,
    Village,
}

impl UnitKind {
    pub const ALL: [UnitKind; 11] = [
        UnitKind::City,
        UnitKind::County,
        UnitKind::CountyCommandCentre,
        UnitKind::Department,
        UnitKind::Division,
        UnitKind::StationedUnit,
        UnitKind::Subdistrict,
        UnitKind::Town,
        UnitKind::TownshipCommandRoom,
        UnitKind::Community,
        UnitKind::Village,
    ];

    /// Parses the Chinese type names used in published tables (and the code names).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "市" | "city" => UnitKind::City,
            "县" | "区" | "县(区)" | "county" => UnitKind::County,
            "县指挥中心" | "指挥中心" | "社会治理中心" | "county_command_centre" => {
                UnitKind::CountyCommandCentre
            }
            "部门" | "县级部门" | "department" => UnitKind::Department,
            "科室" | "股室" | "职能科室" | "division" => UnitKind::Division,
            "派驻机构" | "stationed_unit" => UnitKind::StationedUnit,
            "街道" | "subdistrict" => UnitKind::Subdistrict,
            "镇" | "乡" | "乡镇" | "town" => UnitKind::Town,
            "乡镇指挥室" | "综合信息指挥室" | "township_command_room" => {
                UnitKind::TownshipCommandRoom
            }
            "社区" | "community" => UnitKind::Community,
            "村" | "行政村" | "village" => UnitKind::Village,
            _ => return None,
        })
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::City => "市",
            UnitKind::County => "县",
            UnitKind::CountyCommandCentre => "县指挥中心",
            UnitKind::Department => "部门",
            UnitKind::Division => "科室",
            UnitKind::StationedUnit => "派驻机构",
            UnitKind::Subdistrict => "街道",
            UnitKind::Town => "镇",
            UnitKind::TownshipCommandRoom => "乡镇指挥室",
            UnitKind::Community => "社区",
            UnitKind::Village => "村",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            UnitKind::City => "City",
            UnitKind::County => "County",
            UnitKind::CountyCommandCentre => "County command centre",
            UnitKind::Department => "Department",
            UnitKind::Division => "Division",
            UnitKind::StationedUnit => "Stationed unit",
            UnitKind::Subdistrict => "Subdistrict",
            UnitKind::Town => "Town",
            UnitKind::TownshipCommandRoom => "Township command room",
            UnitKind::Community => "Community",
            UnitKind::Village => "Village",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::City => "city",
            UnitKind::County => "county",
            UnitKind::CountyCommandCentre => "county_command_centre",
            UnitKind::Department => "department",
            UnitKind::Division => "division",
            UnitKind::StationedUnit => "stationed_unit",
            UnitKind::Subdistrict => "subdistrict",
            UnitKind::Town => "town",
            UnitKind::TownshipCommandRoom => "township_command_room",
            UnitKind::Community => "community",
            UnitKind::Village => "village",
        }
    }

    /// 块: townships (towns and subdistricts).
    pub fn is_township(self) -> bool {
        matches!(self, UnitKind::Town | UnitKind::Subdistrict)
    }

    pub fn is_village(self) -> bool {
        matches!(self, UnitKind::Village | UnitKind::Community)
    }

    /// Which parent kinds a unit of this kind may hang under.
    pub fn allowed_parents(self) -> &'static [UnitKind] {
        use UnitKind::*;
        match self {
            City => &[],
            County => &[City],
            CountyCommandCentre | Department => &[County],
            Division => &[Department, StationedUnit],
            StationedUnit => &[Department],
            Subdistrict | Town => &[County],
            TownshipCommandRoom => &[Subdistrict, Town],
            Community | Village => &[Subdistrict, Town],
        }
    }
}

/// An organisational unit. Real documents name units three ways (县住房和城乡建设局 = 住建局 =
/// 县住建局), so a unit carries a full name, a short name and aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub short_name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: UnitKind,
    /// Parent unit code; `None` only for the top (city) unit.
    pub parent: Option<String>,
    /// For stationed units: the owning department.
    #[serde(default)]
    pub owner_department: Option<String>,
    /// For stationed units: the township it sits in.
    #[serde(default)]
    pub township: Option<String>,
}

impl Unit {
    /// Every name this unit is known by: full, short, aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(std::iter::once(self.short_name.as_str()))
            .chain(self.aliases.iter().map(|s| s.as_str()))
    }
}
