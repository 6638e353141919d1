// SIMD kernels for the embedded engine: quantised dot products and activation quantisation.
//
// Swift cannot emit the byte and word multiply-add instructions (vpmaddubsw, vpmaddwd) these
// kernels live on, so they are C with per-function target attributes. Callers check
// bloom_cpu_has_avx2() once and use the Swift kernels otherwise; those are also the reference
// the tests compare these against.
#ifndef BLOOM_KERNELS_H
#define BLOOM_KERNELS_H

#include <stdint.h>

/// Whether this CPU has AVX2, FMA and F16C, which every kernel below needs.
int bloom_cpu_has_avx2(void);

/// A spin-wait hint (x86 `pause`), which Swift has no intrinsic for.
static inline void bloom_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

/// Activations quantised to 8 bits in blocks of 32: per block a float scale, the scaled sum of
/// the block's values (for formats with a minimum) and 32 signed bytes in [-127, 127].
typedef struct {
    float *scales;
    float *sums;
    int8_t *values;
} bloom_q8_vectors;

/// Quantises `count` floats (a multiple of 32) starting at block `first_block` of `out`.
void bloom_quantize_q8_avx2(const float *x, int count, bloom_q8_vectors out, int first_block);

/// A Q4_1 or Q8_0 matrix laid out for these kernels: for row r and block b, the fp16 scale is
/// scales[r * blocks + b], the fp16 minimum (Q4_1 only) mins[r * blocks + b], and the quants
/// start at quants + (r * blocks + b) * block_bytes (16 for Q4_1, 32 for Q8_0).
typedef struct {
    int blocks;
    const uint16_t *scales;
    const uint16_t *mins;
    const uint8_t *quants;
} bloom_block_matrix;

/// out[v * out_stride + r] = row r · vector v, for rows [row_begin, row_end) and `vectors`
/// input vectors, each `m.blocks` blocks long and stored one after another in `x`.
/// Q4_0 uses the Q4_1 layout without `mins` (w = d·(q − 8)).
void bloom_q4_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);
void bloom_q4_1_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);
void bloom_q8_0_rows_avx2(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);

/// A Q4_K super-block re-laid out at load (152 bytes instead of the file's 144): the fp16 scale
/// and minimum as floats and the eight 6-bit sub-block scales and minimums unpacked to bytes, so
/// the kernel converts them with one widening load; the 128 bytes of nibbles are unchanged (each
/// 32 bytes hold sub-block 2p in the low nibbles and 2p + 1 in the high ones).
/// w = d·scales[j]·q − dmin·mins[j] for sub-block j.
typedef struct {
    float d;
    float dmin;
    uint8_t scales[8];
    uint8_t mins[8];
    uint8_t quants[128];
} bloom_q4_K_block;

/// Rows of `super_blocks` re-laid out Q4_K blocks, one row after another.
typedef struct {
    int super_blocks;
    const bloom_q4_K_block *blocks;
} bloom_q4_K_matrix;

/// Rows of `super_blocks` Q6_K blocks in the file's own 210-byte layout, one row after another.
typedef struct {
    int super_blocks;
    const uint8_t *data;
} bloom_q6_K_matrix;

/// As bloom_q4_1_rows_avx2, for K-quant matrices; activation vectors are 8 × super_blocks blocks.
void bloom_q4_K_rows_avx2(
    bloom_q4_K_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);
void bloom_q6_K_rows_avx2(
    bloom_q6_K_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);

#endif
