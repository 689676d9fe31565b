//! Throughput of the detection engine alone (no walking, reading or reporting) on three kinds of text:
//! configuration without a keyword, configuration dense in keywords but holding no secret, and
//! configuration with a secret on every few lines. `cargo bench --bench engine` prints MB/s per case;
//! see bench/README.md for recorded figures.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use keyless::detect::Detector;
use keyless::rules::RuleSet;
use std::sync::Arc;

/// About `bytes` of text made by repeating `line(i)`.
fn text(bytes: usize, line: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(bytes + 256);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&line(i));
        out.push('\n');
        i += 1;
    }
    out
}

/// A generated value that looks like a credential, different on every line.
fn value(i: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    (0..24)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

fn engine(c: &mut Criterion) {
    let detector = Detector::new(Arc::new(RuleSet::builtin().expect("built-in packs load")));
    const SIZE: usize = 2 << 20;
    let cases = [
        (
            "no-keyword",
            text(SIZE, |i| {
                format!(
                    "  service-{i}:\n    image: nginx:1.25.{i}\n    replicas: {}\n    ports: [80, 443]",
                    i % 7
                )
            }),
        ),
        (
            "keywords-no-secret",
            text(SIZE, |i| {
                format!(
                    "  password: ${{DB_PASSWORD_{i}}}\n  key: app.kubernetes.io/name-{i}\n  \
                     tokenUrl: https://login.example.com/{i}/token\n  secretName: tls-{i}"
                )
            }),
        ),
        (
            "many-secrets",
            text(SIZE, |i| {
                format!(
                    "DB_PASSWORD_{i}={}\nname=service-{i}\nreplicas={}",
                    value(i),
                    i % 5
                )
            }),
        ),
    ];
    let mut group = c.benchmark_group("engine");
    for (name, text) in &cases {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter_batched_ref(
                || detector.scanner(),
                |scanner| scanner.scan("bench/values.yaml", text),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = engine
}
criterion_main!(benches);
