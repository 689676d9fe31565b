//! Checksums that make a key "identifiable": a match whose checksum holds is that kind of key, with no
//! context needed; one whose checksum fails is not.
//!
//! Azure's identifiable keys (storage `+ASt`, Cosmos DB `ACDb`, Service Bus `+ASb`, Redis `AzCa`, ...) are
//! base64 strings whose last four decoded bytes are the little-endian Marvin32 hash of all bytes before
//! them, seeded per key kind. The seed is the ASCII name of the kind (for example `Default0`) read as a
//! big-endian 64-bit number. Marvin32 is the seeded hash that .NET uses for strings (SymCrypt documents it).
//!
//! Common annotated security keys (CASK, the 84-character `...JQQJ99...` keys of Azure AI services, Azure
//! OpenAI, Event Grid, App Configuration, Azure DevOps and others) carry the same Marvin32 checksum, with
//! the `Default0` seed, but encode it in the key's text rather than in its bytes: see [`is_cask`].

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

/// Standard base64 alphabet, for the one character of a CASK checksum that base64 padding truncates.
const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The Base62 alphabet CASK generators use: digits, upper case, lower case.
const BASE62_ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Whether `key` is a common annotated security key (CASK) whose checksum holds for one of the `seeds`
/// (CASK itself uses only `Default0`).
///
/// The layout, as Microsoft's open-source `microsoft/security-utilities` library generates and recognises
/// these keys (our summary of its C# code, not a published specification): 84 characters, or an 88-character
/// long form ending in `==`, of standard base64. Characters 0-51 are random, 52-55 are the fixed `JQQJ`,
/// 56 is `9`, 57 the kind (`9` a key, `D` derived, `H` hashed), 58-59 the creation year (base64 digit
/// counted from 2024) and month (`A`-`L`), 60-71 reserved for the platform, 72-75 reserved for the
/// provider, 76-79 the provider's signature (`ACOG` Cognitive Services, `AZEG` Event Grid, ...), and the
/// rest the checksum.
///
/// The checksum is Marvin32 over the 60 bytes that the first 80 characters decode to, as four
/// little-endian bytes `cb`. Two generations of the generator write it differently, and both are accepted:
///
/// - base64: the short form ends with the base64 of `cb[0..3]` (four characters), the long form with the
///   base64 of all four bytes (`xxxxxx==`). The Azure AI services and Web PubSub keys we checked (keys
///   leaked in public repositories, not kept here) use this one.
/// - Base62: `cb` read as a big-endian number, written in Base62 (`0-9A-Za-z`) after one `0` per leading zero
///   byte of `cb` (at most three), right-padded with `0` to six characters. The short form ends with its
///   first four characters; the long form with those six characters read as base64 of four bytes and
///   written back (`xxxxxx==`, the sixth character losing the bits that do not fit). The Azure DevOps
///   token we checked uses this one.
///
/// Each encoding checks about 24 bits and either may match, so a random 84-character string with `JQQJ` in
/// place passes about once in eight million tries; a rule's regex (fixed `JQQJ9`, kind, month, signature)
/// is what makes a candidate in the first place.
pub fn is_cask(key: &str, seeds: &[u64]) -> bool {
    if !key.is_ascii() || !(key.len() == 84 || key.len() == 88) || &key[52..56] != "JQQJ" {
        return false;
    }
    let Ok(body) = base64::engine::general_purpose::STANDARD.decode(&key[..80]) else {
        return false;
    };
    let stored = &key[80..];
    seeds.iter().any(|&seed| {
        let sum = marvin32(&body, seed).to_le_bytes();
        cask_base64_checksum(&sum, stored.len()) == stored
            || cask_base62_checksum(&sum, stored.len()) == stored
    })
}

/// The older encoding: base64 of the first three checksum bytes (short form) or of all four (long form).
fn cask_base64_checksum(sum: &[u8; 4], len: usize) -> String {
    let engine = &base64::engine::general_purpose::STANDARD;
    if len == 4 {
        engine.encode(&sum[..3])
    } else {
        engine.encode(sum)
    }
}

