#include "bloom_vnni.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512vnni")))

int bloom_cpu_has_avx512_vnni(void) {
    __builtin_cpu_init();
    return bloom_cpu_has_avx2() && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl");
}

VNNI static inline float sum_lanes(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Two rows at a time share each activation block load.
VNNI void bloom_q4_1_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    const int blocks = m.blocks;
    const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
    for (int v = 0; v < vectors; v++) {
        const float *xs = x.scales + (long)v * blocks;
        const float *xsum = x.sums + (long)v * blocks;
        const int8_t *xq = x.values + (long)v * blocks * 32;
        int r = row_begin;
        for (; r + 2 <= row_end; r += 2) {
            const long first = (long)r * blocks, second = first + blocks;
            __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
            float minimum0 = 0.0f, minimum1 = 0.0f;
            for (int b = 0; b < blocks; b++) {
                const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
                const __m128i p0 = _mm_loadu_si128((const __m128i *)(m.quants + (first + b) * 16));
                const __m128i p1 = _mm_loadu_si128((const __m128i *)(m.quants + (second + b) * 16));
                const __m256i n0 = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(p0, 4), p0), low_nibbles);
                const __m256i n1 = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(p1, 4), p1), low_nibbles);
                const __m256i d0 = _mm256_dpbusd_epi32(_mm256_setzero_si256(), n0, a);
                const __m256i d1 = _mm256_dpbusd_epi32(_mm256_setzero_si256(), n1, a);
                acc0 = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(m.scales[first + b]) * xs[b]),
                                       _mm256_cvtepi32_ps(d0), acc0);
                acc1 = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(m.scales[second + b]) * xs[b]),
                                       _mm256_cvtepi32_ps(d1), acc1);
                minimum0 += _cvtsh_ss(m.mins[first + b]) * xsum[b];
                minimum1 += _cvtsh_ss(m.mins[second + b]) * xsum[b];
            }
            out[v * out_stride + r] = sum_lanes(acc0) + minimum0;
            out[v * out_stride + r + 1] = sum_lanes(acc1) + minimum1;
        }
        for (; r < row_end; r++) {
            const long first = (long)r * blocks;
            __m256 acc = _mm256_setzero_ps();
            float minimum = 0.0f;
            for (int b = 0; b < blocks; b++) {
                const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
                const __m128i p = _mm_loadu_si128((const __m128i *)(m.quants + (first + b) * 16));
                const __m256i n = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(p, 4), p), low_nibbles);
                const __m256i d = _mm256_dpbusd_epi32(_mm256_setzero_si256(), n, a);
                acc = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(m.scales[first + b]) * xs[b]),
                                      _mm256_cvtepi32_ps(d), acc);
                minimum += _cvtsh_ss(m.mins[first + b]) * xsum[b];
            }
            out[v * out_stride + r] = sum_lanes(acc) + minimum;
        }
    }
}

VNNI void bloom_q8_0_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    const int blocks = m.blocks;
    for (int v = 0; v < vectors; v++) {
        const float *xs = x.scales + (long)v * blocks;
        const int8_t *xq = x.values + (long)v * blocks * 32;
        int r = row_begin;
        for (; r + 2 <= row_end; r += 2) {
            const long first = (long)r * blocks, second = first + blocks;
            const int8_t *w0 = (const int8_t *)m.quants + first * 32;
            const int8_t *w1 = (const int8_t *)m.quants + second * 32;
            __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
                const __m256i q0 = _mm256_loadu_si256((const __m256i *)(w0 + b * 32));
                const __m256i q1 = _mm256_loadu_si256((const __m256i *)(w1 + b * 32));
                // vpdpbusd needs one unsigned operand: move the weight's sign onto the activation.
                const __m256i d0 = _mm256_dpbusd_epi32(
                    _mm256_setzero_si256(), _mm256_sign_epi8(q0, q0), _mm256_sign_epi8(a, q0));
                const __m256i d1 = _mm256_dpbusd_epi32(
                    _mm256_setzero_si256(), _mm256_sign_epi8(q1, q1), _mm256_sign_epi8(a, q1));
                acc0 = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(m.scales[first + b]) * xs[b]),
                                       _mm256_cvtepi32_ps(d0), acc0);
                acc1 = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(m.scales[second + b]) * xs[b]),
                                       _mm256_cvtepi32_ps(d1), acc1);
            }
            out[v * out_stride + r] = sum_lanes(acc0);
            out[v * out_stride + r + 1] = sum_lanes(acc1);
        }
        for (; r < row_end; r++) {
            const long first = (long)r * blocks;
            const int8_t *w = (const int8_t *)m.quants + first * 32;
            __m256 acc = _mm256_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
                const __m256i q = _mm256_loadu_si256((const __m256i *)(w + b * 32));
                const __m256i d = _mm256_dpbusd_epi32(
                    _mm256_setzero_si256(), _mm256_sign_epi8(q, q), _mm256_sign_epi8(a, q));
                acc = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(m.scales[first + b]) * xs[b]),
                                      _mm256_cvtepi32_ps(d), acc);
            }
            out[v * out_stride + r] = sum_lanes(acc);
        }
    }
}

#else

int bloom_cpu_has_avx512_vnni(void) { return 0; }
void bloom_q4_1_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}
void bloom_q8_0_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}

#endif
