//! Checksums that make a key "identifiable": a match whose checksum holds is that kind of key, with no
//! context needed; one whose checksum fails is not.
//!
//! Azure's identifiable keys (storage `+ASt`, Cosmos DB `ACDb`, Service Bus `+ASb`, Redis `AzCa`, ...) are
//! base64 strings whose last four decoded bytes are the little-endian Marvin32 hash of all bytes before
//! them, seeded per key kind. The seed is the ASCII name of the kind (for example `Default0`) read as a
//! big-endian 64-bit number. Marvin32 is the seeded hash that .NET uses for strings (SymCrypt documents it).

use base64::Engine as _;

/// The 64-bit Marvin hash of `data` with `seed`.
pub fn marvin64(data: &[u8], seed: u64) -> u64 {
    let mut lo = seed as u32;
    let mut hi = (seed >> 32) as u32;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        lo = lo.wrapping_add(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
        (lo, hi) = mix(lo, hi);
    }
    // The tail is padded with a single 0x80 byte after the remaining bytes.
    let rest = chunks.remainder();
    let mut last = 0x80u32 << (8 * rest.len());
    for (i, &b) in rest.iter().enumerate() {
        last |= (b as u32) << (8 * i);
    }
    lo = lo.wrapping_add(last);
    (lo, hi) = mix(lo, hi);
    (lo, hi) = mix(lo, hi);
    ((hi as u64) << 32) | lo as u64
}

/// Marvin64 folded to 32 bits (high half XOR low half), as the identifiable-key checksum uses it.
pub fn marvin32(data: &[u8], seed: u64) -> u32 {
    let h = marvin64(data, seed);
    (h >> 32) as u32 ^ h as u32
}

fn mix(mut lo: u32, mut hi: u32) -> (u32, u32) {
    hi ^= lo;
    lo = lo.rotate_left(20).wrapping_add(hi);
    hi = hi.rotate_left(9) ^ lo;
    lo = lo.rotate_left(27).wrapping_add(hi);
    hi = hi.rotate_left(19);
    (lo, hi)
}

/// The seed for a key kind name such as `Default0`: its eight ASCII bytes, big-endian.
pub fn seed(kind: &str) -> Option<u64> {
    let bytes: [u8; 8] = kind.as_bytes().try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

/// Whether `key` (standard or URL-safe base64, padding optional) carries a valid checksum for one of the
/// `seeds`.
pub fn is_azure_identifiable(key: &str, seeds: &[u64]) -> bool {
    let trimmed = key.trim_end_matches('=');
    let engine = if trimmed.contains(['-', '_']) {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let Ok(bytes) = engine.decode(trimmed) else {
        return false;
    };
    if bytes.len() < 8 {
        return false;
    }
    let (body, tail) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    seeds.iter().any(|&s| marvin32(body, s) == stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SymCrypt's published Marvin32 test vectors.
    #[test]
    fn marvin_matches_symcrypt_vectors() {
        assert_eq!(marvin64(b"abc", 0xd53cd9cecd0893b7), 0x22c74339492769bf);
        assert_eq!(
            marvin64(b"abcdefghijklmnopqrstuvwxyz", 0x0ddddeeeeffff000),
            0xa128eb7e7260aca2
        );
    }

    /// Vectors from an independent C implementation (skeeto/marvin32), covering every tail length.
    #[test]
    fn marvin_matches_independent_vectors() {
        let s0 = 0x004fb61a001bdbcc;
        let s1 = 0x804fb61a001bdbcc;
        let s2 = 0x804fb61a801bdbcc;
        let cases: &[(u64, u64, &[u8])] = &[
            (s0, 0x30ed35c100cd3c7d, &[]),
            (s0, 0x48e73fc77d75ddc1, &[175]),
            (s0, 0xb5f6e1fc485dbff8, &[231, 15]),
            (s0, 0xf0b07c789b8cf7e8, &[55, 244, 149]),
            (s0, 0x7008f2e87e9cf556, &[134, 66, 220, 89]),
            (s0, 0xe6c08c6da2afa997, &[21, 63, 183, 152, 38]),
            (s0, 0x6f04bf1a5ea24060, &[9, 50, 230, 36, 108, 71]),
            (s0, 0xe11847e4f0678c41, &[171, 66, 126, 168, 209, 15, 199]),
            (s1, 0x10a9d5d3996fd65d, &[]),
            (s1, 0xe203987dba252fb3, &[171, 66, 126, 168, 209, 15, 199]),
            (s2, 0xa37fb0da2ecae06c, &[0]),
            (s2, 0x9d8577c0fe0d30bf, &[255, 0, 255]),
            (s2, 0x71876f2efb1b0ee8, &[0, 255, 0, 255, 0, 255, 0]),
        ];
        for &(seed, expected, data) in cases {
            assert_eq!(marvin64(data, seed), expected, "{data:?}");
        }
    }

    /// Seeds as published for the identifiable-secrets format.
    #[test]
    fn seeds_are_big_endian_ascii() {
        assert_eq!(seed("ROSeed00"), Some(0x524f536565643030));
        assert_eq!(seed("Default0"), Some(0x44656661756c7430));
        assert_eq!(seed("short"), None);
    }

    /// A key built the way the format describes (random bytes, signature, checksum) validates, and flipping
    /// any single bit of it makes it fail.
    #[test]
    fn checksum_accepts_well_formed_keys_and_rejects_bit_flips() {
        let s = seed("Default0").unwrap();
        let mut bytes: Vec<u8> = (0u8..60)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        let sum = marvin32(&bytes, s);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let key = base64::engine::general_purpose::STANDARD.encode(&bytes);
        assert!(is_azure_identifiable(&key, &[s]));
        assert!(!is_azure_identifiable(&key, &[seed("Access00").unwrap()]));
        for byte in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[byte] ^= 1 << bit;
                let k = base64::engine::general_purpose::STANDARD.encode(&flipped);
                assert!(!is_azure_identifiable(&k, &[s]), "flip {byte}:{bit} passed");
            }
        }
    }
}