/// The newer encoding: six Base62 characters of the checksum, cut to four (short form) or normalised as
/// base64 with `==` (long form).
fn cask_base62_checksum(sum: &[u8; 4], len: usize) -> String {
    let mut n = u32::from_be_bytes(*sum);
    let mut digits = Vec::with_capacity(6);
    while n > 0 {
        digits.push(BASE62_ALPHABET[(n % 62) as usize]);
        n /= 62;
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    let leading_zero_bytes = sum.iter().take_while(|&&b| b == 0).count().min(3);
    let mut text: Vec<u8> = std::iter::repeat_n(b'0', leading_zero_bytes)
        .chain(digits.into_iter().rev())
        .collect();
    // At most 3 leading zeros plus the digits of a number below 2^(8 * (4 - zeros)): never more than six.
    text.resize(6, b'0');
    if len == 4 {
        text.truncate(4);
    } else {
        // Six characters carry 36 bits, of which base64 keeps 32: the last character keeps its top two.
        let last = BASE64_ALPHABET
            .iter()
            .position(|&c| c == text[5])
            .unwrap_or(0);
        text[5] = BASE64_ALPHABET[last & 0b11_0000];
        text.extend_from_slice(b"==");
    }
    String::from_utf8(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checksum_seed as seed;

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

    /// Keys built by an independent Python port of the generator (signature `TEST`, all-zero reserved
    /// fields, January 2025 unless noted), in both checksum encodings and both lengths.
    const CASK_VECTORS: &[&str] = &[
        // base64 checksum, short and long form.
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaJQQJ99BAAAAAAAAAAAAAAAAATESTlrlb",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaJQQJ99BAAAAAAAAAAAAAAAAATESTlrlbeQ==",
        // Base62 checksum, short and long form (the long form's sixth character loses its low bits).
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaJQQJ99BAAAAAAAAAAAAAAAAATEST2l8I",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaJQQJ99BAAAAAAAAAAAAAAAAATEST2l8IBA==",
        // A key with the ACOG (Azure AI services) signature, June 2025, base64 checksum.
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxJQQJ99BFAAAAAAAAAAAAAAABACOGksO5",
        // Checksums whose bytes start with one zero byte (Base62 short and long, then base64 short) and
        // with two (Base62 short and long): each leading zero byte is written as a `0` in Base62.
        "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7yEeeby3abP3E2ZsR1000000JQQJ99BAAAAAAAAAAAAAAAAATEST0nlA",
        "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7yEeeby3abP3E2ZsR1000000JQQJ99BAAAAAAAAAAAAAAAAATEST0nlAww==",
        "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7yEeeby3abP3E2ZsR1000000JQQJ99BAAAAAAAAAAAAAAAAATESTALT1",
        "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7yEeeby3abP3E2ZsU3100000JQQJ99BAAAAAAAAAAAAAAAAATEST00Fl",
        "Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7yEeeby3abP3E2ZsU3100000JQQJ99BAAAAAAAAAAAAAAAAATEST00Fllw==",
    ];

    #[test]
    fn cask_vectors_validate() {
        let s = seed("Default0").unwrap();
        for key in CASK_VECTORS {
            assert!(is_cask(key, &[s]), "{key}");
            assert!(!is_cask(key, &[seed("Default1").unwrap()]), "{key}");
        }
    }

    /// Changing any one random, signature or checksum character to any other alphanumeric character makes
    /// the key fail, in both encodings and both lengths.
    #[test]
    fn cask_rejects_every_single_character_change() {
        let s = seed("Default0").unwrap();
        let alphabet = &BASE62_ALPHABET[..];
        for key in CASK_VECTORS {
            let checksum_end = key.trim_end_matches('=').len();
            let positions = (0..52).chain(76..80).chain(80..checksum_end);
            for i in positions {
                for &c in alphabet {
                    if key.as_bytes()[i] == c {
                        continue;
                    }
                    let mut changed = key.as_bytes().to_vec();
                    changed[i] = c;
                    let changed = String::from_utf8(changed).unwrap();
                    assert!(!is_cask(&changed, &[s]), "{changed} passed");
                }
            }
        }
    }

    #[test]
    fn cask_rejects_wrong_lengths_and_shapes() {
        let s = seed("Default0").unwrap();
        let short = CASK_VECTORS[0];
        let long = CASK_VECTORS[1];
        assert!(!is_cask(&short[..83], &[s]));
        assert!(!is_cask(&format!("{short}a"), &[s]));
        assert!(!is_cask(&long[..86], &[s]));
        assert!(!is_cask(&format!("{long}=="), &[s]));
        assert!(!is_cask(&short.replace("JQQJ", "JQQK"), &[s]));
        // Non-ASCII text of the right byte length is rejected, not sliced inside a character.
        assert!(!is_cask(&short.replacen("aa", "é", 1), &[s]));
        assert!(!is_cask(&short.replacen('a', "-", 1), &[s]));
        assert!(!is_cask("", &[s]));
    }
}
