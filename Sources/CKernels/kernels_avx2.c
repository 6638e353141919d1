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

enum block_format { FORMAT_Q4_0, FORMAT_Q4_1, FORMAT_Q8_0 };

/// The integer dot product of one weight block with the activation block `a` (and `a_abs`, its
/// absolute values), as 8 int32 partial sums converted to float.
AVX2_INLINE __m256 block_dot(enum block_format format, const uint8_t *quants, __m256i a, __m256i a_abs) {
    if (format == FORMAT_Q8_0) {
        // vpmaddubsw needs one unsigned operand: |a| with a's sign moved onto the weight. Exact for
        // weights in [-127, 127], which is all ggml's quantiser writes (it never stores -128).
        const __m256i w = _mm256_loadu_si256((const __m256i *)quants);
        return _mm256_cvtepi32_ps(dot_u8_i8(a_abs, _mm256_sign_epi8(w, a)));
    }
    return _mm256_cvtepi32_ps(dot_u8_i8(unpack_nibbles(quants), a));
}

/// Rows [r, r + R) times vector v (R is 1, 2 or 4). Per block: w = d·q + m (Q4_1), d·(q − 8) (Q4_0) or d·q
/// (Q8_0), so a row product is Σ d·dx·Σ(q·xq) + Σ m·sum, where sum = dx·Σxq (and m = −8d for Q4_0).
AVX2_INLINE void block_rows_tile(
    enum block_format format, int R, bloom_block_matrix m, bloom_q8_vectors x, int v, int r, float *out
) {
    const int blocks = m.blocks;
    const long quant_bytes = format == FORMAT_Q8_0 ? 32 : 16;
    const float *xs = x.scales + (long)v * blocks;
    const float *xsum = x.sums + (long)v * blocks;
    const int8_t *xq = x.values + (long)v * blocks * 32;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    float tail[4] = {0, 0, 0, 0};
    float factors[4][8] __attribute__((aligned(32)));

    int b = 0;
    for (; b + 8 <= blocks; b += 8) {
        const __m256 xs8 = _mm256_loadu_ps(xs + b);
        for (int i = 0; i < R; i++) {
            const long index = (long)(r + i) * blocks + b;
            const __m256 d8 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(m.scales + index)));
            _mm256_store_ps(factors[i], _mm256_mul_ps(d8, xs8));
            if (format == FORMAT_Q4_1) {
                const __m256 m8 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(m.mins + index)));
                acc[i] = _mm256_fmadd_ps(m8, _mm256_loadu_ps(xsum + b), acc[i]);
            } else if (format == FORMAT_Q4_0) {
                acc[i] = _mm256_fmadd_ps(_mm256_mul_ps(d8, _mm256_set1_ps(-8.0f)), _mm256_loadu_ps(xsum + b), acc[i]);
            }
        }
        for (int k = 0; k < 8; k++) {
            const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + (long)(b + k) * 32));
            const __m256i a_abs = format == FORMAT_Q8_0 ? _mm256_abs_epi8(a) : a;
            for (int i = 0; i < R; i++) {
                const uint8_t *q = m.quants + ((long)(r + i) * blocks + b + k) * quant_bytes;
                acc[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(&factors[i][k]), block_dot(format, q, a, a_abs), acc[i]);
            }
        }
    }
    for (; b < blocks; b++) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + (long)b * 32));
        const __m256i a_abs = format == FORMAT_Q8_0 ? _mm256_abs_epi8(a) : a;
        for (int i = 0; i < R; i++) {
            const long index = (long)(r + i) * blocks + b;
            const float d = _cvtsh_ss(m.scales[index]);
            const __m256 product = block_dot(format, m.quants + index * quant_bytes, a, a_abs);
            acc[i] = _mm256_fmadd_ps(_mm256_set1_ps(d * xs[b]), product, acc[i]);
            if (format == FORMAT_Q4_1) tail[i] += _cvtsh_ss(m.mins[index]) * xsum[b];
            if (format == FORMAT_Q4_0) tail[i] += -8.0f * d * xsum[b];
        }
    }

    float *o = out + r;
    if (R == 4) {
        _mm_storeu_ps(o, _mm_add_ps(horizontal_sums4(acc), _mm_loadu_ps(tail)));
    } else {
        for (int i = 0; i < R; i++) o[i] = horizontal_sum(acc[i]) + tail[i];
    }
}

AVX2_INLINE void block_rows(
    enum block_format format, int group, bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end,
    float *out, long out_stride
) {
    // A group of rows outer, vectors inner: the group's weights stay in L1 while every vector passes.
    int r = row_begin;
    for (; r + group <= row_end; r += group) {
        for (int v = 0; v < vectors; v++) block_rows_tile(format, group, m, x, v, r, out + v * out_stride);
    }
    for (; r < row_end; r++) {
        for (int v = 0; v < vectors; v++) block_rows_tile(format, 1, m, x, v, r, out + v * out_stride);
    }
}

AVX2 void bloom_q4_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    block_rows(FORMAT_Q4_0, 4, m, x, vectors, row_begin, row_end, out, out_stride);
}

AVX2 void bloom_q4_1_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    block_rows(FORMAT_Q4_1, 4, m, x, vectors, row_begin, row_end, out, out_stride);
}

AVX2 void bloom_q8_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    // Two rows, not four: four Q8_0 rows measured at half the speed (the loop runs out of registers).
    block_rows(FORMAT_Q8_0, 2, m, x, vectors, row_begin, row_end, out, out_stride);
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
