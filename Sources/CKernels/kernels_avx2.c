// AVX2 kernels for the 32-weight block formats (Q4_0, Q4_1, Q8_0) and activation quantisation.
//
// Products run on bytes: vpmaddubsw multiplies unsigned by signed bytes into 16-bit pair sums and
// vpmaddwd widens them to 32 bits, then one float multiply-add per block applies the two scales.
// Rows are processed in groups (four for Q4_0/Q4_1, two for Q8_0) so each activation block is
// loaded once for several weight rows, and eight blocks' fp16 scales (and minimums) convert in one vcvtph2ps; the scale
// products land in a small array that the block loop broadcasts from.
#include "bloom_kernels.h"

#if defined(__x86_64__)
#include "kernels_common.h"

int bloom_cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

AVX2 void bloom_quantize_q8_avx2(const float *x, int count, bloom_q8_vectors out, int first_block) {
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    for (int b = 0; b < count / 32; b++) {
        const float *block = x + b * 32;
        __m256 v[4];
        __m256 amax = _mm256_setzero_ps();
        for (int i = 0; i < 4; i++) {
            v[i] = _mm256_loadu_ps(block + i * 8);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign_mask, v[i]));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float max_abs = _mm_cvtss_f32(m);
        const float scale = max_abs / 127.0f;
        const __m256 inverse = _mm256_set1_ps(scale != 0.0f ? 127.0f / max_abs : 0.0f);

        __m256i q[4];
        for (int i = 0; i < 4; i++) {
            __m256 r = _mm256_round_ps(_mm256_mul_ps(v[i], inverse), _MM_ROUND_NEAREST | _MM_FROUND_NO_EXC);
            q[i] = _mm256_cvtps_epi32(r);
        }
        // Sum of the 32 integers, for the minimum term of Q4_1 products.
        __m256i total = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        __m128i t = _mm_add_epi32(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
        t = _mm_hadd_epi32(t, t);
        t = _mm_hadd_epi32(t, t);

        // Pack 32-bit lanes down to bytes; the packs interleave 128-bit halves, the permute undoes it.
        __m256i words_low = _mm256_packs_epi32(q[0], q[1]);
        __m256i words_high = _mm256_packs_epi32(q[2], q[3]);
        __m256i bytes = _mm256_packs_epi16(words_low, words_high);
        bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));

        const int index = first_block + b;
        _mm256_storeu_si256((__m256i *)(out.values + (long)index * 32), bytes);
        out.scales[index] = scale;
        out.sums[index] = scale * (float)_mm_cvtsi128_si32(t);
    }
}


#define BLOCKS_INLINE AVX2_INLINE
#define BLOCKS_DOT_U8_I8(u, s) dot_u8_i8(u, s)
// Nibble × byte pair sums stay within 2 · 15 · 127 each, so two add in 16 bits before widening.
#define BLOCKS_DOT2_U8_I8(u1, s1, u2, s2) \
    _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(u1, s1), _mm256_maddubs_epi16(u2, s2)), \
                      _mm256_set1_epi16(1))
#define BLOCKS_NAME(name) avx2_##name
#include "kernels_blocks.h"

AVX2 void bloom_q4_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    avx2_block_rows(FORMAT_Q4_0, 4, m, x, vectors, row_begin, row_end, out, out_stride);
}

AVX2 void bloom_q4_1_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    avx2_block_rows(FORMAT_Q4_1, 4, m, x, vectors, row_begin, row_end, out, out_stride);
}

AVX2 void bloom_q8_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    // Two rows, not four: four Q8_0 rows measured at half the speed (the loop runs out of registers).
    avx2_block_rows(FORMAT_Q8_0, 2, m, x, vectors, row_begin, row_end, out, out_stride);
}

#else

int bloom_cpu_has_avx2(void) { return 0; }
void bloom_quantize_q8_avx2(const float *x, int count, bloom_q8_vectors out, int first_block) {}
void bloom_q4_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}
void bloom_q4_1_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}
void bloom_q8_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}

#endif
