//! Per-genre mandatory product attributes (必須商品属性): every SKU of an item in such a genre
//! must carry them in `variants.<id>.attributes[]`, or items.upsert / items.patch refuse the
//! item and store nothing (IE0418 on the wire, item-api.md §0).
//!
//! Real RMS reads the genre's attributes from its NavigationAPI dictionary. The fake knows
//! the genres a public source shows (only 553575, from a live answer: メーカー型番, タイトル,
//! 発売元), and each shop adds or overrides genres in its settings
//! (`item_mandatory_attributes`).

use super::model::Attribute;
use std::collections::BTreeMap;

/// Genres whose mandatory attributes a live RMS answer names, in the order it listed them.
const BUILT_IN: [(&str, &[&str]); 1] = [("553575", &["メーカー型番", "タイトル", "発売元"])];

/// Which mandatory attributes an item is checked against.
#[derive(Clone, Copy, Debug)]
pub enum GenreRules<'a> {
    /// None: items that already exist when a shop is created (shop documents, generated
    /// catalogs), whose shorthand cannot carry attributes — as real RMS kept items registered
    /// before their genre's attributes became mandatory (inferred).
    Unchecked,
    /// The built-in genres with the shop's table over them: a genre in the table replaces the
    /// built-in list, so `"553575" = []` switches that genre's check off.
    Shop(&'a BTreeMap<String, Vec<String>>),
}

impl GenreRules<'static> {
    /// The built-in genres only (a shop without a table of its own).
    #[cfg(test)]
    pub fn built_in() -> Self {
        static NO_TABLE: BTreeMap<String, Vec<String>> = BTreeMap::new();
        GenreRules::Shop(&NO_TABLE)
    }
}

impl<'a> GenreRules<'a> {
    /// The attribute names every SKU of an item in `genre` must carry, in the order an error
    /// lists them; empty when the genre has none.
    pub fn mandatory(&self, genre: &str) -> Vec<&'a str> {
        let GenreRules::Shop(table) = self else {
            return Vec::new();
        };
        match table.get(genre) {
            Some(names) => names.iter().map(String::as_str).collect(),
            None => BUILT_IN.iter().find(|(g, _)| *g == genre).map(|(_, names)| names.to_vec()).unwrap_or_default(),
        }
    }
}

/// What a SKU's attributes lack for its genre.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributeGaps {
    /// Mandatory names no attribute has, in the genre's order.
    pub missing: Vec<String>,
    /// Mandatory attributes present without a value (`values` left out, empty, or only
    /// blank strings), in the genre's order.
    pub without_values: Vec<String>,
}

impl AttributeGaps {
    /// True when nothing is lacking.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.without_values.is_empty()
    }
}

/// Compares a SKU's attributes with the mandatory names. Names match exactly, as RMS's
/// dictionary spells them; an attribute counts once it has one non-blank value, and a name
/// given twice counts if either entry has one.
pub fn attribute_gaps(mandatory: &[&str], attributes: Option<&[Attribute]>) -> AttributeGaps {
    let attributes = attributes.unwrap_or_default();
    let mut gaps = AttributeGaps::default();
    for name in mandatory {
        let mut entries = attributes.iter().filter(|a| a.name.as_deref() == Some(*name)).peekable();
        if entries.peek().is_none() {
            gaps.missing.push(name.to_string());
            continue;
        }
        let has_value = entries.any(|a| a.values.iter().flatten().any(|v| !v.trim().is_empty()));
        if !has_value {
            gaps.without_values.push(name.to_string());
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str, values: &[&str]) -> Attribute {
        Attribute { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()), unit: None }
    }

    #[test]
    fn genre_553575_is_built_in_and_a_shop_table_adds_or_replaces_genres() {
        let none = BTreeMap::new();
        assert_eq!(GenreRules::Shop(&none).mandatory("553575"), ["メーカー型番", "タイトル", "発売元"]);
        assert!(GenreRules::Shop(&none).mandatory("559887").is_empty());
        let table = BTreeMap::from([("100000".to_string(), vec!["ブランド名".to_string()]), ("553575".into(), vec![])]);
        assert_eq!(GenreRules::Shop(&table).mandatory("100000"), ["ブランド名"]);
        assert!(GenreRules::Shop(&table).mandatory("553575").is_empty(), "[] switches a built-in genre off");
        assert!(GenreRules::Unchecked.mandatory("553575").is_empty());
    }

    #[test]
    fn missing_names_are_listed_in_the_genres_order() {
        let mandatory = ["メーカー型番", "タイトル", "発売元"];
        let gaps = attribute_gaps(&mandatory, Some(&[attr("タイトル", &["x"])]));
        assert_eq!(gaps.missing, ["メーカー型番", "発売元"]);
        assert!(gaps.without_values.is_empty());
        let gaps = attribute_gaps(&mandatory, None);
        assert_eq!(gaps.missing, mandatory);
    }

    #[test]
    fn an_attribute_without_a_non_blank_value_is_not_set() {
        let mandatory = ["ブランド名", "素材", "色"];
        let no_values = Attribute { name: Some("色".into()), values: None, unit: None };
        let gaps = attribute_gaps(&mandatory, Some(&[attr("ブランド名", &[]), attr("素材", &[" ", ""]), no_values]));
        assert!(gaps.missing.is_empty());
        assert_eq!(gaps.without_values, ["ブランド名", "素材", "色"]);
        assert!(attribute_gaps(&mandatory[..1], Some(&[attr("ブランド名", &["", "楽天"])])).is_empty());
    }

    #[test]
    fn names_match_exactly_and_extra_attributes_do_not_matter() {
        let gaps = attribute_gaps(&["ブランド名"], Some(&[attr("ブランド名 ", &["x"]), attr("原産国", &["日本"])]));
        assert_eq!(gaps.missing, ["ブランド名"]);
        assert!(attribute_gaps(&[], None).is_empty());
    }
}
