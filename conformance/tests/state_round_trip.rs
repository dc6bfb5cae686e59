//! Every customer setup, run to its end, leaves shops whose state document survives an
//! export → import → export byte for byte: orders in every status the setups reach, stock
//! pushed by the integration, clocks moved over weeks, journals of real request sequences.

use rms_conformance::runner::{run, start_in_process, Mode};
use rms_conformance::setup::load;
use std::path::PathBuf;

#[tokio::test]
async fn every_setups_end_state_exports_imports_and_exports_the_same_bytes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/setups");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    assert!(files.len() >= 15);
    for file in files {
        let setup = load(&file).unwrap_or_else(|e| panic!("{e}"));
        let fake = start_in_process().await.unwrap();
        run(&setup, &fake.uri(), &Mode::Reference).await.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let first = fake.export_state().await.unwrap();
        let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert!(!doc["shops"].as_array().unwrap().is_empty(), "{}: the setup's shop is still there", file.display());
        let copy = start_in_process().await.unwrap();
        copy.import_state(&first).await.unwrap();
        assert_eq!(copy.export_state().await.unwrap(), first, "{}", file.display());
    }
}
