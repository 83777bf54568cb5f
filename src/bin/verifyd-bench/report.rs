//! Figures: one line each (`name  value unit`), kept for the medians over
//! repetitions and for `--json`.

use std::collections::BTreeMap;
use std::io::Write;

use hdrhistogram::Histogram;
use serde_json::json;

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    /// Which repetition it belongs to (0-based).
    pub rep: usize,
}

/// Every figure of a run, printed as it is measured.
#[derive(Default)]
pub struct Report {
    pub figures: Vec<Figure>,
    /// Lines that are not figures: conditions, skips, warnings.
    pub notes: Vec<String>,
    pub rep: usize,
}

impl Report {
    /// Records and prints one figure.
    pub fn fig(&mut self, name: impl Into<String>, value: f64, unit: &'static str) {
        let name = name.into();
        println!("{name:<52} {:>14} {unit}", fmt_value(value));
        let _ = std::io::stdout().flush();
        self.figures.push(Figure {
            name,
            value,
            unit,
            rep: self.rep,
        });
    }

    /// Records and prints a note (`# ...`).
    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        println!("# {text}");
        let _ = std::io::stdout().flush();
        self.notes.push(text);
    }

    /// p50, p90, p99 and max of a latency histogram in microseconds, as ms figures.
    pub fn latency(&mut self, prefix: &str, h: &Histogram<u64>) {
        if h.is_empty() {
            self.note(format!("{prefix}: no samples"));
            return;
        }
        for (label, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
            self.fig(
                format!("{prefix}.{label}"),
                h.value_at_quantile(q) as f64 / 1000.0,
                "ms",
            );
        }
        self.fig(format!("{prefix}.max"), h.max() as f64 / 1000.0, "ms");
    }

    /// The median of each figure over the repetitions, in first-seen order.
    pub fn medians(&self) -> Vec<(String, f64, &'static str, usize)> {
        let mut order: Vec<&str> = Vec::new();
        let mut by: BTreeMap<&str, (Vec<f64>, &'static str)> = BTreeMap::new();
        for f in &self.figures {
            let e = by.entry(&f.name).or_insert_with(|| {
                order.push(&f.name);
                (Vec::new(), f.unit)
            });
            e.0.push(f.value);
        }
        order
            .into_iter()
            .map(|n| {
                let (mut v, unit) = by.remove(n).expect("every name was inserted");
                v.sort_by(|a, b| a.total_cmp(b));
                let m = if v.len() % 2 == 1 {
                    v[v.len() / 2]
                } else {
                    (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
                };
                (n.to_owned(), m, unit, v.len())
            })
            .collect()
    }

    pub fn print_medians(&self) {
        println!("\n## medians over the repetitions");
        for (name, v, unit, n) in self.medians() {
            println!("{name:<52} {:>14} {unit}  (n={n})", fmt_value(v));
        }
    }

    pub fn to_json(&self, machine: serde_json::Value, argv: &[String]) -> serde_json::Value {
        let figures: Vec<_> = self
            .figures
            .iter()
            .map(|f| json!({"name": f.name, "value": f.value, "unit": f.unit, "rep": f.rep}))
            .collect();
        let medians: serde_json::Map<String, serde_json::Value> = self
            .medians()
            .into_iter()
            .map(|(n, v, unit, count)| (n, json!({"value": v, "unit": unit, "n": count})))
            .collect();
        json!({
            "machine": machine,
            "argv": argv,
            "notes": self.notes,
            "figures": figures,
            "medians": medians,
        })
    }
}

fn fmt_value(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// A latency histogram in microseconds, from 1 µs to 10 minutes, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}
