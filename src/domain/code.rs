//! Generation of one-time codes.

use rand::Rng;

/// A uniformly random code of `len` decimal digits, from the thread-local CSPRNG
/// (ChaCha, seeded and reseeded from the OS).
pub fn generate(len: u32) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn has_the_requested_length_and_only_digits() {
        for len in 4..=8 {
            let c = super::generate(len);
            assert_eq!(c.len() as u32, len);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
