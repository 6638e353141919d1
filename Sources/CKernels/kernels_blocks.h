// The block-format row products, written once and compiled per instruction set: the including
// file defines BLOCKS_INLINE (the target attributes), BLOCKS_DOT_U8_I8(u, s) (Σ unsigned × signed
// bytes as 8 int32 sums, each of four adjacent products), BLOCKS_DOT2_U8_I8(u1, s1, u2, s2) (the
// same for two pairs of operands added lane by lane) and BLOCKS_NAME(name) (a per-set prefix),
// then includes this file.


/// The integer dot product of one weight block with the activation block `a` (and `a_abs`, its
/// absolute values), as 8 int32 partial sums converted to float.
BLOCKS_INLINE __m256 BLOCKS_NAME(block_dot)(enum block_format format, const uint8_t *quants, __m256i a, __m256i a_abs) {
    if (format == FORMAT_Q8_0) {
        // vpmaddubsw needs one unsigned operand: |a| with a's sign moved onto the weight. Exact for
        // weights in [-127, 127], which is all ggml's quantiser writes (it never stores -128).
        const __m256i w = _mm256_loadu_si256((const __m256i *)quants);
        return _mm256_cvtepi32_ps(BLOCKS_DOT_U8_I8(a_abs, _mm256_sign_epi8(w, a)));
    }
    return _mm256_cvtepi32_ps(BLOCKS_DOT_U8_I8(unpack_nibbles(quants), a));
}

/// Rows [r, r + R) times vector v (R is 1, 2 or 4). Per block: w = d·q + m (Q4_1), d·(q − 8) (Q4_0) or d·q
/// (Q8_0), so a row product is Σ d·dx·Σ(q·xq) + Σ m·sum, where sum = dx·Σxq (and m = −8d for Q4_0).
BLOCKS_INLINE void BLOCKS_NAME(block_rows_tile)(
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
        if (format != FORMAT_Q8_0) {
            // Nibble formats take two blocks per step: their 32 packed bytes unpack to the first
            // halves of both blocks in one register and the second halves in another, matched by a
            // lane swap of the two activation blocks (done once for all R rows). Each 32-bit lane
            // then sums one block's products (lanes 0–3 the first block, 4–7 the second), so one
            // convert and one multiply-add serve two blocks.
            for (int k = 0; k < 8; k += 2) {
                const __m256i a0 = _mm256_loadu_si256((const __m256i *)(xq + (long)(b + k) * 32));
                const __m256i a1 = _mm256_loadu_si256((const __m256i *)(xq + (long)(b + k + 1) * 32));
                const __m256i a_first = _mm256_permute2x128_si256(a0, a1, 0x20);
                const __m256i a_second = _mm256_permute2x128_si256(a0, a1, 0x31);
                const __m256i pick = _mm256_setr_epi32(k, k, k, k, k + 1, k + 1, k + 1, k + 1);
                for (int i = 0; i < R; i++) {
                    const __m256i w = _mm256_loadu_si256(
                        (const __m256i *)(m.quants + ((long)(r + i) * blocks + b + k) * 16));
                    const __m256i first = _mm256_and_si256(w, _mm256_set1_epi8(0x0F));
                    const __m256i second = _mm256_and_si256(_mm256_srli_epi16(w, 4), _mm256_set1_epi8(0x0F));
                    const __m256i sums = BLOCKS_DOT2_U8_I8(first, a_first, second, a_second);
                    const __m256 scale = _mm256_permutevar8x32_ps(_mm256_load_ps(factors[i]), pick);
                    acc[i] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(sums), acc[i]);
                }
            }
            continue;
        }
        for (int k = 0; k < 8; k++) {
            const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + (long)(b + k) * 32));
            const __m256i a_abs = format == FORMAT_Q8_0 ? _mm256_abs_epi8(a) : a;
            for (int i = 0; i < R; i++) {
                const uint8_t *q = m.quants + ((long)(r + i) * blocks + b + k) * quant_bytes;
                acc[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(&factors[i][k]), BLOCKS_NAME(block_dot)(format, q, a, a_abs), acc[i]);
            }
        }
    }
    for (; b < blocks; b++) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(xq + (long)b * 32));
        const __m256i a_abs = format == FORMAT_Q8_0 ? _mm256_abs_epi8(a) : a;
        for (int i = 0; i < R; i++) {
            const long index = (long)(r + i) * blocks + b;
            const float d = _cvtsh_ss(m.scales[index]);
            const __m256 product = BLOCKS_NAME(block_dot)(format, m.quants + index * quant_bytes, a, a_abs);
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

BLOCKS_INLINE void BLOCKS_NAME(block_rows)(
    enum block_format format, int group, bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end,
    float *out, long out_stride
) {
    // A group of rows outer, vectors inner: the group's weights stay in L1 while every vector passes.
    int r = row_begin;
    for (; r + group <= row_end; r += group) {
        for (int v = 0; v < vectors; v++) BLOCKS_NAME(block_rows_tile)(format, group, m, x, v, r, out + v * out_stride);
    }
    for (; r < row_end; r++) {
        for (int v = 0; v < vectors; v++) BLOCKS_NAME(block_rows_tile)(format, 1, m, x, v, r, out + v * out_stride);
    }
}

