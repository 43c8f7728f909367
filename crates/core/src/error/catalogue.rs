//! The macro that declares a reason enum together with its message catalogue, so a variant
//! cannot exist without its code and both texts.

/// A sample value of a parameter type, for the tests that render every variant.
pub trait Sample {
    fn sample() -> Self;
}

impl Sample for String {
    fn sample() -> Self {
        "X-1".into()
    }
}
impl Sample for &'static str {
    fn sample() -> Self {
        "x"
    }
}
impl Sample for Vec<String> {
    fn sample() -> Self {
        vec!["A-1".into(), "B-2".into()]
    }
}
macro_rules! sample_num {
    ($($t:ty),*) => {$(impl Sample for $t { fn sample() -> Self { 3 } })*};
}
sample_num!(u8, u16, u32, u64, usize, i64);

/// `reasons! { pub enum Name(names) { Variant { field: Type } = "code" en("…") zh("…"), … } }`
///
/// `names` is the identifier the texts use for the unit namer (`names(code)`): pages pass one
/// that shows unit names, plain `en()`/`zh()` show the codes.
macro_rules! reasons {
    (
        $(#[$em:meta])*
        pub enum $enum:ident ($nm:ident) {
            $(
                $(#[$m:meta])*
                $name:ident $({ $($f:ident : $t:ty),* $(,)? })? = $code:literal
                    en($($en:tt)+) zh($($zh:tt)+),
            )*
        }
    ) => {
        $(#[$em])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $enum {
            $( $(#[$m])* $name $({ $($f: $t),* })?, )*
        }

        impl $enum {
            /// Stable machine-readable code (snake_case).
            pub fn code(&self) -> &'static str {
                match self {
                    $( $enum::$name { .. } => $code, )*
                }
            }

            #[allow(unused_variables)]
            pub fn en_with(&self, $nm: &dyn Fn(&str) -> String) -> String {
                match self {
                    $( $enum::$name $({ $($f),* })? => format!($($en)+), )*
                }
            }

            #[allow(unused_variables)]
            pub fn zh_with(&self, $nm: &dyn Fn(&str) -> String) -> String {
                match self {
                    $( $enum::$name $({ $($f),* })? => format!($($zh)+), )*
                }
            }

            /// English text; unit codes as they are.
            pub fn en(&self) -> String {
                self.en_with(&|c: &str| c.to_string())
            }

            /// Chinese text; unit codes as they are.
            pub fn zh(&self) -> String {
                self.zh_with(&|c: &str| c.to_string())
            }

            /// One value of every variant, for tests of the catalogue.
            pub fn samples() -> Vec<Self> {
                use $crate::error::catalogue::Sample;
                vec![ $( $enum::$name $({ $($f: Sample::sample()),* })?, )* ]
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.en())
            }
        }

        impl std::error::Error for $enum {}
    };
}
pub(crate) use reasons;
