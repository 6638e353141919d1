// The Q4_1 and Q8_0 row products with AVX-512 VNNI (`vpdpbusd` on 256-bit registers), which
// multiplies unsigned by signed bytes and adds groups of four into 32-bit lanes in one
// instruction, where AVX2 needs `vpmaddubsw` + `vpmaddwd`. Same layouts and results as the
// AVX2 kernels in bloom_kernels.h.
#ifndef BLOOM_VNNI_H
#define BLOOM_VNNI_H

#include "bloom_kernels.h"

/// Whether this CPU has AVX-512 VNNI and VL (and so AVX2, FMA and F16C too).
int bloom_cpu_has_avx512_vnni(void);

void bloom_q4_1_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);
void bloom_q8_0_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride);

#endif
