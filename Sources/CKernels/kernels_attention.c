#include "bloom_attention.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 void bloom_to_half_avx2(const float *x, uint16_t *out, int count) {
    int i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128((__m128i *)(out + i), h);
    }
    for (; i < count; i++) out[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

AVX2 void bloom_round_through_half_avx2(const float *x, float *out, int count) {
    int i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT);
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
    }
    for (; i < count; i++) out[i] = _cvtsh_ss(_cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT));
}

AVX2 float bloom_dot_half_avx2(const uint16_t *k, const float *q, int count) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= count; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i))),
                               _mm256_loadu_ps(q + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i + 8))),
                               _mm256_loadu_ps(q + i + 8), acc1);
    }
    acc0 = _mm256_add_ps(acc0, acc1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc0), _mm256_extractf128_ps(acc0, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float total = _mm_cvtss_f32(s);
    for (; i < count; i++) total += _cvtsh_ss(k[i]) * q[i];
    return total;
}

AVX2 void bloom_add_scaled_half_avx2(float weight, const uint16_t *v, float *out, int count) {
    const __m256 w = _mm256_set1_ps(weight);
    int i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 values = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + i)));
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(w, values, _mm256_loadu_ps(out + i)));
    }
    for (; i < count; i++) out[i] += weight * _cvtsh_ss(v[i]);
}

#else

void bloom_to_half_avx2(const float *x, uint16_t *out, int count) {}
void bloom_round_through_half_avx2(const float *x, float *out, int count) {}
float bloom_dot_half_avx2(const uint16_t *k, const float *q, int count) { return 0; }
void bloom_add_scaled_half_avx2(float weight, const uint16_t *v, float *out, int count) {}

#endif
