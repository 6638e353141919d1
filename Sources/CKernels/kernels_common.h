// Helpers shared by the AVX2 kernel files; not part of the module's interface.
#ifndef BLOOM_KERNELS_COMMON_H
#define BLOOM_KERNELS_COMMON_H

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define AVX2_INLINE __attribute__((target("avx2,fma,f16c"), always_inline)) static inline

AVX2_INLINE float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The four horizontal sums of a[0..3] in lanes 0..3, for storing four adjacent outputs at once.
AVX2_INLINE __m128 horizontal_sums4(const __m256 a[4]) {
    const __m256 ab = _mm256_hadd_ps(a[0], a[1]);   // a0 a0 a1 a1 | a0 a0 a1 a1 (pairs)
    const __m256 cd = _mm256_hadd_ps(a[2], a[3]);
    const __m256 abcd = _mm256_hadd_ps(ab, cd);     // a0 a1 a2 a3 | a0 a1 a2 a3 (partial)
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

/// Σ of unsigned bytes × signed bytes over 32 lanes, as 8 int32 partial sums.
AVX2_INLINE __m256i dot_u8_i8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

/// 16 bytes of packed nibbles as 32 bytes: low nibbles first (weights 0–15), then high (16–31).
AVX2_INLINE __m256i unpack_nibbles(const uint8_t *p) {
    const __m128i packed = _mm_loadu_si128((const __m128i *)p);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), _mm256_set1_epi8(0x0F));
}

/// The 32-weight block formats the shared row-product template handles.
enum block_format { FORMAT_Q4_0, FORMAT_Q4_1, FORMAT_Q8_0 };

#endif
