// AVX2 kernels for the K-quant formats (Q4_K, Q6_K) times 32-block 8-bit activations.
//
// Both formats have 256-weight super-blocks with finer sub-block scales; a 32-weight activation
// block lines up with one Q4_K sub-block and with two Q6_K sub-blocks of 16, so each activation
// block needs one float multiply-add after integer products, as in the 32-block formats.
#include "bloom_kernels.h"

#if defined(__x86_64__)
#include "kernels_common.h"

/// Row r times vector v for Q4_K: Σ_j (d·sc_j)·dx_j·Σ(q·xq) − Σ_j (dmin·m_j)·sum_j.
AVX2_INLINE float q4_K_row(bloom_q4_K_matrix m, bloom_q8_vectors x, int v, int r) {
    const int supers = m.super_blocks;
    const bloom_q4_K_block *row = m.blocks + (long)r * supers;
    const float *xs = x.scales + (long)v * supers * 8;
    const float *xsum = x.sums + (long)v * supers * 8;
    const int8_t *xq = x.values + (long)v * supers * 256;
    const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    __m256 minimum = _mm256_setzero_ps();
    float factors[8] __attribute__((aligned(32)));
    for (int s = 0; s < supers; s++) {
        const bloom_q4_K_block *block = row + s;
        const __m256 sc = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)block->scales)));
        const __m256 mn = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)block->mins)));
        const __m256 dsc = _mm256_mul_ps(_mm256_set1_ps(block->d), sc);
        _mm256_store_ps(factors, _mm256_mul_ps(dsc, _mm256_loadu_ps(xs + s * 8)));
        const __m256 dmn = _mm256_mul_ps(_mm256_set1_ps(block->dmin), mn);
        minimum = _mm256_fmadd_ps(dmn, _mm256_loadu_ps(xsum + s * 8), minimum);
        for (int pair = 0; pair < 4; pair++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(block->quants + pair * 32));
            const __m256i low = _mm256_and_si256(q, low_nibbles);
            const __m256i high = _mm256_and_si256(_mm256_srli_epi16(q, 4), low_nibbles);
            const int8_t *a = xq + (long)s * 256 + pair * 64;
            const __m256i a0 = _mm256_loadu_si256((const __m256i *)a);
            const __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + 32));
            const __m256 p0 = _mm256_cvtepi32_ps(dot_u8_i8(low, a0));
            const __m256 p1 = _mm256_cvtepi32_ps(dot_u8_i8(high, a1));
            acc = _mm256_fmadd_ps(_mm256_broadcast_ss(&factors[pair * 2]), p0, acc);
            acc = _mm256_fmadd_ps(_mm256_broadcast_ss(&factors[pair * 2 + 1]), p1, acc);
        }
    }
    return horizontal_sum(_mm256_sub_ps(acc, minimum));
}

AVX2 void bloom_q4_K_rows_avx2(
    bloom_q4_K_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    for (int r = row_begin; r < row_end; r++) {
        for (int v = 0; v < vectors; v++) out[v * out_stride + r] = q4_K_row(m, x, v, r);
    }
}

/// Row r times vector v for Q6_K: Σ_k d·dx_k·Σ_half sc·Σ((q − 32)·xq), where q − 32 is formed as
/// maddubs(q, xq) − maddubs(32, xq) because vpmaddubsw needs the unsigned operand.
AVX2_INLINE float q6_K_row(bloom_q6_K_matrix m, bloom_q8_vectors x, int v, int r) {
    const int supers = m.super_blocks;
    const uint8_t *row = m.data + (long)r * supers * 210;
    const float *xs = x.scales + (long)v * supers * 8;
    const int8_t *xq = x.values + (long)v * supers * 256;
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    const __m256i mask2 = _mm256_set1_epi8(0x03);
    const __m256i high2 = _mm256_set1_epi8(0x30);
    const __m256i bias = _mm256_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (int s = 0; s < supers; s++) {
        const uint8_t *block = row + (long)s * 210;
        const int8_t *scales = (const int8_t *)(block + 192);
        const float d = _cvtsh_ss(*(const uint16_t *)(block + 208));
        for (int half = 0; half < 2; half++) {
            const __m256i ql0 = _mm256_loadu_si256((const __m256i *)(block + half * 64));
            const __m256i ql1 = _mm256_loadu_si256((const __m256i *)(block + half * 64 + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(block + 128 + half * 32));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(ql0, mask4), _mm256_slli_epi16(_mm256_and_si256(qh, mask2), 4));
            q[1] = _mm256_or_si256(
                _mm256_and_si256(ql1, mask4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), mask2), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), mask4), _mm256_and_si256(qh, high2));
            q[3] = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16(ql1, 4), mask4),
                _mm256_and_si256(_mm256_srli_epi16(qh, 2), high2));
            for (int g = 0; g < 4; g++) {
                const int k = half * 4 + g;  // activation block within the super-block
                const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + (long)s * 256 + k * 32));
                const __m256i words = _mm256_sub_epi16(_mm256_maddubs_epi16(q[g], a), _mm256_maddubs_epi16(bias, a));
                // The low 128 bits hold weights 0–15 of the block, the high 128 bits weights 16–31.
                const __m256i sc = _mm256_set_m128i(_mm_set1_epi16(scales[2 * k + 1]), _mm_set1_epi16(scales[2 * k]));
                const __m256 p = _mm256_cvtepi32_ps(_mm256_madd_epi16(words, sc));
                acc = _mm256_fmadd_ps(_mm256_set1_ps(d * xs[s * 8 + k]), p, acc);
            }
        }
    }
    return horizontal_sum(acc);
}

AVX2 void bloom_q6_K_rows_avx2(
    bloom_q6_K_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    for (int r = row_begin; r < row_end; r++) {
        for (int v = 0; v < vectors; v++) out[v * out_stride + r] = q6_K_row(m, x, v, r);
    }
}

#else

void bloom_q4_K_rows_avx2(
    bloom_q4_K_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}
void bloom_q6_K_rows_avx2(
    bloom_q6_K_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}

#endif
