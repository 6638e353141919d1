#include "bloom_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

int bloom_cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

AVX2 static inline float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
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

AVX2 void bloom_q4_1_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    const int blocks = m.blocks;
    const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
    const __m256i ones = _mm256_set1_epi16(1);
    for (int r = row_begin; r < row_end; r++) {
        const uint16_t *scales = m.scales + (long)r * blocks;
        const uint16_t *mins = m.mins + (long)r * blocks;
        const uint8_t *quants = m.quants + (long)r * blocks * 16;
        for (int v = 0; v < vectors; v++) {
            const float *xs = x.scales + (long)v * blocks;
            const float *xsum = x.sums + (long)v * blocks;
            const int8_t *xq = x.values + (long)v * blocks * 32;
            __m256 acc = _mm256_setzero_ps();
            float minimum_term = 0.0f;
            for (int b = 0; b < blocks; b++) {
                const __m128i packed = _mm_loadu_si128((const __m128i *)(quants + b * 16));
                const __m256i nibbles = _mm256_and_si256(
                    _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), low_nibbles);
                const __m256i activations = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
                const __m256i products = _mm256_madd_epi16(_mm256_maddubs_epi16(nibbles, activations), ones);
                const float scale = _cvtsh_ss(scales[b]) * xs[b];
                acc = _mm256_fmadd_ps(_mm256_set1_ps(scale), _mm256_cvtepi32_ps(products), acc);
                minimum_term += _cvtsh_ss(mins[b]) * xsum[b];
            }
            out[v * out_stride + r] = horizontal_sum(acc) + minimum_term;
        }
    }
}

AVX2 void bloom_q8_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    const int blocks = m.blocks;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int r = row_begin; r < row_end; r++) {
        const uint16_t *scales = m.scales + (long)r * blocks;
        const int8_t *quants = (const int8_t *)m.quants + (long)r * blocks * 32;
        for (int v = 0; v < vectors; v++) {
            const float *xs = x.scales + (long)v * blocks;
            const int8_t *xq = x.values + (long)v * blocks * 32;
            __m256 acc = _mm256_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const __m256i w = _mm256_loadu_si256((const __m256i *)(quants + b * 32));
                const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
                // maddubs needs one unsigned operand: move the weight's sign onto the activation.
                const __m256i products = _mm256_madd_epi16(
                    _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w)), ones);
                const float scale = _cvtsh_ss(scales[b]) * xs[b];
                acc = _mm256_fmadd_ps(_mm256_set1_ps(scale), _mm256_cvtepi32_ps(products), acc);
            }
            out[v * out_stride + r] = horizontal_sum(acc);
        }
    }
}

#else

int bloom_cpu_has_avx2(void) { return 0; }
void bloom_quantize_q8_avx2(const float *x, int count, bloom_q8_vectors out, int first_block) {}
void bloom_q4_1_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}
void bloom_q8_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}

#endif
